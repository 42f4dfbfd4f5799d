// What the quick fixes need to know about the manifests in a workspace: the Services (to point a
// literal at) and the workloads (to generate a Service for). Pure: callers hand in file texts.
// Candidate Services come from pluggable sources; this file holds the workspace-manifest source,
// and a cluster-aware source can implement the same interface.
import { parseAllDocuments } from 'yaml';
import { literalsOf, type IpLiteral } from '../references';
import { MAX_DEPTH, nestingDepth } from './analyse';
import { lintText, type LintOptions } from './lint';
import { mayContainIp } from './scan';

export interface ServicePortInfo {
  name?: string;
  port: number;
  /** Number, named container port, or undefined (then the same as `port`). */
  targetPort?: number | string;
  protocol?: string;
}

export interface ServiceInfo {
  name: string;
  namespace?: string;
  file: string;
  selector: Record<string, string>;
  ports: ServicePortInfo[];
}

export interface ContainerPortInfo {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: string;
}

export interface WorkloadInfo {
  kind: string;
  name: string;
  namespace?: string;
  file: string;
  /** Labels of the Pods it creates (the Pod's own labels for a bare Pod). */
  podLabels: Record<string, string>;
  ports: ContainerPortInfo[];
  hostNetwork: boolean;
  /** Index of the YAML document in its file. */
  document: number;
}

export interface ManifestObjects {
  services: ServiceInfo[];
  workloads: WorkloadInfo[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  return out;
}

/** Where each workload kind keeps its Pod template. */
function podTemplateOf(kind: string, o: Obj): { labels: unknown; spec: unknown } | undefined {
  const spec = isObj(o.spec) ? o.spec : undefined;
  if (kind === 'Pod') return { labels: isObj(o.metadata) ? o.metadata.labels : undefined, spec };
  if (!spec) return undefined;
  const holder = kind === 'CronJob' ? (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {}) : spec;
  const t = isObj(holder.template) ? holder.template : undefined;
  if (!t) return undefined;
  return { labels: isObj(t.metadata) ? t.metadata.labels : undefined, spec: t.spec };
}

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

function collect(o: unknown, file: string, document: number, out: ManifestObjects): void {
  if (!isObj(o)) return;
  const kind = str(o.kind);
  if (!kind) return;
  if (kind.endsWith('List') && Array.isArray(o.items)) {
    for (const item of o.items) collect(item, file, document, out);
    return;
  }
  const meta = isObj(o.metadata) ? o.metadata : {};
  const name = str(meta.name);
  if (!name) return;
  const namespace = str(meta.namespace);
  if (kind === 'Service') {
    const spec = isObj(o.spec) ? o.spec : {};
    const ports: ServicePortInfo[] = [];
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
      if (!isObj(p)) continue;
      const port = num(p.port);
      if (port === undefined) continue;
      ports.push({ name: str(p.name), port, targetPort: num(p.targetPort) ?? str(p.targetPort), protocol: str(p.protocol) });
    }
    out.services.push({ name, namespace, file, selector: stringMap(spec.selector), ports });
    return;
  }
  if (!WORKLOAD_KINDS.has(kind)) return;
  const tpl = podTemplateOf(kind, o);
  if (!tpl) return;
  const podSpec = isObj(tpl.spec) ? tpl.spec : {};
  const ports: ContainerPortInfo[] = [];
  for (const list of [podSpec.containers, podSpec.initContainers]) {
    for (const c of Array.isArray(list) ? list : []) {
      if (!isObj(c) || !Array.isArray(c.ports)) continue;
      for (const p of c.ports) {
        if (!isObj(p)) continue;
        const containerPort = num(p.containerPort);
        if (containerPort === undefined) continue;
        ports.push({ name: str(p.name), containerPort, hostPort: num(p.hostPort), protocol: str(p.protocol) });
      }
    }
  }
  const podLabels = stringMap(tpl.labels);
  delete podLabels['pod-template-hash'];
  out.workloads.push({ kind, name, namespace, file, podLabels, ports, hostNetwork: podSpec.hostNetwork === true, document });
}

/** Services and workloads defined in one file's text. Never throws; broken documents are skipped. */
export function extractObjects(text: string, file: string): ManifestObjects {
  const out: ManifestObjects = { services: [], workloads: [] };
  // The full parser recurses; a hostile file thousands of levels deep is not indexed at all.
  if (nestingDepth(text) > MAX_DEPTH / 2) return out;
  let docs;
  // Broken files produce many errors; their stack traces are never shown and cost the most.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    docs = parseAllDocuments(text, { logLevel: 'silent', prettyErrors: false });
  } catch {
    return out;
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (!Array.isArray(docs)) return out; // an empty stream
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) return;
    try {
      collect(doc.toJS({ maxAliasCount: 100 }), file, i, out);
    } catch {
      // An alias bomb or another value toJS refuses: not a manifest worth indexing.
    }
  });
  return out;
}

/** Namespaces compare with an unset one meaning `default`, as kubectl applies it without `-n`. */
export function effectiveNamespace(ns: string | undefined): string {
  return ns && ns !== '' ? ns : 'default';
}

export function serviceDnsName(name: string, namespace: string | undefined): string {
  return `${name}.${effectiveNamespace(namespace)}.svc.cluster.local`;
}

export interface ServiceCandidate {
  name: string;
  namespace: string;
  /** The Service port to use in the replacement; undefined when the literal had no port. */
  port?: number;
  /** The literal's port maps to `port` through the Service's targetPort. */
  portMatches: boolean;
  /** Which source found it (e.g. "workspace", "cluster"), shown in the action title when not the workspace. */
  source: string;
  /** Free text for a tooltip or log (e.g. the file the Service is defined in). */
  detail?: string;
}

/** Anything that can propose Services for an IP literal: workspace manifests, a live cluster, … */
export interface ServiceCandidateSource {
  readonly id: string;
  candidatesFor(ip: string, port: number | undefined, namespace: string | undefined): Promise<ServiceCandidate[]>;
}

export interface WorkloadCandidate {
  workload: WorkloadInfo;
  /** The container port the literal's port matched (undefined when the literal had no port). */
  port?: ContainerPortInfo;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** The index of Services and workloads across the workspace's manifest files. */
export class ManifestIndex implements ServiceCandidateSource {
  readonly id = 'workspace';
  private readonly files = new Map<string, ManifestObjects>();
  /**
   * The texts of the files that may hold an IP literal (most manifests hold none), and their
   * literals once asked for: linting waits until someone wants them (the timeline's references).
   */
  private readonly ipTexts = new Map<string, string>();
  private readonly literalCache = new Map<string, IpLiteral[]>();
  private lintOptions: LintOptions = {};
  private readonly listeners = new Set<(file: string | undefined) => void>();

  update(file: string, text: string): void {
    this.files.set(file, extractObjects(text, file));
    if (mayContainIp(text)) this.ipTexts.set(file, text);
    else this.ipTexts.delete(file);
    this.literalCache.delete(file);
    this.changed(file);
  }
  remove(file: string): void {
    const had = this.files.delete(file);
    this.ipTexts.delete(file);
    this.literalCache.delete(file);
    if (had) this.changed(file);
  }
  clear(): void {
    this.files.clear();
    this.ipTexts.clear();
    this.literalCache.clear();
    this.changed(undefined);
  }
  get fileCount(): number {
    return this.files.size;
  }

  /** Lint settings for `ipLiterals` (disabled rules, ignored ranges): the literals are those the diagnostics show. */
  setLintOptions(options: LintOptions): void {
    this.lintOptions = options;
    this.literalCache.clear();
    this.changed(undefined);
  }

  /** Called after any file changed (`undefined`: all of them may have). */
  onDidChange(listener: (file: string | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(file: string | undefined): void {
    for (const l of [...this.listeners]) l(file);
  }

  /** Every IP literal the linter reports in the indexed files; `labelOf` names a file for people. */
  ipLiterals(labelOf: (file: string) => string = (f) => f): IpLiteral[] {
    const out: IpLiteral[] = [];
    for (const [file, text] of this.ipTexts) {
      let lits = this.literalCache.get(file);
      if (!lits) {
        lits = literalsOf(file, file, text, lintText(text, this.lintOptions).findings);
        this.literalCache.set(file, lits);
      }
      if (lits.length === 0) continue;
      const label = labelOf(file);
      for (const l of lits) out.push(label === l.label ? l : { ...l, label });
    }
    return out;
  }

  /** Services in a namespace (unset means `default`), or in all namespaces when called without one. */
  services(namespace?: string): ServiceInfo[] {
    const out: ServiceInfo[] = [];
    for (const o of this.files.values()) for (const s of o.services) if (namespace === undefined || effectiveNamespace(s.namespace) === effectiveNamespace(namespace)) out.push(s);
    return out;
  }
  workloads(namespace?: string): WorkloadInfo[] {
    const out: WorkloadInfo[] = [];
    for (const o of this.files.values()) for (const w of o.workloads) if (namespace === undefined || effectiveNamespace(w.namespace) === effectiveNamespace(namespace)) out.push(w);
    return out;
  }

  /** The container port a Service's targetPort lands on, resolving named ports through the Pods it selects. */
  private targetsPort(svc: ServiceInfo, sp: ServicePortInfo, port: number): boolean {
    const target = sp.targetPort ?? sp.port;
    if (typeof target === 'number') return target === port;
    return this.workloads(effectiveNamespace(svc.namespace)).some((w) => selects(svc.selector, w.podLabels) && w.ports.some((p) => p.name === target && p.containerPort === port));
  }

  /** Manifests do not know which Pod holds an IP: every Service in the namespace is a candidate. */
  async candidatesFor(_ip: string, port: number | undefined, namespace: string | undefined): Promise<ServiceCandidate[]> {
    return this.serviceCandidates(port, namespace);
  }

  serviceCandidates(port: number | undefined, namespace: string | undefined): ServiceCandidate[] {
    const out: ServiceCandidate[] = [];
    for (const svc of this.services(effectiveNamespace(namespace))) {
      const base = { name: svc.name, namespace: effectiveNamespace(svc.namespace), source: this.id, detail: svc.file };
      if (port === undefined) {
        out.push({ ...base, portMatches: false });
        continue;
      }
      const match = svc.ports.find((sp) => this.targetsPort(svc, sp, port));
      if (match) out.push({ ...base, port: match.port, portMatches: true });
      else if (svc.ports.length > 0) out.push({ ...base, port: svc.ports[0].port, portMatches: false });
    }
    // Services whose port mapping fits come first.
    return out.sort((a, b) => Number(b.portMatches) - Number(a.portMatches));
  }

  /** Workloads in the namespace that listen on the literal's port (any port when it has none). */
  workloadsFor(port: number | undefined, namespace: string | undefined): WorkloadCandidate[] {
    const out: WorkloadCandidate[] = [];
    for (const w of this.workloads(effectiveNamespace(namespace))) {
      if (Object.keys(w.podLabels).length === 0 || w.ports.length === 0) continue;
      if (port === undefined) out.push({ workload: w });
      else {
        const p = w.ports.find((cp) => cp.containerPort === port);
        if (p) out.push({ workload: w, port: p });
      }
    }
    return out;
  }
}

/**
 * Asks every source, keeps the first candidate per Service (sources earlier in the list win). A
 * source that fails, or has not answered within `timeoutMs` (a slow cluster must not hold up the
 * light bulb), is reported through `onError` and left out.
 */
export async function gatherCandidates(
  sources: readonly ServiceCandidateSource[],
  ip: string,
  port: number | undefined,
  namespace: string | undefined,
  onError?: (source: string, err: unknown) => void,
  timeoutMs = 2000,
): Promise<ServiceCandidate[]> {
  const ask = (s: ServiceCandidateSource): Promise<ServiceCandidate[]> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([Promise.resolve().then(() => s.candidatesFor(ip, port, namespace)), timeout])
      .catch((err: unknown) => {
        onError?.(s.id, err);
        return [] as ServiceCandidate[];
      })
      .finally(() => clearTimeout(timer));
  };
  const results = await Promise.all(sources.map(ask));
  const seen = new Set<string>();
  const out: ServiceCandidate[] = [];
  for (const c of results.flat()) {
    const key = `${c.namespace}/${c.name}:${c.port ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out.sort((a, b) => Number(b.portMatches) - Number(a.portMatches));
}
