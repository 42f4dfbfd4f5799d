// Address management: per-node Pod IPs from the node's pod CIDR, and Service ClusterIPs.

export type IpAllocation = 'sequential' | 'reuse-first';

export function ipv4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export function intToIpv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): { base: number; bits: number } {
  const m = cidr.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new Error(`invalid IPv4 CIDR ${JSON.stringify(cidr)} (expected e.g. 10.244.0.0/16)`);
  }
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (ipv4ToInt(m.slice(1, 5).join('.')) & mask) >>> 0, bits };
}

/** The /24 of node `index` inside the cluster pod CIDR (10.244.0.0/16 → 10.244.index.0/24). */
export function nodePodCidr(clusterCidr: string, index: number): string {
  const { base, bits } = parseCidr(clusterCidr);
  if (bits > 24) throw new Error(`pod CIDR ${clusterCidr} is too small: need at least a /24 per node`);
  const capacity = 2 ** (24 - bits);
  if (index >= capacity) throw new Error(`pod CIDR ${clusterCidr} has room for ${capacity} nodes, not ${index + 1}`);
  return `${intToIpv4(base + index * 256)}/24`;
}

/**
 * One node's Pod IP range. `sequential` behaves like the host-local IPAM plugin: it continues
 * after the last address it handed out, so a freed IP comes back only after the range wraps.
 * `reuse-first` hands out the most recently freed address first, as some CNIs do.
 */
export class NodeIpam {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private lastReserved: number;
  private readonly freed: number[] = [];

  constructor(
    readonly cidr: string,
    private readonly mode: IpAllocation,
  ) {
    const { base, bits } = parseCidr(cidr);
    // .0 is the network, .1 the gateway (the node's bridge), the last is broadcast.
    this.first = base + 2;
    this.last = base + 2 ** (32 - bits) - 2;
    this.lastReserved = this.first - 1;
  }

  allocate(): string | undefined {
    if (this.mode === 'reuse-first') {
      while (this.freed.length) {
        const ip = this.freed.pop()!;
        if (!this.used.has(ip)) return this.take(ip);
      }
    }
    const size = this.last - this.first + 1;
    for (let i = 1; i <= size; i++) {
      const ip = this.first + ((this.lastReserved - this.first + i) % size);
      if (!this.used.has(ip)) {
        this.lastReserved = ip;
        return this.take(ip);
      }
    }
    return undefined;
  }

  /** Marks an address as in use (Pods restored from a snapshot). */
  reserve(ip: string): void {
    const n = ipv4ToInt(ip);
    if (n >= this.first && n <= this.last) this.used.add(n);
  }

  release(ip: string): void {
    const n = ipv4ToInt(ip);
    if (this.used.delete(n) && this.mode === 'reuse-first') {
      // Most recent last; an address freed twice before reuse is listed once.
      const i = this.freed.indexOf(n);
      if (i >= 0) this.freed.splice(i, 1);
      this.freed.push(n);
    }
  }

  contains(ip: string): boolean {
    const n = ipv4ToInt(ip);
    return n >= this.first - 2 && n <= this.last + 1;
  }

  private take(n: number): string {
    this.used.add(n);
    return intToIpv4(n);
  }
}

/** IPv6 companion of a node's IPv4 range for dual-stack: fd00:10:244:<index>::<host>. */
export function ipv6For(ipv4: string, nodeIndex: number): string {
  const host = ipv4ToInt(ipv4) & 255;
  return `fd00:10:244:${nodeIndex.toString(16)}::${host.toString(16)}`;
}

/** ClusterIPs from the service CIDR, picked at random like the API server's allocator. */
export class ServiceIpam {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();

  constructor(readonly cidr = '10.96.0.0/12') {
    const { base, bits } = parseCidr(cidr);
    this.base = base;
    this.size = 2 ** (32 - bits);
  }

  allocate(): string {
    for (let tries = 0; tries < 1000; tries++) {
      // Skip .0 (network) and the low block the cluster reserves for well-known services.
      const n = this.base + 16 + Math.floor(Math.random() * (this.size - 17));
      if (!this.used.has(n)) {
        this.used.add(n);
        return intToIpv4(n);
      }
    }
    throw new Error(`service CIDR ${this.cidr} is full`);
  }

  reserve(ip: string): boolean {
    const n = ipv4ToInt(ip);
    if (n < this.base || n >= this.base + this.size) return false;
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(ip: string): void {
    this.used.delete(ipv4ToInt(ip));
  }
}
