// `pod-ip-lens audit`: the live cluster, not only the files. Reads the workloads and ConfigMaps
// (Secrets when asked) of a context, finds the IP literals a client connects to with the same
// rules as `lint`, and says what holds each address now: a Pod (which workload), a node, a
// Service, nothing inside the cluster's ranges, or something outside the cluster.
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import type { AuditFinding } from '../core/audit';
import { CLUSTER_CLASSES, type ClusterClass } from '../core/clusterClass';
import { README_URL, type Severity } from '../core/lint';
import { KubeClient, loadKubeConfig } from '../kube';
import { auditWithClient, type AuditRun } from '../kube/audit';
import { forTerminal, jsonForTerminal } from './terminal';

export const AUDIT_USAGE = `Usage: pod-ip-lens audit [options]

Reads the live workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs without an
owner, CronJobs, bare Pods) and ConfigMaps of a cluster, finds the hard-coded IPs that clients
connect to (the same rules as 'pod-ip-lens lint'), and says what each address is now: the IP of
a Pod (and its workload), a node, a Service's ClusterIP, unused inside the cluster's Pod or
Service ranges, or outside the cluster.

  --context NAME           kubeconfig context (default: current-context)
  --kubeconfig FILE        kubeconfig file(s), separated like KUBECONFIG (default: KUBECONFIG,
                           then ~/.kube/config)
  -n, --namespace NS       only this namespace (default: the context's namespace)
  -A, --all-namespaces     every namespace
  --include-secrets        also read Secrets (their data is decoded and scanned; off by default)
  --format text|json|sarif output format (default text)
  --page-size N            objects per list request (default 500)

Exit status: 0 no findings at warning or above, 1 findings, 2 usage error, a resource that could
not be read (RBAC) or no connection. Progress goes to standard error.
`;

export type { AuditRun };

export type AuditFormat = 'text' | 'json' | 'sarif';

export interface AuditCliOptions {
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  allNamespaces: boolean;
  includeSecrets: boolean;
  format: AuditFormat;
  pageSize: number;
}

export type ParsedAuditArgs = { ok: true; options: AuditCliOptions } | { ok: false; help: boolean; message?: string };

export function parseAuditArgs(args: string[]): ParsedAuditArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        'all-namespaces': { type: 'boolean', short: 'A' },
        'include-secrets': { type: 'boolean' },
        format: { type: 'string' },
        'page-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { ok: false, help: false, message: (e as Error).message };
  }
  const v = parsed.values;
  if (v.help) return { ok: false, help: true };
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') return { ok: false, help: false, message: `--format must be text, json or sarif, not '${format}'` };
  if (v.namespace !== undefined && v['all-namespaces']) return { ok: false, help: false, message: '--namespace and --all-namespaces exclude each other' };
  const pageSize = v['page-size'] === undefined ? 500 : Number(v['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1) return { ok: false, help: false, message: `--page-size wants a whole number above 0, not '${v['page-size']}'` };
  return {
    ok: true,
    options: { context: v.context, kubeconfig: v.kubeconfig, namespace: v.namespace, allNamespaces: v['all-namespaces'] ?? false, includeSecrets: v['include-secrets'] ?? false, format, pageSize },
  };
}

/** Reads the cluster of the options' kubeconfig and context and audits it. */
export async function auditCluster(opts: AuditCliOptions, progress: (line: string) => void = () => {}): Promise<AuditRun> {
  const kc = loadKubeConfig(opts.kubeconfig ? { files: opts.kubeconfig.split(process.platform === 'win32' ? ';' : ':').filter(Boolean) } : {});
  const client = new KubeClient(kc, opts.context);
  const namespace = opts.allNamespaces ? undefined : opts.namespace ?? client.namespace;
  return auditWithClient(client, { namespace, includeSecrets: opts.includeSecrets, pageSize: opts.pageSize }, progress);
}

function where(f: AuditFinding): string {
  return `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`;
}

export function formatAuditText(run: AuditRun): string {
  let out = '';
  for (const f of run.findings) out += forTerminal(`${where(f)}: ${f.path}: ${f.severity} [${f.class}] ${f.message}`) + '\n';
  const objects = Object.values(run.scanned).reduce((a, b) => a + b, 0);
  const n = run.findings.length;
  out += forTerminal(`${n} hard-coded IP${n === 1 ? '' : 's'} in ${objects} objects of context ${run.context} (${run.namespace ? `namespace ${run.namespace}` : 'all namespaces'})`) + '\n';
  return out;
}

export function formatAuditJson(run: AuditRun): string {
  const findings = run.findings.map(({ verdict, ...f }) => ({
    ...f,
    holder: verdict.holder,
    previous: verdict.previous,
    node: verdict.node?.node,
    service: verdict.service ? `${verdict.service.namespace}/${verdict.service.name}` : undefined,
    range: verdict.range,
  }));
  return jsonForTerminal(JSON.stringify({ context: run.context, server: run.server, namespace: run.namespace ?? null, findings, errors: run.errors, notes: run.notes, scanned: run.scanned }, null, 2)) + '\n';
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function formatAuditSarif(run: AuditRun): string {
  const rules = CLUSTER_CLASSES.map((c) => ({ id: `ip-literal/${c}`, shortDescription: { text: `Hard-coded IP: ${c}` }, helpUri: `${README_URL}pod-ip-lens-audit` }));
  const results = run.findings.map((f) => ({
    ruleId: `ip-literal/${f.class}`,
    ruleIndex: CLUSTER_CLASSES.indexOf(f.class as ClusterClass),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ logicalLocations: [{ fullyQualifiedName: `${run.context}/${f.namespace ?? '-'}/${f.kind}/${f.name}/${f.path}`, kind: 'resource' }] }],
    properties: { ip: f.ip, class: f.class, kind: f.kind, namespace: f.namespace, name: f.name, path: f.path },
  }));
  const notifications = [...run.errors.map((text) => ({ level: 'error', message: { text } })), ...run.notes.map((text) => ({ level: 'note', message: { text } }))];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'pod-ip-lens audit', version, informationUri: README_URL.replace(/#$/, ''), rules } }, results, invocations: [{ executionSuccessful: run.errors.length === 0, toolExecutionNotifications: notifications }] }],
  };
  return jsonForTerminal(JSON.stringify(sarif, null, 2)) + '\n';
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export function auditExitCode(run: AuditRun): number {
  if (run.errors.length > 0) return 2;
  return run.findings.some((f) => RANK[f.severity] >= RANK.warning) ? 1 : 0;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseAuditArgs(args);
  if (!parsed.ok) {
    if (parsed.help) {
      process.stdout.write(AUDIT_USAGE);
      return 0;
    }
    process.stderr.write(`pod-ip-lens audit: ${parsed.message}\n\n${AUDIT_USAGE}`);
    return 2;
  }
  let result: AuditRun;
  try {
    result = await auditCluster(parsed.options, (line) => process.stderr.write(`pod-ip-lens audit: ${forTerminal(line)}\n`));
  } catch (e) {
    process.stderr.write(`pod-ip-lens audit: ${forTerminal((e as Error).message)}\n`);
    return 2;
  }
  const { format } = parsed.options;
  process.stdout.write(format === 'json' ? formatAuditJson(result) : format === 'sarif' ? formatAuditSarif(result) : formatAuditText(result));
  for (const n of result.notes) process.stderr.write(`pod-ip-lens audit: note: ${forTerminal(n)}\n`);
  for (const e of result.errors) process.stderr.write(`pod-ip-lens audit: ${forTerminal(e)}\n`);
  return auditExitCode(result);
}
