// Splits text made of concatenated JSON values (what `kubectl get -w -o json` prints: pretty objects
// one after another, no separators) into values, with the position of each. Stops at the first bad
// value and says where it is, keeping every value before it.

export interface JsonValueAt {
  value: unknown;
  /** 1-based line and column of the value's first character. */
  line: number;
  column: number;
  offset: number;
}

export class JsonStreamError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

export interface JsonStreamResult {
  values: JsonValueAt[];
  error?: JsonStreamError;
}

export function parseConcatenatedJson(text: string): JsonStreamResult {
  const values: JsonValueAt[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const pos = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  const fail = (message: string, offset: number): JsonStreamResult => {
    const p = pos(offset);
    return { values, error: new JsonStreamError(message, p.line, p.column, offset) };
  };

  let i = 0;
  const n = text.length;
  // A UTF-8 byte order mark is not content.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      i++;
      continue;
    }
    if (c !== '{' && c !== '[') {
      return fail(`expected the start of a JSON object ('{'), found ${describe(text, i)}`, i);
    }
    const start = i;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (ch === 92 /* \ */) i++;
        else if (ch === 34 /* " */) inString = false;
        continue;
      }
      if (ch === 34) inString = true;
      else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) {
          end = i + 1;
          break;
        }
      }
    }
    if (end < 0) {
      const p = pos(start);
      return fail(`input ends inside the JSON value that starts at line ${p.line}, column ${p.column} (truncated?)`, n);
    }
    const slice = text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (e) {
      // V8 reports "... at position N" (within the slice); translate it to a position in the input.
      const m = /position (\d+)/.exec(String((e as Error).message));
      const at = m ? start + Number(m[1]) : start;
      const detail = String((e as Error).message).replace(/\s*in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
      return fail(`invalid JSON: ${detail}`, at);
    }
    const p = pos(start);
    values.push({ value, line: p.line, column: p.column, offset: start });
    i = end;
  }
  return { values };
}

function describe(text: string, i: number): string {
  const s = text.slice(i, i + 20).split('\n')[0];
  return JSON.stringify(s.length < 20 ? s : `${s}…`);
}
