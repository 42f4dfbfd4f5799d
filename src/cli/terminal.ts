// Text from input files (Pod names in a replay, file names, messages) goes to a terminal; a name
// holding ESC, OSC or C1 bytes could recolour the screen, retitle the window, write a hyperlink or
// hide what follows. Such characters are printed as visible escapes instead.

/**
 * C0 controls (tab and newline included: they break a table's columns and lines), DEL, C1
 * controls, and the Unicode line separators and bidirectional overrides that reorder what a
 * reader sees.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with every control character written as an escape (`\x1b`, `\n`, `\x07`, `\u202e`); other text unchanged. */
export function forTerminal(s: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(s)) return s;
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON text whose strings also escape what JSON.stringify leaves raw (DEL, C1 controls, line
 * separators, bidi overrides): still the same JSON value, safe to print to a terminal.
 */
export function jsonForTerminal(json: string): string {
  // JSON.stringify already escapes C0; outside strings JSON text is ASCII, so this only touches strings.
  return json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
