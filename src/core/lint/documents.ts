// Splits a YAML stream into its documents by their `---` / `...` marker lines, without parsing.
// A marker at the start of a line always ends a document (it is forbidden inside scalars), so this
// split is exactly the parser's, and each document can be cached and re-linted on its own.

export interface DocumentSlice {
  /** Offset of the first character (the `---` line, when the document has one). */
  start: number;
  end: number;
}

const MARKER_RE = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

export function splitDocuments(text: string): DocumentSlice[] {
  const out: DocumentSlice[] = [];
  let start = 0;
  MARKER_RE.lastIndex = 0;
  for (;;) {
    const m = MARKER_RE.exec(text);
    if (m === null) break;
    if (text.startsWith('...', m.index)) {
      // `...` closes the document: it (and its line) belongs to the document it closes.
      const next = text.indexOf('\n', m.index);
      const end = next < 0 ? text.length : next + 1;
      out.push({ start, end });
      start = end;
      MARKER_RE.lastIndex = end;
      continue;
    }
    if (m.index > start) out.push({ start, end: m.index });
    start = m.index;
  }
  if (start < text.length || out.length === 0) out.push({ start, end: text.length });
  return out;
}

/** Converts offsets to 0-based line/column (UTF-16 code units, like VS Code and SARIF's default). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 0), this.starts.length - 1)];
  }
}

/** cyrb53: a fast 53-bit string hash; documents are cached by it (together with their length). */
export function hashText(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
