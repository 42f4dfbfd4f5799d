// The live-cluster audit, pure part: one object read from the API server → the IP literals in it
// that a client connects to (the same rules as `lint`, applied to the object rendered as YAML, so
// embedded config files keep their lines), each classified against the cluster. The rendering is
// also what the editor shows when an audit entry opens the live object, so lines match.
import { classifyAgainstCluster, type ClusterClass, type ClusterFacts, type ClusterVerdict } from './clusterClass';
import { LineIndex, ManifestLinter, mayContainIp, type Severity } from './lint';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; ownerReferences?: { kind?: string; name?: string; controller?: boolean }[]; annotations?: Record<string, string>; managedFields?: unknown };
  [k: string]: unknown;
}

export interface AuditFinding {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].env[1].value`. */
  path: string;
  ip: string;
  literal: string;
  port?: number;
  severity: Severity;
  class: ClusterClass;
  message: string;
  /** Why the literal counts as a client target (the linter's evidence). */
  evidence?: string;
  /** 1-based line and column in `renderObject(object)`. */
  line: number;
  column: number;
  verdict: ClusterVerdict;
}

const PLAIN_RE = /^[A-Za-z_/][\w./-]*$/;
const RESERVED_RE = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return PLAIN_RE.test(v) && !RESERVED_RE.test(v) ? v : JSON.stringify(v);
  return String(v);
}

/**
 * JSON-like data as block YAML. Multi-line strings become literal block scalars, so an embedded
 * config file keeps its lines (the linter reads it line by line, and a reader too); everything
 * else is a plain or double-quoted scalar. Faster than a general YAML library for this one shape.
 */
export function renderYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}[]\n`;
    let out = '';
    for (const item of value) {
      const body = renderYaml(item, `${indent}  `);
      out += isCollection(item) && !isEmpty(item) ? `${indent}- ${body.slice(indent.length + 2)}` : `${indent}- ${body.trimStart()}`;
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return `${indent}{}\n`;
    let out = '';
    for (const [k, v] of entries) {
      const key = scalar(k);
      if (isCollection(v) && !isEmpty(v)) out += `${indent}${key}:\n${renderYaml(v, Array.isArray(v) ? indent : `${indent}  `)}`;
      else out += `${indent}${key}: ${renderYaml(v, `${indent}  `).trimStart()}`;
    }
    return out;
  }
  if (typeof value === 'string' && value.includes('\n') && /[^\n]/.test(value) && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value) && !/[ \t]\n|[ \t]$/.test(value)) {
    const chomp = value.endsWith('\n\n') ? '+' : value.endsWith('\n') ? '' : '-';
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    const lead = /^[ \t]/.test(value) ? '2' : '';
    return `|${lead}${chomp}\n${body.split('\n').map((l) => (l === '' ? '' : `${indent}${l}`)).join('\n')}\n`;
  }
  return `${indent}${scalar(value)}\n`;
}

function isCollection(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
function isEmpty(v: object): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** The object as the audit reads it: without the server's bookkeeping (managedFields, status, kubectl's copy). */
export function renderObject(obj: KubeObject): string {
  const { status: _status, ...rest } = obj;
  const metadata = { ...(obj.metadata ?? {}) };
  delete metadata.managedFields;
  if (metadata.annotations) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations } = metadata.annotations;
    metadata.annotations = Object.keys(annotations).length ? annotations : undefined;
    if (!metadata.annotations) delete metadata.annotations;
  }
  return renderYaml({ ...rest, metadata });
}

export interface AuditOptions {
  severity?: Partial<Record<ClusterClass, Severity>>;
}

/** One hard-coded IP found in a live object, before it is classified against the cluster. */
export type ObjectFinding = Omit<AuditFinding, 'severity' | 'class' | 'message' | 'verdict'> & { lintSeverity: Severity; lintMessage: string };

/** The IP literals a client connects to in one live object (lint's rules on the rendered object). */
export function findInObject(obj: KubeObject, linter: ManifestLinter): ObjectFinding[] {
  // Most objects hold no address at all: a scan of their JSON text is far cheaper than rendering
  // and linting them. A Secret's values are base64, so those are always linted (and decoded).
  if (obj.kind !== 'Secret' && !mayContainIp(JSON.stringify(obj))) return [];
  const text = renderObject(obj);
  const result = linter.lint(text);
  if (result.findings.length === 0) return [];
  const lines = new LineIndex(text);
  const out: ObjectFinding[] = [];
  for (const f of result.findings) {
    if (f.rule !== 'ip-literal' || !f.ip) continue;
    const at = lines.position(f.start);
    out.push({
      kind: obj.kind ?? '?',
      apiVersion: obj.apiVersion ?? '',
      namespace: obj.metadata?.namespace,
      name: obj.metadata?.name ?? '?',
      path: f.path,
      ip: f.ip,
      literal: f.literal,
      port: f.port,
      evidence: f.why,
      line: at.line + 1,
      column: at.character + 1,
      lintSeverity: f.severity,
      lintMessage: f.message,
    });
  }
  return out;
}

/** What the cluster says of a found literal: its class, message and severity. */
export function classifyFinding(f: ObjectFinding, facts: ClusterFacts, options: AuditOptions = {}): AuditFinding {
  const { lintSeverity, lintMessage, ...rest } = f;
  const verdict = classifyAgainstCluster(f.literal, f.ip, facts, options.severity);
  return {
    ...rest,
    severity: verdict.severity ?? lintSeverity,
    class: verdict.class,
    message: verdict.class === 'outside' ? `${lintMessage} (${verdict.message})` : verdict.message,
    verdict,
  };
}

/** The hard-coded IPs in one live object, classified against the cluster. */
export function auditObject(obj: KubeObject, linter: ManifestLinter, facts: ClusterFacts, options: AuditOptions = {}): AuditFinding[] {
  return findInObject(obj, linter).map((f) => classifyFinding(f, facts, options));
}

/** Objects the audit reads itself (ReplicaSets of a Deployment, Jobs of a CronJob and Pods of a controller are read through their owner). */
export function isOwnedByController(obj: KubeObject): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r) => r.controller === true);
}
