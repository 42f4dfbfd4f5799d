// The page shell of the timeline: the HTML with its content security policy, and the snapshot a
// standalone export embeds.
import type { ReferencesMessage, SnapshotMessage } from './messages';

/** Where the HTML export embeds its snapshot message (a `<script type="application/json">`). */
export const EMBEDDED_SNAPSHOT_ID = 'pod-ip-lens-snapshot';
/** Where it embeds the references section, when it has one. */
export const EMBEDDED_REFERENCES_ID = 'pod-ip-lens-references';

export interface TimelinePage {
  /** A fresh random value per page; every script and inline style carries it. */
  nonce: string;
  /** Extra sources for img/style/font, e.g. a webview's `cspSource`; empty for a standalone file. */
  resourceSource?: string;
  title: string;
  script: { src: string } | { inline: string };
  style: { href: string } | { inline: string };
  /** For a standalone page: the snapshot to draw, embedded as inert JSON. */
  embedded?: SnapshotMessage;
  /** For a standalone page: its references section (`timeline --html --manifests`). */
  embeddedReferences?: ReferencesMessage;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot close its <script> element or open a comment, whatever the cluster put in labels. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The Content-Security-Policy of the timeline: scripts and styles only by nonce, no eval, no inline. */
export function timelineCsp(nonce: string, resourceSource = ''): string {
  const src = resourceSource ? ` ${resourceSource}` : '';
  return [
    "default-src 'none'",
    `img-src${src} blob: data:`,
    `style-src${src} 'nonce-${nonce}'`,
    `font-src${src}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The one HTML document used by the webview panel, the HTML export and the browser tests. */
export function timelinePageHtml(p: TimelinePage): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(p.nonce)) throw new Error('timelinePageHtml: the nonce must be at least 16 base64 characters');
  const nonce = escapeHtml(p.nonce);
  const style = 'href' in p.style ? `<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(p.style.href)}">` : `<style nonce="${nonce}">${p.style.inline.replace(/<\/style/gi, '<\\/style')}</style>`;
  const script =
    'src' in p.script
      ? `<script nonce="${nonce}" src="${escapeHtml(p.script.src)}"></script>`
      : `<script nonce="${nonce}">${p.script.inline.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--')}</script>`;
  const embedded =
    (p.embedded ? `<script type="application/json" id="${EMBEDDED_SNAPSHOT_ID}">${jsonForScript(p.embedded)}</script>\n` : '') +
    (p.embeddedReferences ? `<script type="application/json" id="${EMBEDDED_REFERENCES_ID}">${jsonForScript(p.embeddedReferences)}</script>\n` : '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(timelineCsp(p.nonce, p.resourceSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(p.title)}</title>
${style}
</head>
<body>
<div id="app"></div>
${embedded}${script}
</body>
</html>
`;
}
