// Text that came from files or a cluster (names, paths, messages quoting them) is printed with its
// control characters escaped, so an ANSI/OSC sequence in a Pod or file name cannot rewrite the
// terminal, set its title or hide lines.

const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `s` with C0/C1 controls (newline and tab included when `singleLine`) and bidi overrides as `\xNN`/`\uNNNN`. */
export function printable(s: string, singleLine = true): string {
  const out = s.replace(CONTROL_RE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
  return singleLine ? out.replace(/\n/g, '\\n').replace(/\t/g, '\\t') : out;
}
