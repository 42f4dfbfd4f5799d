// `pod-ip-lens timeline … --manifests PATH…`: the manifests' IP literals (found and linted as
// `pod-ip-lens lint` does) joined with the replayed history, for the text, JSON and HTML outputs.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { LifecycleEvent } from '../core/events';
import { ManifestIndex } from '../core/lint';
import { manifestVerdict } from '../core/manifest';
import { describeInterval, describeNow, referenceTitle, type ReferencesMessage } from '../core/protocol';
import { IpHistory, joinReferences } from '../core/references';
import { expandManifestPaths } from './lint';
import { forTerminal } from './terminal';

export interface ManifestReferences {
  message: ReferencesMessage;
  /** Paths that could not be read, in words. */
  errors: string[];
}

/** Reads the manifests under `paths` (directories searched for manifests, named files taken as they are). */
export async function manifestReferences(paths: readonly string[], events: readonly LifecycleEvent[], maxSizeKb = 1024): Promise<ManifestReferences> {
  const errors: string[] = [];
  const index = new ManifestIndex();
  for (const p of paths) {
    const found = await expandManifestPaths(p, errors);
    for (const { file, found: searched } of found) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        errors.push(`cannot read ${forTerminal(file)}: ${(e as Error).message}`);
        continue;
      }
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length > maxSizeKb * 1024) continue;
      if (searched && !manifestVerdict(file, text).manifest) continue;
      index.update(resolve(file), text);
    }
  }
  const history = new IpHistory();
  history.ingest(events);
  // Relative to where the command runs, as lint prints them; absolute when outside it.
  const label = (f: string) => {
    const r = relative(process.cwd(), f);
    return r && !r.startsWith('..') ? r : f;
  };
  const literals = index.ipLiterals(label);
  return { message: { type: 'references', rows: joinReferences(literals, history), literals: literals.length, files: index.fileCount }, errors };
}

/** The references as the text output's last section. */
export function formatReferencesText(m: ReferencesMessage): string {
  const head = `References: ${m.rows.length} of ${m.literals} IP literal${m.literals === 1 ? '' : 's'} in ${m.files} manifest${m.files === 1 ? '' : 's'} point at Pod IPs of this history.`;
  if (m.rows.length === 0) return `\n${head}\n`;
  const lines = ['', head];
  for (const r of m.rows) lines.push('', `  ${forTerminal(referenceTitle(r))} (${r.literal}) — now ${forTerminal(describeNow(r))}`, ...r.intervals.map((iv) => `    ${forTerminal(describeInterval(iv))}`));
  return `${lines.join('\n')}\n`;
}
