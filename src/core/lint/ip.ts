// Strict IP address parsing, classification and CIDR matching.
// src/core stays free of node built-ins, so this is a re-implementation of what `net.isIP` accepts
// (same rules: no leading zeros in IPv4 octets, 1–4 hex digits per IPv6 group, one `::`, an
// optional embedded IPv4 tail, an optional `%zone`); test/unit/lint-ip.test.ts checks it against
// `net.isIP` itself on a large seeded corpus, so the two cannot drift apart silently.

export type IpVersion = 4 | 6;

export interface ParsedIp {
  version: IpVersion;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
  /** IPv6 zone id without the `%` (e.g. `eth0`), when present. */
  zone?: string;
}

const DIGIT0 = 48;

/** Parses a dotted-quad IPv4 address exactly as `net.isIPv4` accepts it; undefined otherwise. */
export function parseIPv4(s: string): number[] | undefined {
  const bytes: number[] = [];
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s.charCodeAt(i) !== 46 /* . */) return undefined;
      i++;
    }
    const start = i;
    let value = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i) - DIGIT0;
      if (c < 0 || c > 9) break;
      value = value * 10 + c;
      i++;
      if (i - start > 3) return undefined;
    }
    const len = i - start;
    if (len === 0 || value > 255) return undefined;
    if (len > 1 && s.charCodeAt(start) === DIGIT0) return undefined; // leading zero: octal in some parsers
    bytes.push(value);
  }
  return i === s.length ? bytes : undefined;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const ZONE_RE = /^[0-9A-Za-z\-.:]+$/; // the zone characters net.isIPv6 accepts

/** Parses an IPv6 address (with optional IPv4 tail and `%zone`) as `net.isIPv6` accepts it. */
export function parseIPv6(input: string): { bytes: number[]; zone?: string } | undefined {
  let s = input;
  let zone: string | undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    if (!ZONE_RE.test(zone)) return undefined;
    s = s.slice(0, pct);
  }
  const head: number[] = []; // 16-bit groups before `::`
  const tail: number[] = []; // after `::`
  let doubleColon = false;
  let i = 0;
  if (s.startsWith('::')) {
    doubleColon = true;
    i = 2;
    if (s.length === 2) return finish(head, tail, true, zone);
  } else if (s.charCodeAt(0) === 58) {
    return undefined;
  }
  while (i < s.length) {
    const groups = doubleColon ? tail : head;
    // An embedded IPv4 tail is allowed as the last thing in the address.
    let j = i;
    let digits = 0;
    let value = 0;
    while (j < s.length) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
      digits++;
    }
    if (j < s.length && s.charCodeAt(j) === 46 /* . */) {
      const v4 = parseIPv4(s.slice(i));
      if (!v4) return undefined;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      i = s.length;
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    groups.push(value);
    i = j;
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 58) return undefined;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (doubleColon) return undefined;
      doubleColon = true;
      i++;
      if (i === s.length) break;
    } else if (i === s.length) {
      return undefined; // trailing single colon
    }
  }
  return finish(head, tail, doubleColon, zone);
}

function finish(head: number[], tail: number[], doubleColon: boolean, zone: string | undefined) {
  const total = head.length + tail.length;
  if (doubleColon ? total > 7 : total !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return zone === undefined ? { bytes } : { bytes, zone };
}

/** 4, 6 or 0, like `net.isIP`. */
export function ipVersion(s: string): 0 | IpVersion {
  if (parseIPv4(s)) return 4;
  if (s.includes(':') && parseIPv6(s)) return 6;
  return 0;
}

export function parseIp(s: string): ParsedIp | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { version: 4, bytes: v4 };
  if (!s.includes(':')) return undefined;
  const v6 = parseIPv6(s);
  return v6 ? { version: 6, ...v6 } : undefined;
}

/** For an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) the IPv4 bytes; otherwise undefined. */
function mappedV4(bytes: number[]): number[] | undefined {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return bytes.slice(12);
}

/**
 * What kind of address it is, which decides whether and how the linter reports it:
 * `private`/`shared` could be a Pod, node or Service IP; `public` is a host outside the cluster;
 * the rest are never where a client in a Pod is pinned to another workload (loopback, the
 * unspecified bind-all address, link-local incl. cloud metadata, multicast, the documentation
 * ranges of RFC 5737/3849/9637, and reserved or broadcast space).
 */
export type IpClass = 'loopback' | 'unspecified' | 'link-local' | 'private' | 'shared' | 'multicast' | 'documentation' | 'reserved' | 'public';

export function classifyIp(ip: ParsedIp): IpClass {
  let b = ip.bytes;
  if (ip.version === 6) {
    const v4 = mappedV4(b);
    if (v4) b = v4;
    else {
      if (b.every((x) => x === 0)) return 'unspecified';
      if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return 'loopback';
      if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return 'link-local';
      if ((b[0] & 0xfe) === 0xfc) return 'private';
      if (b[0] === 0xff) return 'multicast';
      if ((b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) || (b[0] === 0x3f && b[1] === 0xff && (b[2] & 0xf0) === 0)) return 'documentation';
      if (b.slice(0, 12).every((x) => x === 0)) return 'reserved'; // IPv4-compatible, deprecated
      return 'public';
    }
  }
  if (b[0] === 127) return 'loopback';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0) return 'unspecified';
  if (b[0] === 169 && b[1] === 254) return 'link-local';
  if (b[0] === 10 || (b[0] === 172 && (b[1] & 0xf0) === 16) || (b[0] === 192 && b[1] === 168)) return 'private';
  if (b[0] === 198 && (b[1] & 0xfe) === 18) return 'private'; // benchmarking, used like private space in labs
  if (b[0] === 100 && (b[1] & 0xc0) === 64) return 'shared';
  if (b[0] >= 224 && b[0] <= 239) return 'multicast';
  if ((b[0] === 192 && b[1] === 0 && b[2] === 2) || (b[0] === 198 && b[1] === 51 && b[2] === 100) || (b[0] === 203 && b[1] === 0 && b[2] === 113)) return 'documentation';
  if (b[0] === 0 || b[0] >= 240) return 'reserved';
  return 'public';
}

/** Classes of address the linter may report; the others are never a client's pinned dependency. */
export function isReportableClass(c: IpClass): c is 'private' | 'shared' | 'public' {
  return c === 'private' || c === 'shared' || c === 'public';
}

/**
 * Public DNS resolvers run as anycast services whose address *is* their identity (a resolver is
 * how names are found, so it cannot be found by name). Cloudflare, Google, Quad9, OpenDNS,
 * AdGuard, CleanBrowsing, Comodo, Level3, Verisign, DNS.WATCH, Yandex.
 */
const RESOLVERS = new Set([
  '1.1.1.1', '1.0.0.1', '1.1.1.2', '1.0.0.2', '1.1.1.3', '1.0.0.3', '8.8.8.8', '8.8.4.4', '9.9.9.9', '149.112.112.112',
  '9.9.9.10', '149.112.112.10', '9.9.9.11', '149.112.112.11', '208.67.222.222', '208.67.220.220', '208.67.222.123',
  '208.67.220.123', '94.140.14.14', '94.140.15.15', '94.140.14.15', '94.140.15.16', '185.228.168.9', '185.228.169.9',
  '8.26.56.26', '8.20.247.20', '4.2.2.1', '4.2.2.2', '64.6.64.6', '64.6.65.6', '84.200.69.80', '84.200.70.40',
  '77.88.8.8', '77.88.8.1', '76.76.2.0', '76.76.10.0',
  '2606:4700:4700::1111', '2606:4700:4700::1001', '2001:4860:4860::8888', '2001:4860:4860::8844', '2620:fe::fe',
  '2620:fe::9', '2620:119:35::35', '2620:119:53::53', '2a10:50c0::ad1:ff', '2a10:50c0::ad2:ff',
]);

export function isPublicResolver(ip: ParsedIp): boolean {
  return RESOLVERS.has(formatIp(ip));
}

/** Canonical text of an address: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: ParsedIp): string {
  const b = ip.bytes;
  if (ip.version === 4) return b.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface Cidr {
  version: IpVersion;
  bytes: number[];
  prefix: number;
  text: string;
}

/** Parses `a.b.c.d/n` or `v6/n`; a bare address is a host route (/32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  const ip = parseIp(addr);
  if (!ip || ip.zone !== undefined) return undefined;
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { version: ip.version, bytes: ip.bytes, prefix, text: t };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  let bytes = ip.bytes;
  if (cidr.version !== ip.version) {
    // An IPv4 range also covers the IPv4-mapped IPv6 form of its addresses.
    const v4 = ip.version === 6 ? mappedV4(ip.bytes) : undefined;
    if (cidr.version !== 4 || !v4) return false;
    bytes = v4;
  }
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (cidr.bytes[i] & mask)) return false;
  }
  return true;
}
