// `pod-ip-lens timeline FILE --html OUT`: the timeline view as one self-contained HTML file —
// the webview bundle and its styles inlined, the snapshot (and the references section, with
// --manifests) embedded as inert JSON, the same strict
// CSP as the VS Code panel (scripts and styles only by nonce). Opens offline in any browser.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { TimelineSnapshot } from '../core/events';
import { timelinePageHtml, type ReferencesMessage } from '../core/protocol';

/** dist/webview next to the bundled CLI (dist/cli.js), or from the source tree when run with tsx. */
function bundleDir(): string {
  const candidates = [join(__dirname, 'webview'), join(__dirname, '..', '..', 'dist', 'webview'), join(__dirname, '..', 'dist', 'webview')];
  const found = candidates.find((d) => existsSync(join(d, 'main.js')) && existsSync(join(d, 'main.css')));
  if (!found) throw new Error(`the timeline web bundle (webview/main.js and main.css) was not found in ${candidates.join(' or ')}: run 'npm run build'`);
  return found;
}

/** The latest time in the snapshot: a recorded timeline's "now". */
function lastTime(s: TimelineSnapshot): string {
  let last = -Infinity;
  for (const e of s.events) {
    const t = Date.parse(e.to ?? e.time);
    if (t > last) last = t;
  }
  return new Date(Number.isFinite(last) ? last : Date.now()).toISOString();
}

export async function renderTimelineHtml(snapshot: TimelineSnapshot, title = 'Pod IP timeline', references?: ReferencesMessage): Promise<string> {
  const dir = bundleDir();
  const [js, css] = await Promise.all([readFile(join(dir, 'main.js'), 'utf8'), readFile(join(dir, 'main.css'), 'utf8')]);
  // The source map reference would point at a file that is not shipped with the HTML.
  const strip = (s: string) => s.replace(/\n\/[/*]# sourceMappingURL=[^\n]*\s*$/, '\n');
  return timelinePageHtml({
    nonce: randomBytes(18).toString('base64'),
    title,
    script: { inline: strip(js) },
    style: { inline: strip(css) },
    embedded: { type: 'snapshot', snapshot, now: lastTime(snapshot), live: false },
    ...(references ? { embeddedReferences: references } : {}),
  });
}
