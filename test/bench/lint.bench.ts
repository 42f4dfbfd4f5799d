// Lint throughput against `yaml.parseAllDocuments` of the same text, measured side by side in one
// run (the machine is shared and noisy, so absolute numbers mean little and ratios are the point):
//   1. 5,000 documents, every one holding an IP            goal ≤ 1.0× a full parse
//   2. 5,000 documents, 1 in 100 holding an IP             goal ≤ 0.1× (no parse without a candidate)
//   3. re-lint after a one-character edit in a 5,000-line file, with the per-document cache
//                                                          goal p95 ≤ 10 ms
//   4. a longer fuzz run than the unit tests do
import { parseAllDocuments } from 'yaml';
import { ManifestLinter, lintText } from '../../src/core/lint';
import { fuzz } from '../unit/lint-fuzz.test';

function doc(i: number, withIp: boolean): string {
  const env = withIp
    ? `            - name: BACKEND\n              value: "http://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080/api"\n`
    : `            - name: BACKEND\n              value: "http://backend-${i}.shop.svc.cluster.local:8080/api"\n`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: shop
  labels: {app: app-${i}, tier: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      containers:
        - name: web
          image: registry.local/shop/web:2.${i % 50}.1
          args: ["--port=8080", "--log-level=info"]
          env:
${env}            - name: MODE
              value: production
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet: {path: /healthz, port: http}
`;
}

function stream(n: number, ipEvery: number): string {
  return Array.from({ length: n }, (_, i) => doc(i, i % ipEvery === 0)).join('---\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Alternates baseline and subject so both see the same machine load; returns medians. */
function compare(label: string, text: string, rounds: number, goal: number): void {
  const base: number[] = [];
  const lint: number[] = [];
  let findings = 0;
  for (let r = 0; r < rounds; r++) {
    gc();
    base.push(time(() => parseAllDocuments(text)));
    gc();
    lint.push(time(() => (findings = lintText(text).findings.length)));
  }
  const b = median(base);
  const l = median(lint);
  const ratio = l / b;
  console.log(
    `${label}: ${(text.length / 1024 / 1024).toFixed(1)} MB, ${findings} findings | parseAllDocuments ${b.toFixed(0)} ms | lint ${l.toFixed(0)} ms | ratio ${ratio.toFixed(3)}× (goal ≤ ${goal}×) ${ratio <= goal ? 'OK' : 'OVER'}`,
  );
}

const N = 5000;
console.log(`(medians of alternating runs; node ${process.version})`);
const every = stream(N, 1);
// Warm both paths up so the first measured round is not JIT compilation.
parseAllDocuments(every.slice(0, 200_000));
lintText(every.slice(0, 200_000));
compare('1. every document holds an IP  ', every, 7, 1.0);
compare('2. 1 document in 100 holds one ', stream(N, 100), 7, 0.1);

// 3. A 5,000-line file (~185 documents): edit one character at a time at random places, re-lint.
{
  const lines = doc(0, true).split('\n').length - 1;
  const docs = Math.ceil(5000 / lines);
  let text = stream(docs, 1);
  const linter = new ManifestLinter();
  linter.lint(text);
  const before = linter.analysed;
  let seed = 42;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const relint: number[] = [];
  const full: number[] = [];
  const iterations = 300;
  for (let i = 0; i < iterations; i++) {
    const at = Math.floor(rand() * text.length);
    const ch = text[at] === '0' ? '1' : text[at] === '\n' ? '\n' : '0';
    text = text.slice(0, at) + ch + text.slice(at + 1);
    relint.push(time(() => linter.lint(text)));
    if (i % 10 === 0) full.push(time(() => parseAllDocuments(text)));
  }
  const p95 = pct(relint, 95);
  console.log(
    `3. re-lint after a 1-char edit, ${text.split('\n').length} lines, ${docs} documents: p50 ${pct(relint, 50).toFixed(2)} ms | p95 ${p95.toFixed(2)} ms | max ${Math.max(...relint).toFixed(2)} ms (goal p95 ≤ 10 ms) ${p95 <= 10 ? 'OK' : 'OVER'} | documents re-analysed per edit ${((linter.analysed - before) / iterations).toFixed(2)} | full parseAllDocuments of the file ${median(full).toFixed(1)} ms (p95 ${(p95 / median(full)).toFixed(3)}× of it)`,
  );
}

// 4. Fuzz, longer than the unit tests.
{
  const t0 = performance.now();
  let findings = 0;
  for (const seed of [101, 102, 103, 104]) findings += fuzz(seed, 1000).findings;
  console.log(`4. fuzz: 4 seeds × 1,000 random/mutated manifests, ${findings} findings checked, no exception, cache consistent (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
