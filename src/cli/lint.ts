// `pod-ip-lens lint [paths…]`: lints Kubernetes manifests for hard-coded IPs, hostNetwork and
// hostPort, and prints the findings as text, JSON or SARIF 2.1.0 (for code-scanning tools).
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import { manifestVerdict } from '../core/manifest';
import { formatUsage, parseCommandLine } from './args';
import { forTerminal, jsonForTerminal } from './terminal';
import {
  DEFAULT_SEVERITY,
  HOST_NETWORK_MESSAGE,
  LOAD_BALANCER_IP_MESSAGE,
  README_URL,
  LineIndex,
  ManifestLinter,
  RULE_IDS,
  isRuleId,
  ruleDocUrl,
  type Finding,
  type LintOptions,
  type RuleId,
  type RuleSetting,
  type Severity,
} from '../core/lint';

export const LINT_USAGE = formatUsage(
  'pod-ip-lens lint [PATH…] [options]',
  `Lints Kubernetes manifests (YAML, JSON, Helm templates) for hard-coded IPs that clients connect
to, hostNetwork and hostPort. A PATH is a file (always linted), a directory (searched recursively
for *.yaml, *.yml and *.json with top-level apiVersion and kind, skipping node_modules and hidden
directories) or - for standard input. Default: the current directory.`,
  [
    ['--format text|json|sarif', `output format (default text)
json: {"findings": [{file, line, column, endLine, endColumn,
rule, severity, message, ip, evidence, related?}]}, positions
1-based, endColumn exclusive; related: the same literal in the
same field elsewhere in the document
sarif: SARIF 2.1.0 for code-scanning tools`],
    ['--rule RULE=LEVEL', `set a rule's level: error, warning, info, hint or off
(repeatable). Rules: ${RULE_IDS.join(', ')}`],
    ['--external-severity LEVEL', 'level of ip-literal for public addresses (default info)'],
    ['--ignore-cidr CIDR', 'do not report IPs in this range (repeatable), e.g. 169.254.0.0/16'],
    ['--max-size-kb N', 'skip files larger than N KiB, with a note (default 1024; 0: no limit)'],
    ['--only-manifests', `named files too are linted only when they look like Kubernetes
manifests (top-level apiVersion and kind), as in a directory
search: for file lists from git, pre-commit or CI`],
    ['-v, --verbose', 'also list the files a directory search skipped, and why'],
  ],
  `Exit status: 0 no findings, 1 findings at warning or above, 2 usage or I/O error or a document
that could not be linted (other files are still linted). Suppress one finding with a comment on
the line above it:
  # pod-ip-lens-disable-next-line [RULE…]`,
);

export type Format = 'text' | 'json' | 'sarif';

export interface LintCliOptions {
  paths: string[];
  format: Format;
  lint: LintOptions;
  maxSizeKb: number;
  verbose?: boolean;
  /** Named files, too, are linted only when they look like manifests. */
  onlyManifests?: boolean;
}

export type ParsedLintArgs = { ok: true; options: LintCliOptions } | { ok: false; help: boolean; message?: string };

const LEVELS = ['error', 'warning', 'info', 'hint', 'off'] as const;
const isLevel = (v: string): v is RuleSetting => (LEVELS as readonly string[]).includes(v);

export function parseLintArgs(args: string[]): ParsedLintArgs {
  const parsed = parseCommandLine(
    args,
    {
      format: { type: 'string' },
      rule: { type: 'string', multiple: true },
      'external-severity': { type: 'string' },
      'ignore-cidr': { type: 'string', multiple: true },
      'max-size-kb': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      'only-manifests': { type: 'boolean' },
    },
    { positionals: true, hints: { format: 'text, json or sarif', rule: 'RULE=LEVEL', 'external-severity': 'error, warning, info, hint or off', 'ignore-cidr': 'a CIDR, e.g. 169.254.0.0/16', 'max-size-kb': 'a whole number of KiB' } },
  );
  if (!parsed.ok) return parsed;
  const v = parsed.line.values as { format?: string; rule?: string[]; 'external-severity'?: string; 'ignore-cidr'?: string[]; 'max-size-kb'?: string; verbose?: boolean; 'only-manifests'?: boolean };
  const fail = (message: string): ParsedLintArgs => ({ ok: false, help: false, message });
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') return fail(`--format must be text, json or sarif, not '${format}'`);
  const rules: Partial<Record<RuleId, RuleSetting>> = {};
  for (const r of v.rule ?? []) {
    const m = /^([\w-]+)=(error|warning|info|hint|off)$/.exec(r);
    if (!m) return fail(`--rule wants RULE=LEVEL (LEVEL: ${LEVELS.join(', ')}), not '${r}'`);
    if (!isRuleId(m[1])) return fail(`unknown rule '${m[1]}' (rules: ${RULE_IDS.join(', ')})`);
    rules[m[1]] = m[2] as RuleSetting;
  }
  const externalSeverity = v['external-severity'];
  if (externalSeverity !== undefined && !isLevel(externalSeverity)) return fail(`--external-severity wants error, warning, info, hint or off, not '${externalSeverity}'`);
  const ignoreCidrs = v['ignore-cidr'] ?? [];
  if (ignoreCidrs.some((c) => !c)) return fail('--ignore-cidr wants a CIDR, e.g. 169.254.0.0/16');
  const size = v['max-size-kb'];
  if (size !== undefined && !/^\d+$/.test(size)) return fail(`--max-size-kb wants a whole number of KiB, not '${size}'`);
  const paths = parsed.line.positionals;
  return {
    ok: true,
    options: { paths: paths.length ? paths : ['.'], format, lint: { rules, ignoreCidrs, externalSeverity }, maxSizeKb: size === undefined ? 1024 : Number(size), verbose: v.verbose ?? false, ...(v['only-manifests'] ? { onlyManifests: true } : {}) },
  };
}

export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: RuleId;
  severity: Severity;
  message: string;
  ip: string | null;
  /** ip-literal: why the literal counts as a client target. */
  evidence?: string;
  /** The same literal in the same field elsewhere in the document. */
  related?: { line: number; column: number; endLine: number; endColumn: number }[];
}

export interface LintRun {
  findings: CliFinding[];
  /** Files not linted and why (size limit). */
  notes: string[];
  /** Files a directory search passed over (not manifests), with the reason; printed with --verbose. */
  skipped: { file: string; reason: string }[];
  /** Files that could not be read, or settings that could not be understood. */
  errors: string[];
  files: number;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/** The files a PATH names; `found` marks those a directory search turned up (not named by the user). */
export async function expandManifestPaths(path: string, errors: string[]): Promise<{ file: string; found: boolean }[]> {
  if (path === '-') return [{ file: '-', found: false }];
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    errors.push(`cannot read ${forTerminal(path)}: ${describe(err)}`);
    return [];
  }
  if (!st.isDirectory()) return [{ file: path, found: false }];
  const out: { file: string; found: boolean }[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors.push(`cannot read directory ${forTerminal(dir)}: ${describe(err)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name === 'node_modules') continue;
        await walk(p);
      } else if (e.isFile() && MANIFEST_EXT.test(e.name)) out.push({ file: p, found: true });
    }
  };
  await walk(path);
  return out;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(err);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Lints the given paths; `readText` is injectable so tests can exercise stdin without a pipe. */
export async function lintPaths(opts: LintCliOptions, readText: (file: string) => Promise<string> = (f) => (f === '-' ? readStdin() : readFile(f, 'utf8'))): Promise<LintRun> {
  const errors: string[] = [];
  const notes: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const findings: CliFinding[] = [];
  // Each file is linted once: no document cache, so memory stays flat on big trees.
  const linter = new ManifestLinter({ ...opts.lint, maxLength: opts.maxSizeKb * 1024 }, 0);
  let files = 0;
  let reportedProblems = false;
  for (const p of opts.paths) {
    const found = await expandManifestPaths(p, errors);
    if (found.length === 0 && p !== '-' && !errors.some((e) => e.includes(forTerminal(p)))) notes.push(`${forTerminal(p)}: no *.yaml, *.yml or *.json files here`);
    for (const { file, found: searched } of found) {
      let text: string;
      try {
        text = await readText(file);
      } catch (err) {
        errors.push(`cannot read ${forTerminal(file)}: ${describe(err)}`);
        continue;
      }
      // Positions are counted from after a byte order mark, as editors and SARIF viewers count them.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (searched || (opts.onlyManifests && file !== '-')) {
        const verdict = manifestVerdict(file, text);
        if (!verdict.manifest) {
          skipped.push({ file, reason: verdict.reason });
          continue;
        }
      }
      files++;
      let result;
      try {
        result = linter.lint(text);
      } catch (err) {
        // The core is fuzzed not to throw; if it still does, that file is named and the rest linted.
        errors.push(`${forTerminal(file)}: could not be linted: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      if (!reportedProblems) {
        errors.push(...result.problems);
        reportedProblems = true;
      }
      if (result.skipped) {
        notes.push(`${forTerminal(file)}: ${result.skipped}`);
        continue;
      }
      const lines = new LineIndex(text);
      for (const e of result.errors) {
        const at = lines.position(e.start);
        errors.push(`${forTerminal(file)}:${at.line + 1}: ${e.message}`);
      }
      for (const f of result.findings) findings.push(toCli(file, f, lines));
    }
  }
  return { findings, notes, skipped, errors, files };
}

function range(lines: LineIndex, start: number, end: number): { line: number; column: number; endLine: number; endColumn: number } {
  const s = lines.position(start);
  const e = lines.position(end);
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

function toCli(file: string, f: Finding, lines: LineIndex): CliFinding {
  const out: CliFinding = {
    file,
    ...range(lines, f.start, f.end),
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    ip: f.ip ?? null,
  };
  if (f.why !== undefined) out.evidence = f.why;
  if (f.related?.length) out.related = f.related.map((r) => range(lines, r.start, r.end));
  return out;
}

export function formatText(run: LintRun): string {
  let out = '';
  for (const f of run.findings) {
    const also = f.related?.length ? ` (also at ${f.related.map((r) => `${r.line}:${r.column}`).join(', ')})` : '';
    out += forTerminal(`${f.file}:${f.line}:${f.column}: ${f.severity} [${f.rule}] ${f.message}${also}`) + '\n';
  }
  const n = run.findings.length;
  out += `${n} finding${n === 1 ? '' : 's'} in ${run.files} file${run.files === 1 ? '' : 's'}\n`;
  return out;
}

export function formatJson(run: LintRun): string {
  return JSON.stringify({ findings: run.findings }, null, 2) + '\n';
}

const RULE_TEXT: Record<RuleId, { name: string; short: string; full: string }> = {
  'ip-literal': {
    name: 'IpLiteral',
    short: 'Hard-coded IP address that a client connects to',
    full: 'Pod IPs change whenever a Pod is replaced (rollout, crash, eviction) and node IPs when a node is; address a Service instead. A public address is a host outside the cluster: use its DNS name.',
  },
  'host-network': { name: 'HostNetwork', short: 'Pod uses the host network', full: HOST_NETWORK_MESSAGE },
  'load-balancer-ip': {
    name: 'LoadBalancerIp',
    short: 'Deprecated Service field loadBalancerIP',
    full: LOAD_BALANCER_IP_MESSAGE,
  },
  'host-port': {
    name: 'HostPort',
    short: 'Container port bound to a host port',
    full: 'A hostPort ties clients to the IP of whichever Node the Pod lands on; expose the port through a Service instead.',
  },
};

/** The parts of a SARIF 2.1.0 log that `--format sarif` writes (and tests read). */
export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
export interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: SarifRegion };
  message?: { text: string };
}
export interface SarifResult {
  ruleId: RuleId;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: { id: RuleId; name: string; helpUri: string; defaultConfiguration: { level: string } }[] } };
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
  }[];
}

function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function artifactUri(file: string): string {
  if (file === '-') return 'stdin';
  if (isAbsolute(file)) return pathToFileURL(file).href;
  // Relative to the directory the tool ran in (SARIF's %SRCROOT% in code-scanning uploads).
  return relative('.', file).split(sep).map(encodeURIComponent).join('/');
}

export function formatSarif(run: LintRun): string {
  const rules = RULE_IDS.map((id) => ({
    id,
    name: RULE_TEXT[id].name,
    shortDescription: { text: RULE_TEXT[id].short },
    fullDescription: { text: RULE_TEXT[id].full },
    helpUri: ruleDocUrl(id),
    help: { text: `${RULE_TEXT[id].full} See ${ruleDocUrl(id)}` },
    defaultConfiguration: { level: sarifLevel(DEFAULT_SEVERITY[id]) },
  }));
  const location = (f: CliFinding, r: { line: number; column: number; endLine: number; endColumn: number }): SarifLocation => ({
    physicalLocation: {
      artifactLocation: { uri: artifactUri(f.file), ...(isAbsolute(f.file) || f.file === '-' ? {} : { uriBaseId: '%SRCROOT%' }) },
      region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
    },
  });
  const results = run.findings.map((f): SarifResult => ({
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [location(f, f)],
    ...(f.related?.length ? { relatedLocations: f.related.map((r, id) => ({ id, ...location(f, r), message: { text: 'the same literal in the same field' } })) } : {}),
  }));
  const notifications = [
    ...run.errors.map((text) => ({ level: 'error', message: { text } })),
    ...run.notes.map((text) => ({ level: 'note', message: { text } })),
  ];
  const sarif: SarifLog = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pod-ip-lens', version, informationUri: README_URL.replace(/#$/, ''), rules } },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [{ executionSuccessful: run.errors.length === 0, toolExecutionNotifications: notifications }],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export function exitCode(run: LintRun): number {
  if (run.errors.length > 0) return 2;
  return run.findings.some((f) => RANK[f.severity] >= RANK.warning) ? 1 : 0;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseLintArgs(args);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(LINT_USAGE);
      return 0;
    }
    process.stderr.write(`pod-ip-lens lint: ${parsed.message}\n\n${LINT_USAGE}`);
    return 2;
  }
  const result = await lintPaths(parsed.options);
  const { format } = parsed.options;
  process.stdout.write(format === 'json' ? jsonForTerminal(formatJson(result)) : format === 'sarif' ? jsonForTerminal(formatSarif(result)) : formatText(result));
  if (parsed.options.verbose) for (const k of result.skipped) process.stderr.write(`pod-ip-lens lint: skipped ${forTerminal(k.file)}: ${k.reason}\n`);
  else if (result.skipped.length > 0) {
    const n = result.skipped.length;
    process.stderr.write(`pod-ip-lens lint: note: skipped ${n} file${n === 1 ? '' : 's'} without top-level apiVersion and kind (--verbose lists them)\n`);
  }
  for (const n of result.notes) process.stderr.write(`pod-ip-lens lint: note: ${n}\n`);
  for (const e of result.errors) process.stderr.write(`pod-ip-lens lint: ${e}\n`);
  return exitCode(result);
}
