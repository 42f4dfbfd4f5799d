// Strings from a cluster (Pod, owner, node and Service names: the API server does not validate an
// ownerReference's name), a kubeconfig (context names) or an error reach Markdown and messages
// only through these, so they show as the characters they are: no link, image, HTML, command URI
// or theme icon in them is ever rendered. No `vscode` import: unit-testable.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Markdown text showing `s` literally: every ASCII punctuation character backslash-escaped, line breaks as spaces. */
export function mdText(s: string): string {
  return s.replace(CONTROL, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** A code span showing `s` literally, whatever backticks it holds (the fence is longer than any run inside). */
export function mdCode(s: string): string {
  const t = s.replace(CONTROL, ' ');
  if (!t.trim()) return mdText(`"${t}"`);
  let longest = 0;
  for (const m of t.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each end; padding keeps a leading or trailing backtick apart from the fence.
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/**
 * For notifications, which turn `[text](https:…|command:…)` into links: the brackets stay, the link
 * syntax is broken. Also one line, no control characters.
 */
export function plainMessage(s: string): string {
  return s.replace(CONTROL, ' ').replace(/\]\s*\(/g, '] (');
}
