// Quick fixes as data: each plan is a title and text edits, so the VS Code adapter and any other
// front end only apply them. Offsets are UTF-16 offsets into the file's text.
import { stringify } from 'yaml';
import type { Finding } from './lint';
import type { ContainerPortInfo, ServiceCandidate, WorkloadCandidate, WorkloadInfo } from './manifestIndex';
import { effectiveNamespace, serviceDnsName } from './manifestIndex';
import type { RuleId } from './rules';

export interface FixEdit {
  /** The file to edit; undefined means the file the finding is in. */
  file?: string;
  start: number;
  end: number;
  newText: string;
}

export interface FixPlan {
  title: string;
  rule: RuleId;
  isPreferred: boolean;
  edits: FixEdit[];
  /** A file to create next to `nextTo` (a file id as given to the planner) with this content. */
  createFile?: { nextTo: string; name: string; content: string };
}

/** The literal as it will read after the fix: a DNS name, with the port if the literal had one. */
function replacement(dns: string, finding: Finding, port: number | undefined): string {
  return finding.port !== undefined && port !== undefined ? `${dns}:${port}` : dns;
}

/** "Replace 10.244.1.7:8080 with backend.shop.svc.cluster.local:80" for each candidate Service. */
export function planServiceReplacements(finding: Finding, candidates: readonly ServiceCandidate[]): FixPlan[] {
  // An IP inside base64 cannot be replaced in place.
  if (finding.rule !== 'ip-literal' || finding.encoding) return [];
  const matching = candidates.filter((c) => c.portMatches).length;
  return candidates.map((c) => {
    const text = replacement(serviceDnsName(c.name, c.namespace), finding, c.port);
    let title = `Replace ${finding.literal} with ${text}`;
    // The same literal in the same field elsewhere in the document is the same mistake: fix all.
    const places = [{ start: finding.start, end: finding.end }, ...(finding.related ?? [])];
    if (places.length > 1) title += ` (${places.length} places)`;
    if (finding.port !== undefined && !c.portMatches) title += ` (no targetPort of Service ${c.name} is ${finding.port})`;
    if (c.source !== 'workspace') title += ` (from ${c.source})`;
    return {
      title,
      rule: finding.rule,
      isPreferred: c.portMatches && matching === 1,
      edits: places.map((p) => ({ start: p.start, end: p.end, newText: text })),
    };
  });
}

/** A name for a new Service that does not clash with the Services already known. */
export function freeServiceName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 0; ; i++) {
    const name = i === 0 ? `${base}-svc` : `${base}-svc-${i + 1}`;
    if (!taken.has(name)) return name;
  }
}

export interface ServicePortPlan {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol?: string;
}

/** The YAML of a Service selecting the workload's Pods. */
export function serviceManifest(name: string, w: WorkloadInfo, ports: readonly ServicePortPlan[]): string {
  const metadata: Record<string, string> = { name };
  if (w.namespace) metadata.namespace = w.namespace;
  const seen = new Set<string>();
  const svcPorts = ports
    .filter((p) => {
      const k = `${p.port}/${p.protocol ?? 'TCP'}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((p, _i, all) => {
      const o: Record<string, unknown> = {};
      // Port names are required once a Service has more than one port.
      if (p.name || all.length > 1) o.name = p.name ?? `port-${p.port}`;
      o.port = p.port;
      o.targetPort = p.targetPort;
      if (p.protocol && p.protocol !== 'TCP') o.protocol = p.protocol;
      return o;
    });
  return stringify({ apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { ...w.podLabels }, ports: svcPorts } });
}

function portPlan(cp: ContainerPortInfo, port = cp.containerPort): ServicePortPlan {
  return { name: cp.name, port, targetPort: cp.name ?? cp.containerPort, protocol: cp.protocol };
}

export interface CreateServiceInput {
  /** Text of the file the finding is in, and its id. */
  text: string;
  file: string;
  finding: Finding;
  candidate: WorkloadCandidate;
  /** Current text of the workload's file when it is not `file` (for appending a document). */
  workloadFileText?: string;
  /** Service names already used in the workload's namespace. */
  takenNames: ReadonlySet<string>;
}

function isJsonText(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

function appendDocument(fileText: string, manifest: string): { start: number; newText: string } {
  const sep = fileText.length === 0 || fileText.endsWith('\n') ? '' : '\n';
  return { start: fileText.length, newText: `${sep}---\n${manifest}` };
}

/**
 * "Create Service web for Deployment web and use it": the Service as a new document at the end of
 * the workload's file (YAML files only) and, as a second plan, in a new file next to it; both
 * replace the literal with the new Service's DNS name.
 */
export function planCreateService(input: CreateServiceInput): FixPlan[] {
  const { finding, candidate, file } = input;
  if (finding.encoding) return [];
  const w = candidate.workload;
  const name = freeServiceName(w.name, input.takenNames);
  const port = candidate.port ?? w.ports[0];
  const ports = candidate.port ? [portPlan(candidate.port)] : w.ports.map((p) => portPlan(p));
  const manifest = serviceManifest(name, w, ports);
  const dns = serviceDnsName(name, w.namespace);
  const replace: FixEdit = { start: finding.start, end: finding.end, newText: replacement(dns, finding, port?.containerPort) };
  const plans: FixPlan[] = [];
  const sameFile = w.file === file;
  const wText = sameFile ? input.text : input.workloadFileText;
  if (wText !== undefined && !isJsonText(wText)) {
    const app = appendDocument(wText, manifest);
    plans.push({
      title: `Create Service ${name} for ${w.kind} ${w.name}${sameFile ? ' in this file' : ` in ${baseName(w.file)}`} and use ${replace.newText}`,
      rule: finding.rule,
      isPreferred: false,
      edits: [replace, { file: sameFile ? undefined : w.file, start: app.start, end: app.start, newText: app.newText }],
    });
  }
  plans.push({
    title: `Create Service ${name} for ${w.kind} ${w.name} in a new file ${name}-service.yaml and use ${replace.newText}`,
    rule: finding.rule,
    isPreferred: false,
    edits: [replace],
    createFile: { nextTo: w.file, name: `${name}-service.yaml`, content: manifest },
  });
  return plans;
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

/** "Remove hostNetwork" / "Remove hostPort". */
export function planRemoveField(finding: Finding): FixPlan[] {
  if (!finding.removal || (finding.rule !== 'host-network' && finding.rule !== 'host-port')) return [];
  const field = finding.rule === 'host-network' ? 'hostNetwork' : 'hostPort';
  return [{ title: `Remove ${field}`, rule: finding.rule, isPreferred: false, edits: [{ ...finding.removal }] }];
}

/**
 * The Service alternative to host networking: a Service for the workload the finding is in,
 * exposing the host port (mapped to its container port) or, for hostNetwork, every container port.
 */
export function planServiceForHostAccess(text: string, file: string, finding: Finding, workload: WorkloadInfo | undefined, takenNames: ReadonlySet<string>): FixPlan[] {
  if (!workload || Object.keys(workload.podLabels).length === 0) return [];
  let ports: ServicePortPlan[];
  if (finding.rule === 'host-port') {
    const cp = workload.ports.find((p) => p.hostPort === finding.port);
    if (!cp || finding.port === undefined) return [];
    ports = [portPlan(cp, finding.port)];
  } else if (finding.rule === 'host-network') {
    ports = workload.ports.map((p) => portPlan(p));
  } else return [];
  if (ports.length === 0) return [];
  const name = freeServiceName(workload.name, takenNames);
  const manifest = serviceManifest(name, workload, ports);
  const desc = ports.map((p) => p.port).join(', ');
  const plans: FixPlan[] = [];
  if (!isJsonText(text)) {
    const app = appendDocument(text, manifest);
    plans.push({
      title: `Create Service ${name} (port ${desc}) for ${workload.kind} ${workload.name} in this file`,
      rule: finding.rule,
      isPreferred: false,
      edits: [{ start: app.start, end: app.start, newText: app.newText }],
    });
  }
  plans.push({
    title: `Create Service ${name} (port ${desc}) for ${workload.kind} ${workload.name} in a new file ${name}-service.yaml`,
    rule: finding.rule,
    isPreferred: false,
    edits: [],
    createFile: { nextTo: file, name: `${name}-service.yaml`, content: manifest },
  });
  return plans;
}

/** "Disable ip-literal for this line": a suppression comment above, at the line's indentation. */
export function planDisableLine(text: string, finding: Finding): FixPlan[] {
  if (!finding.canDisableLine || isJsonText(text.slice(finding.documentStart, finding.documentEnd))) return [];
  const lineStart = text.lastIndexOf('\n', finding.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, finding.start))![0];
  return [
    {
      title: `Disable ${finding.rule} for this line`,
      rule: finding.rule,
      isPreferred: false,
      edits: [{ start: lineStart, end: lineStart, newText: `${indent}# pod-ip-lens-disable-next-line ${finding.rule}\n` }],
    },
  ];
}

/** The workload defined in the finding's document (for the host-* Service alternative). */
export function workloadOfFinding(workloads: readonly WorkloadInfo[], finding: Finding): WorkloadInfo | undefined {
  return workloads.find((w) => w.document === finding.document && w.name === finding.name && w.kind === finding.kind) ??
    workloads.find((w) => w.name === finding.name && w.kind === finding.kind && effectiveNamespace(w.namespace) === effectiveNamespace(finding.namespace));
}

/** Applies edits to a text (edits of one file, non-overlapping); used by tests and the CLI. */
export function applyEdits(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
