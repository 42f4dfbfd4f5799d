// Finds IP address literals in text and reports their exact offsets.
// A fast regex finds places that could start an address; each place is widened to the maximal run
// of address characters, and the run is validated by the strict parser in ip.ts. Text that only
// looks like an address (versions, OIDs, times, MACs, CIDR ranges, image tags) is rejected by the
// boundary rules below, which is where most of the traps in the unit-test table live.
import { parseIPv4, parseIPv6, type IpVersion } from './ip';

export interface IpMatch {
  /** Offset of the first character of the literal (a `[` for bracketed IPv6). */
  start: number;
  /** Offset just past the literal, including `]` and `:port` when present. */
  end: number;
  /** The address as written, with `%zone` when present, without brackets or port. */
  ip: string;
  version: IpVersion;
  port?: number;
  /** The address was written as `[v6]` (URLs, `[v6]:port`). */
  bracketed: boolean;
  /** Followed by `/n` where n is a valid prefix length: a range, not an endpoint. */
  cidr: boolean;
}

// The middle of a dotted quad (`.d.d.`), or two colons with at most one hex group between them
// (every IPv6 address with three groups or a `::` has one). Both start with a literal `.` or `:`,
// which lets the regex engine skip ahead quickly; each hit is widened to its run of address
// characters before it is validated.
const START_RE = /\.\d{1,3}\.\d{1,3}\.|:[0-9A-Fa-f]{0,4}:/g;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isRunChar(c: number): boolean {
  return isHex(c) || c === 58 /* : */ || c === 46 /* . */;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordChar(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */;
}
function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Quick test: could `text[from, to)` contain an IP literal at all? */
export function mayContainIp(text: string, from = 0, to = text.length): boolean {
  START_RE.lastIndex = from;
  const m = START_RE.exec(text);
  return m !== null && m.index < to;
}

/**
 * The character before `pos` ends a word, so an address may start at `pos`. A letter right before
 * is part of a word (`v1.2.3.4`, `sha256:…`) unless it is the letter of a backslash escape inside
 * a quoted string (`"\t10.0.0.7"`).
 */
function boundaryBefore(text: string, pos: number, from: number): boolean {
  if (pos <= from) return true;
  const c = text.charCodeAt(pos - 1);
  if (!isWordChar(c)) return true;
  if (pos - 2 >= from && text.charCodeAt(pos - 2) === 92 /* \ */) {
    let n = 0;
    for (let k = pos - 2; k >= from && text.charCodeAt(k) === 92; k--) n++;
    return n % 2 === 1;
  }
  return false;
}

/** Reads `:port` at `pos` (1–65535, not followed by another digit); returns the end or -1. */
function readPort(text: string, pos: number, to: number): { port: number; end: number } | undefined {
  if (text.charCodeAt(pos) !== 58) return undefined;
  let i = pos + 1;
  let port = 0;
  while (i < to && isDigit(text.charCodeAt(i)) && i - pos <= 5) {
    port = port * 10 + (text.charCodeAt(i) - 48);
    i++;
  }
  if (i === pos + 1 || i - pos > 6 || (i < to && isDigit(text.charCodeAt(i)))) return undefined;
  if (port < 1 || port > 65535 || (text.charCodeAt(pos + 1) === 48 && i - pos > 2)) return undefined;
  return { port, end: i };
}

/**
 * What follows an address must end it: not a letter or digit (`10.0.0.7abc`), not a further
 * dotted component (`1.2.3.4.5` is an OID or a version), not a pre-release or build suffix
 * (`1.2.3.4-rc1`, `1.2.3.4+b5`).
 */
function boundaryAfter(text: string, pos: number, to: number): boolean {
  if (pos >= to) return true;
  const c = text.charCodeAt(pos);
  if (isWordChar(c)) return false;
  const next = pos + 1 < to ? text.charCodeAt(pos + 1) : -1;
  if (c === 46 /* . */ && isAlnum(next)) return false;
  if ((c === 45 /* - */ || c === 43) /* + */ && isAlnum(next)) return false;
  return true;
}

/** `/n` with a prefix length valid for the version, ending at a boundary: a CIDR range. */
function isCidrSuffix(text: string, pos: number, to: number, version: IpVersion): boolean {
  if (text.charCodeAt(pos) !== 47 /* / */) return false;
  let i = pos + 1;
  while (i < to && isDigit(text.charCodeAt(i)) && i - pos <= 3) i++;
  if (i === pos + 1 || (i < to && (isWordChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46))) return false;
  const n = Number(text.slice(pos + 1, i));
  return n <= (version === 4 ? 32 : 128);
}

/** Reads a zone id (`%eth0`, or `%25eth0` inside a URL) at `pos`; returns its end or `pos`. */
function readZone(text: string, pos: number, to: number): number {
  if (text.charCodeAt(pos) !== 37 /* % */) return pos;
  let i = pos + 1;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isAlnum(c) || c === 45 || c === 46 || c === 95) i++;
    else break;
  }
  return i > pos + 1 ? i : pos;
}

/** Every IP literal in `text[from, to)`, in order. */
export function scanIps(text: string, from = 0, to = text.length): IpMatch[] {
  const out: IpMatch[] = [];
  START_RE.lastIndex = from;
  for (;;) {
    const m = START_RE.exec(text);
    if (m === null || m.index >= to) break;
    let runStart = m.index;
    while (runStart > from && isRunChar(text.charCodeAt(runStart - 1))) runStart--;
    let runEnd = m.index + m[0].length;
    while (runEnd < to && isRunChar(text.charCodeAt(runEnd))) runEnd++;
    START_RE.lastIndex = runEnd;
    const found = analyseRun(text, runStart, runEnd, from, to);
    if (found) out.push(found);
  }
  return out;
}

function analyseRun(text: string, runStart: number, runEnd: number, from: number, to: number): IpMatch | undefined {
  // A run that starts with `.` continues a dotted name or number (`node.10.0.0.7`, `1.3.6.1.4.1`).
  if (text.charCodeAt(runStart) === 46) return undefined;
  let start = runStart;
  // One leading `:` is a separator (`host:10.0.0.7`, `image:1.2.3.4`); `::` belongs to an IPv6.
  if (text.charCodeAt(start) === 58 && text.charCodeAt(start + 1) !== 58) start++;
  const run = text.slice(start, runEnd);
  if (start === runStart && !boundaryBefore(text, start, from)) return undefined;

  if (run.indexOf(':') !== run.lastIndexOf(':')) {
    const v6 = matchIPv6(text, start, runEnd, from, to);
    if (v6) return v6;
  }
  // IPv4: at the start of the run or right after a `:` separator (`abc:10.0.0.7`).
  for (let s = start; s < runEnd; ) {
    const v4 = matchIPv4At(text, s, runEnd, to);
    if (v4) return v4;
    const colon = text.indexOf(':', s);
    if (colon < 0 || colon >= runEnd) break;
    s = colon + 1;
  }
  return undefined;
}

function matchIPv4At(text: string, s: number, runEnd: number, to: number): IpMatch | undefined {
  // Four 1–3 digit parts; the run may go on after it (`:port`, `:port:containerPort`, a `.`).
  let i = s;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(i) !== 46) return undefined;
      i++;
    }
    const p0 = i;
    while (i < runEnd && isDigit(text.charCodeAt(i)) && i - p0 < 4) i++;
    if (i === p0) return undefined;
  }
  const ip = text.slice(s, i);
  if (!parseIPv4(ip)) return undefined;
  // A separator `:` before the address must itself follow a word: `image:1.2.3.4` is a tag.
  if (s > 0 && text.charCodeAt(s - 1) === 58 && isImageRefBefore(text, s - 1)) return undefined;
  // `10.0.0.10-10.0.0.20` is an address range (address pools), not an endpoint: the start is
  // rejected by boundaryAfter, the end here.
  if (s > 0 && text.charCodeAt(s - 1) === 45 && /(?:^|[^\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(text.slice(Math.max(0, s - 17), s - 1))) return undefined;
  let end = i;
  let port: number | undefined;
  const p = readPort(text, i, to);
  if (p) {
    port = p.port;
    end = p.end;
  }
  if (port === undefined && !isUrlHost(text, s) && isCidrSuffix(text, end, to, 4)) {
    return { start: s, end, ip, version: 4, bracketed: false, cidr: true };
  }
  // A trailing `.` ends a sentence (`… at 10.0.0.7.`); a trailing `:` ends a list item.
  if (!boundaryAfter(text, end, to)) return undefined;
  return { start: s, end, ip, version: 4, port, bracketed: false, cidr: false };
}

/**
 * `nginx:1.2.3.4`, `registry.local/app:1.2.3.4` — a `:` preceded by a lower-case image reference
 * that starts a token is a tag separator. Upper-case or `_` names (`DB_HOST:10.0.0.7`) and
 * `user:pass@` credentials are not image references.
 */
function isImageRefBefore(text: string, colon: number): boolean {
  let k = colon - 1;
  let letter = false;
  while (k >= 0) {
    const c = text.charCodeAt(k);
    if (c >= 97 && c <= 122) letter = true;
    else if (!(isDigit(c) || c === 45 || c === 46 || c === 47)) break;
    k--;
  }
  if (!letter || colon - k < 3) return false;
  if (k < 0) return true;
  const c = text.charCodeAt(k);
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 34 || c === 39 || c === 61 || c === 44 || c === 91;
}

/** The address follows `://` or `@`: a URL host, so a `/n` after it is a path, not a prefix length. */
function isUrlHost(text: string, start: number): boolean {
  const c = text.charCodeAt(start - 1);
  return c === 64 /* @ */ || (c === 47 && text.charCodeAt(start - 2) === 47);
}

function matchIPv6(text: string, start: number, runEnd: number, from: number, to: number): IpMatch | undefined {
  // Try the whole run, then without a trailing `.` or `:` (sentence punctuation, list separators).
  let end = runEnd;
  for (let attempt = 0; attempt < 2 && end > start; attempt++) {
    const cand = text.slice(start, end);
    const zoneEnd = readZone(text, end, to);
    // With a zone the address is `addr%zone`; an invalid zone leaves the bare address.
    const withZone = zoneEnd > end ? parseIPv6(text.slice(start, zoneEnd)) : undefined;
    const valid = withZone ?? parseIPv6(cand);
    // An address without any digit (`cafe::babe`, `a::b`) is far more often a word or a C++/Ruby
    // scope operator than an endpoint.
    if (valid && /\d/.test(cand)) {
      const ipEnd = withZone ? zoneEnd : end;
      const ip = text.slice(start, ipEnd);
      const bracketed = start > from && text.charCodeAt(start - 1) === 91 /* [ */ && text.charCodeAt(ipEnd) === 93; /* ] */
      if (!bracketed && !boundaryBefore(text, start, from)) return undefined;
      let litStart = start;
      let litEnd = ipEnd;
      let port: number | undefined;
      if (bracketed) {
        litStart = start - 1;
        litEnd = ipEnd + 1;
        const p = readPort(text, litEnd, to);
        if (p) {
          port = p.port;
          litEnd = p.end;
        }
      }
      if (port === undefined && !isUrlHost(text, litStart) && isCidrSuffix(text, litEnd, to, 6)) {
        return { start: litStart, end: litEnd, ip, version: 6, bracketed, cidr: true };
      }
      if (!boundaryAfter(text, litEnd, to)) return undefined;
      return { start: litStart, end: litEnd, ip, version: 6, port, bracketed, cidr: false };
    }
    const last = text.charCodeAt(end - 1);
    if (last === 46 || last === 58) end--;
    else break;
  }
  return undefined;
}
