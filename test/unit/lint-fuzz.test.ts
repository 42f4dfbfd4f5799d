// Fuzz: random and mutated manifests never make the linter or the fix planner throw, every range
// lies inside the text, and the cached linter agrees with a fresh one after every mutation.
// The bench (test/bench/lint.bench.ts) imports `fuzz` for a longer run, hence the guard below.
import { strict as assert } from 'node:assert';
import {
  ManifestIndex,
  ManifestLinter,
  extractObjects,
  lintText,
  planCreateService,
  planDisableLine,
  planRemoveField,
  planServiceForHostAccess,
  planServiceReplacements,
  applyEdits,
  workloadOfFinding,
} from '../../src/core/lint';
import { seededRandom as rng } from '../seededRandom';


const VALUES = [
  '10.244.1.7', '"10.244.1.7:8080"', "'postgres://u:p@10.0.0.7:5432/db'", '"[fd00::7]:80"', 'fe80::1%eth0', '127.0.0.1', '10.0.0.0/8',
  '1.2.3.4-rc1', '"\\t10.1.2.3\\u00e9"', '|\n    server 10.1.1.1:80;\n    allow 10.0.0.0/8;', '>-\n    curl http://10.2.2.2/', '[10.3.3.3, "a"]',
  '{{ .Values.ip }}', '"{{ .Values.ip }}:80"', 'MTAuMC4wLjc6NTQzMg==', '"cG9zdGdyZXM6Ly8xMC4xLjIuMy9kYg=="', '|\n    MTAuMC4w\n    LjE=', 'true', '8080', '~', '&a 10.4.4.4', '*a', '!!str 10.5.5.5', '"::ffff:10.6.6.6"', '""',
];
const KEYS = ['value', 'host', 'args', 'hostNetwork', 'hostPort', 'clusterIP', 'ip', 'nameservers', 'image', 'version', 'data', '"quoted key"', '? complex'];
const KINDS = ['Pod', 'Deployment', 'Service', 'ConfigMap', 'Secret', 'NetworkPolicy', 'List', 'EndpointSlice'];
const NOISE = ['\n', ' ', '  ', '\t', ':', '-', '- ', '#', '"', "'", '{', '}', '[', ']', ',', '---\n', '...\n', '{{', '}}', '|', '>', '&', '*', '!', '%', '@', '\\', '\r\n', 'é', '😀', '\u0000', '10.', '::', '.7', ':80'];

export function randomManifest(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const lines = [`apiVersion: v1`, `kind: ${pick(KINDS)}`, 'metadata:', `  name: n${Math.floor(r() * 9)}`, `  namespace: ns${Math.floor(r() * 2)}`];
  const depth = 1 + Math.floor(r() * 5);
  for (let i = 0, n = 3 + Math.floor(r() * 12); i < n; i++) {
    const indent = '  '.repeat(Math.floor(r() * depth));
    const dash = r() < 0.3 ? '- ' : '';
    lines.push(`${indent}${dash}${pick(KEYS)}: ${pick(VALUES)}`);
  }
  if (r() < 0.3) lines.splice(2, 0, 'spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: c\n          ports:\n            - containerPort: 80\n              hostPort: 8080');
  return lines.join('\n') + '\n';
}

export function mutate(text: string, r: () => number): string {
  let s = text;
  for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const m = r();
    if (m < 0.4) s = s.slice(0, at) + NOISE[Math.floor(r() * NOISE.length)] + s.slice(at);
    else if (m < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8));
    else {
      const from = Math.floor(r() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(r() * 30)) + s.slice(at);
    }
  }
  return s;
}

/** One fuzz run: `iterations` documents; returns how many findings were checked. */
export function fuzz(seed: number, iterations: number): { findings: number; texts: number } {
  const r = rng(seed);
  const linter = new ManifestLinter({ ignoreCidrs: ['10.9.0.0/16'] });
  let findings = 0;
  let text = '';
  for (let i = 0; i < iterations; i++) {
    // Keep a growing multi-document stream, so the cache sees edits among unchanged documents.
    const docs = text.split('\n---\n').filter((d) => d !== '').slice(-6);
    if (r() < 0.5 || docs.length === 0) docs.push(randomManifest(r));
    else {
      const k = Math.floor(r() * docs.length);
      docs[k] = mutate(docs[k], r);
    }
    text = docs.join('\n---\n');
    if (r() < 0.08) {
      // Concatenated JSON values, as `kubectl get -w -o json` prints them, sometimes cut short.
      const values = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
        JSON.stringify({ type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'Pod', spec: { hostNetwork: true, x: text.slice(0, 80) }, status: { podIP: '10.244.0.1' } } }, null, r() < 0.5 ? 2 : 0),
      ).join('\n');
      text = r() < 0.2 ? mutate(values, r) : values;
    }
    const cached = linter.lint(text);
    const fresh = lintText(text, { ignoreCidrs: ['10.9.0.0/16'] });
    assert.deepEqual(cached.findings, fresh.findings, `cache disagrees (seed ${seed}, iteration ${i})`);
    const index = new ManifestIndex();
    index.update('a.yaml', text);
    const workloads = extractObjects(text, 'a.yaml').workloads;
    for (const f of fresh.findings) {
      findings++;
      assert.ok(f.start >= 0 && f.start < f.end && f.end <= text.length, `range ${f.start}-${f.end} of ${text.length}`);
      assert.equal(text.slice(f.start, f.end), f.literal);
      if (f.ip !== undefined && !f.encoding) assert.ok(f.literal.includes(f.ip), `${f.literal} / ${f.ip}`);
      const plans = [
        ...planServiceReplacements(f, index.serviceCandidates(f.port, f.namespace)),
        ...index.workloadsFor(f.port, f.namespace).flatMap((candidate) => planCreateService({ text, file: 'a.yaml', finding: f, candidate, takenNames: new Set() })),
        ...planRemoveField(f),
        ...planServiceForHostAccess(text, 'a.yaml', f, workloadOfFinding(workloads, f), new Set()),
        ...planDisableLine(text, f),
      ];
      for (const p of plans) {
        const own = p.edits.filter((e) => e.file === undefined);
        for (const e of own) assert.ok(e.start >= 0 && e.start <= e.end && e.end <= text.length, p.title);
        applyEdits(text, own);
      }
    }
  }
  return { findings, texts: iterations };
}

if (typeof describe === 'function') {
  describe('lint fuzz', function () {
    this.timeout(120_000);
    for (const seed of [1, 2, 3]) {
      it(`never throws and stays consistent on 300 random and mutated manifests (seed ${seed})`, () => {
        const { findings } = fuzz(seed, 300);
        assert.ok(findings > 100, `only ${findings} findings exercised`);
      });
    }
  });
}
