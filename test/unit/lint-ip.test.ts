// The pure IP parser in src/core must accept exactly what `net.isIP` accepts: checked here on
// hand-picked edge cases and a seeded corpus of generated and mutated strings.
import { strict as assert } from 'node:assert';
import { isIP } from 'node:net';
import { cidrContains, classifyIp, ipVersion, parseCidr, parseIp, scanIps } from '../../src/core/lint';
import { seededRandom as rng } from '../seededRandom';


function randomAddress(r: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const octet = () => String(pick([0, 1, 9, 10, 99, 100, 199, 255, 256, 300, Math.floor(r() * 256)]));
  const group = () => Math.floor(r() * 0x10000).toString(16).padStart(pick([0, 1, 2, 4]), '0');
  const v4 = () => Array.from({ length: pick([3, 4, 4, 4, 5]) }, octet).join('.');
  const v6 = () => {
    const n = pick([1, 2, 3, 5, 6, 7, 8, 8, 9]);
    const gs = Array.from({ length: n }, group);
    if (r() < 0.5) gs.splice(Math.floor(r() * (n + 1)), 0, '');
    let s = gs.join(':');
    if (s.startsWith(':') && r() < 0.7) s = ':' + s;
    if (s.endsWith(':') && r() < 0.7) s += ':';
    if (r() < 0.2) s += ':' + v4();
    if (r() < 0.1) s += '%' + pick(['eth0', '25eth0', '', 'a b', '1']);
    return s;
  };
  let s = r() < 0.4 ? v4() : v6();
  // Mutations: a character changed, dropped or doubled.
  const m = r();
  if (m < 0.3 && s.length > 0) {
    const i = Math.floor(r() * s.length);
    const c = pick(['.', ':', '0', 'f', 'g', '%', ' ', '1']);
    s = m < 0.1 ? s.slice(0, i) + s.slice(i + 1) : m < 0.2 ? s.slice(0, i) + c + s.slice(i) : s.slice(0, i) + c + s.slice(i + 1);
  }
  return s;
}

describe('lint IP parser', () => {
  it('agrees with net.isIP on edge cases', () => {
    const cases = [
      '1.2.3.4', '01.2.3.4', '1.2.3', '1.2.3.4.5', '255.255.255.255', '256.1.1.1', '', '.', '::', ':::', '::1', '1::',
      '1::2::3', ':1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4', '::ffff:1.2.3.4', '::ffff:01.2.3.4', '::1.2.3.4', '00001::1', '0001:2:3:4:5:6:7:8',
      'fe80::1%eth0', 'fe80::1%25eth0', 'fe80::1%', 'fe80::1%a b', '1.2.3.4%eth0', 'g::1', '1:2', '[::1]', ' 1.2.3.4',
    ];
    for (const c of cases) assert.equal(ipVersion(c), isIP(c), JSON.stringify(c));
  });

  it('agrees with net.isIP on 50,000 generated and mutated strings (seed 7)', () => {
    const r = rng(7);
    let valid = 0;
    for (let i = 0; i < 50_000; i++) {
      const s = randomAddress(r);
      const want = isIP(s);
      assert.equal(ipVersion(s), want, JSON.stringify(s));
      if (want) valid++;
    }
    // The generator must produce both kinds, or the comparison proves little.
    assert.ok(valid > 5_000 && valid < 45_000, `${valid} valid`);
  });

  it('classifies addresses', () => {
    const cls = (s: string) => classifyIp(parseIp(s)!);
    assert.equal(cls('127.0.0.1'), 'loopback');
    assert.equal(cls('127.255.0.9'), 'loopback');
    assert.equal(cls('::1'), 'loopback');
    assert.equal(cls('::ffff:127.0.0.1'), 'loopback');
    assert.equal(cls('0.0.0.0'), 'unspecified');
    assert.equal(cls('::'), 'unspecified');
    assert.equal(cls('10.244.1.7'), 'private');
    assert.equal(cls('172.31.0.1'), 'private');
    assert.equal(cls('172.32.0.1'), 'public');
    assert.equal(cls('fd00::1'), 'private');
    assert.equal(cls('fe80::1%eth0'), 'link-local');
    assert.equal(cls('169.254.169.254'), 'link-local');
    assert.equal(cls('100.64.1.1'), 'shared');
    assert.equal(cls('8.8.8.8'), 'public');
  });

  it('parses CIDRs and tests containment, including IPv4-mapped IPv6', () => {
    const c = parseCidr('10.96.0.0/12')!;
    assert.ok(cidrContains(c, parseIp('10.96.0.10')!));
    assert.ok(cidrContains(c, parseIp('10.111.255.255')!));
    assert.ok(!cidrContains(c, parseIp('10.112.0.0')!));
    assert.ok(cidrContains(c, parseIp('::ffff:10.100.0.1')!));
    assert.ok(cidrContains(parseCidr('fd00::/8')!, parseIp('fd12::1')!));
    assert.ok(!cidrContains(parseCidr('fd00::/8')!, parseIp('10.0.0.1')!));
    assert.ok(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('1.2.3.4')!));
    assert.ok(cidrContains(parseCidr('1.2.3.4')!, parseIp('1.2.3.4')!));
    assert.ok(!cidrContains(parseCidr('1.2.3.4')!, parseIp('1.2.3.5')!));
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'x/8', '10.0.0.0/', '10.0.0.0/a', '']) assert.equal(parseCidr(bad), undefined, bad);
  });

  it('every address the scanner reports is one net.isIP accepts, at the offsets it reports (seed 11)', () => {
    const r = rng(11);
    const alphabet = '0123456789abcdefABCDEF:.::..[]%/ -_xv=@,;\n\t"\'';
    let reported = 0;
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let k = 0, n = 20 + Math.floor(r() * 200); k < n; k++) {
        // Mostly address-like pieces, so that real addresses come up often.
        s += r() < 0.3 ? randomAddress(r) : alphabet[Math.floor(r() * alphabet.length)];
      }
      for (const m of scanIps(s)) {
        reported++;
        assert.ok(isIP(m.ip) !== 0, `${JSON.stringify(m.ip)} in ${JSON.stringify(s)}`);
        assert.ok(m.start >= 0 && m.start < m.end && m.end <= s.length);
        const lit = s.slice(m.start, m.end);
        assert.ok(lit.includes(m.ip), `${lit} / ${m.ip}`);
        if (m.port !== undefined) assert.ok(lit.endsWith(`:${m.port}`), lit);
        if (m.bracketed) assert.ok(lit.startsWith('['), lit);
      }
    }
    assert.ok(reported > 1000, `${reported} addresses reported`);
  });
});
