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

/** All values of a text at once (the reader below, fed the whole text). */
export function parseConcatenatedJson(text: string): JsonStreamResult {
  const r = new ConcatenatedJsonReader();
  const values = [...r.push(text)];
  const error = r.end();
  return error ? { values, error } : { values };
}

/**
 * The same, for text that arrives in pieces (a file read in chunks, a pipe): `push` yields each
 * value as soon as it is complete, so only one value's text is held at a time, not the input.
 * Speed: string contents (most of kubectl's output) are skipped with indexOf, not char by char.
 */
export class ConcatenatedJsonReader {
  private buf = '';
  /** Offset in the whole input of buf[0]. */
  private base = 0;
  /** Where scanning resumes in buf. */
  private i = 0;
  /** Start of the value being read, in buf; -1 between values. */
  private start = -1;
  private depth = 0;
  private inString = false;
  /** Line of position i, and the offset (in the input) where that line starts. */
  private line = 1;
  private lineStart = 0;
  private startLine = 0;
  private startColumn = 0;
  private failed?: JsonStreamError;
  /** Position in buf of the next newline at or after the scan (kubectl's lines can be megabytes long). */
  private nextNl = -1;

  *push(chunk: string): Generator<JsonValueAt> {
    if (this.failed) return;
    // buf holds only the value being read (if any); positions i and start are relative to it.
    const s = this.buf.length ? this.buf + chunk : chunk;
    this.buf = s;
    this.nextNl = -1;
    const n = s.length;
    let i = this.i;
    while (i < n) {
      if (this.start < 0) {
        const c = s.charCodeAt(i);
        if (c === 32 || c === 9 || c === 13) {
          i++;
          continue;
        }
        if (c === 10) {
          i++;
          this.line++;
          this.lineStart = this.base + i;
          continue;
        }
        // A UTF-8 byte order mark is not content.
        if (c === 0xfeff && this.base + i === 0) {
          i++;
          continue;
        }
        if (c !== 123 && c !== 91) {
          this.fail(`expected the start of a JSON object ('{'), found ${describe(s, i)}`, this.base + i, this.line, this.base + i - this.lineStart + 1);
          return;
        }
        // Fast path: kubectl prints each watch event as one compact line. A complete line that
        // closes what it opens is tried as one value; anything else (pretty-printed, two values
        // on a line, bad JSON) is read by the scanner below, which also reports errors.
        let nl = this.nextNl;
        if (nl < i) {
          const k = s.indexOf('\n', i);
          nl = this.nextNl = k < 0 ? Infinity : k;
        }
        if (nl !== Infinity) {
          let e = nl;
          while (e > i && (s.charCodeAt(e - 1) === 13 || s.charCodeAt(e - 1) === 32)) e--;
          const last = s.charCodeAt(e - 1);
          if (e - i > 1 && ((c === 123 && last === 125) || (c === 91 && last === 93))) {
            let value: unknown;
            let ok = true;
            try {
              value = JSON.parse(s.slice(i, e));
            } catch {
              ok = false;
            }
            if (ok) {
              yield { value, line: this.line, column: this.base + i - this.lineStart + 1, offset: this.base + i };
              i = e;
              continue;
            }
          }
        }
        this.start = i;
        this.startLine = this.line;
        this.startColumn = this.base + i - this.lineStart + 1;
        this.depth = 0;
        this.inString = false;
      }
      if (this.inString) {
        const q = s.indexOf('"', i);
        const to = q < 0 ? n : q;
        this.countLines(s, i, to);
        if (q < 0) {
          i = n;
          break;
        }
        // An odd run of backslashes before it escapes the quote.
        let b = q - 1;
        while (b >= this.start && s.charCodeAt(b) === 92) b--;
        i = q + 1;
        if ((q - 1 - b) % 2 === 0) this.inString = false;
        continue;
      }
      const c = s.charCodeAt(i++);
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        if (--this.depth === 0) {
          const value = this.parse(s, this.start, i);
          if (this.failed) return;
          yield { value, line: this.startLine, column: this.startColumn, offset: this.base + this.start };
          this.start = -1;
        }
      } else if (c === 10) {
        this.line++;
        this.lineStart = this.base + i;
      }
    }
    // Keep only what is still needed: the value being read, or nothing.
    const keep = this.start >= 0 ? this.start : i;
    this.buf = s.slice(keep);
    this.base += keep;
    this.i = i - keep;
    if (this.start >= 0) this.start = 0;
  }

  /** The input is complete: an error if it stopped inside a value (or earlier), else undefined. */
  end(): JsonStreamError | undefined {
    if (!this.failed && this.start >= 0) {
      this.fail(`input ends inside the JSON value that starts at line ${this.startLine}, column ${this.startColumn} (truncated?)`, this.base + this.buf.length, this.line, this.base + this.buf.length - this.lineStart + 1);
    }
    return this.failed;
  }

  private countLines(s: string, from: number, to: number): void {
    let k = this.nextNl;
    if (k < from) k = s.indexOf('\n', from);
    while (k >= 0 && k < to) {
      this.line++;
      this.lineStart = this.base + k + 1;
      k = s.indexOf('\n', k + 1);
    }
    this.nextNl = k < 0 ? Infinity : k;
  }

  private parse(s: string, start: number, end: number): unknown {
    const slice = s.slice(start, end);
    try {
      return JSON.parse(slice);
    } catch (e) {
      // V8 reports "... at position N" (within the slice); translate it to a position in the input.
      const m = /position (\d+)/.exec(String((e as Error).message));
      const at = m ? Number(m[1]) : 0;
      const detail = String((e as Error).message).replace(/\s*in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '');
      const before = slice.slice(0, at);
      const nl = before.lastIndexOf('\n');
      let line = this.startLine;
      for (let k = before.indexOf('\n'); k >= 0; k = before.indexOf('\n', k + 1)) line++;
      const column = nl < 0 ? this.startColumn + at : at - nl;
      this.fail(`invalid JSON: ${detail}`, this.base + start + at, line, column);
      return undefined;
    }
  }

  private fail(message: string, offset: number, line: number, column: number): void {
    this.failed = new JsonStreamError(message, line, column, offset);
  }
}

function describe(text: string, i: number): string {
  const s = text.slice(i, i + 20).split('\n')[0];
  return JSON.stringify(s.length < 20 ? s : `${s}…`);
}
