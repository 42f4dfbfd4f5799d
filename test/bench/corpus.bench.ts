// The linter on real repositories: precision and recall of `ip-literal` and the host rules over
// ../shared/corpus/realworld (public manifests judged by hand, when that folder is present), with
// the false positives and negatives by category. Scored exactly as ../shared/corpus/score.py
// scores `pod-ip-lens lint . --format json`; when python3 and a built dist/cli.js are present the
// scorer is run too and the two must agree. Goals: ip-literal precision ≥ 0.90 with recall ≥ 0.95;
// host rules precision ≥ 0.98 with every templated hostPort row found.
// `CORPUS=/path/to/corpus npm run bench -- corpus` scores another corpus of the same layout.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { lintPaths, type CliFinding } from '../../src/cli/lint';
import { formatIp, parseIp } from '../../src/core/lint';

const ROOT = resolve(__dirname, '..', '..');
const CORPUS = resolve(process.env.CORPUS ?? join(ROOT, '..', 'shared', 'corpus', 'realworld'));

type Row = Record<string, string>;

function loadTsv(name: string): Row[] {
  const path = join(CORPUS, name);
  if (!existsSync(path)) return [];
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n');
  const cols = header.split('\t');
  return lines.filter((l) => l.trim() !== '').map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])));
}

/** score.py's norm_ip: brackets, zone, port and prefix length dropped; canonical address text. */
function normIp(text: string): string {
  let s = text.trim().replace(/^\[|\]$/g, '').split('%')[0];
  const v4 = /^((?:\d{1,3}\.){3}\d{1,3})(?::\d+)?(?:\/\d+)?$/.exec(s);
  s = v4 ? v4[1] : s.replace(/\/\d+$/, '');
  const ip = parseIp(s);
  return ip ? formatIp(ip) : s.toLowerCase();
}

function normFile(f: string): string {
  let p = f.replace(/\\/g, '/');
  if (isAbsolute(p)) p = relative(CORPUS, p);
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/** score.py's tag: the `[category]` of a reason. */
function tag(reason: string): string {
  return /^\[([^\]]+)\]/.exec(reason)?.[1] ?? reason.split(' (')[0].slice(0, 40);
}

function count(keys: Iterable<string>, rows: Map<string, Row>, fallback: string): string {
  const c = new Map<string, number>();
  for (const k of keys) {
    const t = rows.has(k) ? tag(rows.get(k)!.reason) : fallback;
    c.set(t, (c.get(t) ?? 0) + 1);
  }
  return [...c].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t}=${n}`).join(', ') || 'none';
}

const prf = (tp: number, fp: number, fn: number) => ({ p: tp + fp ? tp / (tp + fp) : 1, r: tp + fn ? tp / (tp + fn) : 1 });

function manifestFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) manifestFiles(p, out);
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

async function main(): Promise<void> {
  if (!existsSync(join(CORPUS, 'expected.tsv'))) {
    console.log(`corpus: skipped — no judged corpus at ${CORPUS} (set CORPUS=… or check out ../shared next to the project)`);
    return;
  }
  const expected = loadTsv('expected.tsv');
  const exp = new Map<string, Row>();
  for (const r of expected) exp.set(`${r.file}\u0000${r.line}\u0000${normIp(r.ip_text)}`, r);
  const flag = new Set([...exp].filter(([, r]) => r.verdict === 'flag').map(([k]) => k));

  process.chdir(CORPUS);
  const t0 = performance.now();
  const run = await lintPaths({ paths: ['.'], format: 'json', lint: {}, maxSizeKb: 1024 });
  const lintMs = performance.now() - t0;
  const findings: CliFinding[] = run.findings;
  const got = new Set(findings.filter((f) => f.rule === 'ip-literal').map((f) => `${normFile(f.file)}\u0000${f.line}\u0000${normIp(String(f.ip ?? ''))}`));
  const tp = [...flag].filter((k) => got.has(k));
  const fp = [...got].filter((k) => !flag.has(k));
  const fn = [...flag].filter((k) => !got.has(k));
  const ip = prf(tp.length, fp.length, fn.length);

  // The same files through a full YAML parse, for scale.
  const files = manifestFiles(CORPUS);
  const t1 = performance.now();
  for (const f of files) parseAllDocuments(readFileSync(f, 'utf8'));
  const parseMs = performance.now() - t1;

  console.log(`corpus: ${CORPUS} (${files.length} manifest files, ${expected.length} IP literals, ${flag.size} judged flag)`);
  console.log(`lint of the whole corpus: ${lintMs.toFixed(0)} ms (parseAllDocuments of the same files ${parseMs.toFixed(0)} ms, ratio ${(lintMs / parseMs).toFixed(2)}×); ${run.files} files linted, ${run.skipped.length} skipped, ${run.errors.length} errors`);
  console.log(`ip-literal: precision ${ip.p.toFixed(3)} recall ${ip.r.toFixed(3)} (tp ${tp.length} fp ${fp.length} fn ${fn.length}) (goal precision ≥ 0.90, recall ≥ 0.95) ${ip.p >= 0.9 && ip.r >= 0.95 ? 'OK' : 'UNDER'}`);
  console.log(`  false positives by category: ${count(fp, exp, 'not in expected.tsv')}`);
  console.log(`  false negatives by category: ${count(fn, exp, '?')}`);
  for (const k of [...fp, ...fn].slice(0, 20)) {
    const [file, line, addr] = k.split('\u0000');
    console.log(`  ${fp.includes(k) ? 'FP' : 'FN'} ${file}:${line} ${addr} -- ${exp.get(k)?.reason ?? 'not in expected.tsv'}`);
  }

  const host = loadTsv('expected-host.tsv');
  let hostLine = '';
  if (host.length > 0) {
    const hexp = new Map(host.map((r) => [`${r.file}\u0000${r.line}\u0000${r.rule}`, r]));
    const hgot = new Set(findings.filter((f) => f.rule === 'host-network' || f.rule === 'host-port').map((f) => `${normFile(f.file)}\u0000${f.line}\u0000${f.rule}`));
    const plain = new Set([...hexp].filter(([, r]) => r.verdict === 'flag' && !r.reason.includes('templated')).map(([k]) => k));
    const templ = new Set([...hexp].filter(([, r]) => r.verdict === 'flag' && r.reason.includes('templated')).map(([k]) => k));
    const htp = [...hgot].filter((k) => plain.has(k) || templ.has(k)).length;
    const hfp = [...hgot].filter((k) => !plain.has(k) && !templ.has(k));
    const hfn = [...plain].filter((k) => !hgot.has(k));
    const h = prf(htp, hfp.length, hfn.length);
    const found = [...templ].filter((k) => hgot.has(k)).length;
    hostLine = `host rules: precision ${h.p.toFixed(3)} recall ${h.r.toFixed(3)} (tp ${htp} fp ${hfp.length} fn ${hfn.length}); templated hostPort rows found ${found}/${templ.size} (goal precision ≥ 0.98, all templated found) ${h.p >= 0.98 && found === templ.size ? 'OK' : 'UNDER'}`;
    console.log(hostLine);
    for (const k of [...hfp, ...hfn].slice(0, 10)) console.log(`  ${hfp.includes(k) ? 'FP' : 'FN'} ${k.split('\u0000').join(' ')} -- ${hexp.get(k)?.reason ?? 'not in expected-host.tsv'}`);
  }

  // The reference scorer, on the built CLI, must say the same.
  const scorer = join(CORPUS, '..', 'score.py');
  const cli = join(ROOT, 'dist', 'cli.js');
  // `npm run bench` builds first, so dist/cli.js is this code.
  if (!existsSync(scorer) || !existsSync(cli)) {
    console.log('reference scorer: not run (needs ../shared/corpus/score.py and `npm run build`)');
    return;
  }
  const py = spawnSync('python3', [scorer, '0'], { cwd: ROOT, env: { ...process.env, PROJECT: ROOT, CORPUS }, encoding: 'utf8', timeout: 300_000 });
  const last = /realworld: precision ([\d.]+) recall ([\d.]+) \((\d+) (\d+) (\d+)\)/.exec(py.stdout ?? '');
  if (!last) {
    console.log(`reference scorer: could not run (${py.error?.message ?? py.stderr?.trim().split('\n').pop() ?? `exit ${py.status}`})`);
    return;
  }
  const agree = Number(last[3]) === tp.length && Number(last[4]) === fp.length && Number(last[5]) === fn.length;
  console.log(`reference scorer (score.py on dist/cli.js): precision ${last[1]} recall ${last[2]} (tp ${last[3]} fp ${last[4]} fn ${last[5]}) — ${agree ? 'agrees' : 'DISAGREES'} with this bench`);
  const pyHost = /host rules: precision ([\d.]+) .*templated hostPort rows found (\d+)\/(\d+)/.exec(py.stdout);
  if (pyHost && hostLine) console.log(`reference scorer host rules: precision ${pyHost[1]}, templated ${pyHost[2]}/${pyHost[3]}`);
  if (!agree) process.exitCode = 1;
}

void main();
