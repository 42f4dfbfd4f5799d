// Growable typed-array columns and small string vocabularies: the storage of the webview's model.
// A column is one block of memory (a few bytes per row, no object per row), which is what keeps
// the model near 250 bytes per segment and its loops free of allocation. One class per element
// type rather than one generic one: each push site then sees one array kind and stays monomorphic.

export class F64 {
  a: Float64Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Float64Array(Math.max(1, capacity));
  }
  push(v: number): number {
    if (this.n === this.a.length) this.grow(this.n * 2);
    this.a[this.n] = v;
    return this.n++;
  }
  reserve(extra: number): void {
    if (this.n + extra > this.a.length) this.grow(this.n + extra);
  }
  private grow(cap: number): void {
    const b = new Float64Array(Math.max(16, cap));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
}

export class I32 {
  a: Int32Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Int32Array(Math.max(1, capacity));
  }
  push(v: number): number {
    if (this.n === this.a.length) this.grow(this.n * 2);
    this.a[this.n] = v;
    return this.n++;
  }
  reserve(extra: number): void {
    if (this.n + extra > this.a.length) this.grow(this.n + extra);
  }
  /** Inserts at `i`, shifting the rest (for the rare out-of-order arrival). */
  insert(i: number, v: number): void {
    if (this.n === this.a.length) this.grow(this.n * 2);
    this.a.copyWithin(i + 1, i, this.n);
    this.a[i] = v;
    this.n++;
  }
  private grow(cap: number): void {
    const b = new Int32Array(Math.max(16, cap));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
}

export class U8 {
  a: Uint8Array;
  n = 0;
  constructor(capacity = 16) {
    this.a = new Uint8Array(Math.max(1, capacity));
  }
  push(v: number): number {
    if (this.n === this.a.length) this.grow(this.n * 2);
    this.a[this.n] = v;
    return this.n++;
  }
  reserve(extra: number): void {
    if (this.n + extra > this.a.length) this.grow(this.n + extra);
  }
  private grow(cap: number): void {
    const b = new Uint8Array(Math.max(16, cap));
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
}

/** Strings that repeat (IPs, nodes, owners, revisions, namespaces, Services): each stored once, by id. */
export class Vocab {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
  find(s: string): number {
    return this.index.get(s) ?? -1;
  }
  get size(): number {
    return this.list.length;
  }
}

/**
 * Strings that do not repeat (Pod UIDs and names): the snapshot's string table, kept as the one
 * string it arrived as, plus those added live. Index `i` below `baseCount` is in the table.
 */
export class Texts {
  private text = '';
  private offsets: Uint32Array = new Uint32Array(1);
  private baseCount = 0;
  private readonly extra: string[] = [];

  setBase(text: string, offsets: Uint32Array): void {
    this.text = text;
    this.offsets = offsets;
    this.baseCount = offsets.length - 1;
  }
  get(i: number): string {
    return i < this.baseCount ? this.text.slice(this.offsets[i], this.offsets[i + 1]) : this.extra[i - this.baseCount];
  }
  add(s: string): number {
    this.extra.push(s);
    return this.baseCount + this.extra.length - 1;
  }
  get base(): { text: string; offsets: Uint32Array } {
    return { text: this.text, offsets: this.offsets };
  }
}

/** First index in sorted `a[0..n)` with a[i] >= v. */
export function lowerBound(a: Float64Array | Int32Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
