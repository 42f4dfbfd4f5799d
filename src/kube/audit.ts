// The live-cluster audit for one client: the workloads and ConfigMaps (Secrets when asked), paged,
// each object's IP literals found with lint's rules and classified against the cluster's facts
// (read at the same time). Used by `pod-ip-lens audit` and the editor's Audit Cluster command.
import { classifyFinding, findInObject, isOwnedByController, renderObject, type AuditFinding, type KubeObject, type ObjectFinding } from '../core/audit';
import type { ClusterClass, PodHolder } from '../core/clusterClass';
import { ManifestLinter, type Severity } from '../core/lint';
import type { KubeClient } from './client';
import { KubeError } from './errors';
import { AUDITED, SECRETS, listPaged, readClusterFacts, type ApiResource } from './inventory';

export interface AuditOptions {
  /** undefined: every namespace. */
  namespace?: string;
  includeSecrets: boolean;
  pageSize: number;
  severity?: Partial<Record<ClusterClass, Severity>>;
  /** Keep the rendered YAML of each object with findings (the editor opens it at the line). */
  keepObjects?: boolean;
  /** Earlier holders of an IP, from a watch's history (a one-shot read has none). */
  pastHolders?: (ip: string) => PodHolder[];
}

export interface AuditRun {
  context: string;
  server: string;
  namespace?: string;
  findings: AuditFinding[];
  /** Resources that could not be read, and facts that are not known. */
  errors: string[];
  notes: string[];
  scanned: Record<string, number>;
  /** With `keepObjects`: the rendered YAML of each object with findings, by objectKey. */
  objects: Map<string, string>;
}

/** Audits every object `client` may read; `progress` hears about large lists as they go. */
export async function auditWithClient(client: KubeClient, opts: AuditOptions, progress: (line: string) => void = () => {}): Promise<AuditRun> {
  const namespace = opts.namespace;
  const objects = new Map<string, string>();
  const find = (obj: KubeObject): ObjectFinding[] => {
    const found = findInObject(obj, linter);
    if (found.length > 0 && opts.keepObjects) objects.set(objectKey(found[0]), renderObject(obj));
    return found;
  };
  // The facts (Pods, nodes, Services) are read while the workloads are scanned; the literals
  // found are classified once both are in.
  const factsRead = readClusterFacts(client, namespace);
  factsRead.catch(() => {}); // awaited below
  const linter = new ManifestLinter({}, 0);
  const found: ObjectFinding[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  const scanned: Record<string, number> = {};
  const resources: ApiResource[] = [...AUDITED.filter((r) => r.kind !== 'Pod'), ...(opts.includeSecrets ? [SECRETS] : [])];
  for (const r of resources) {
    let n = 0;
    try {
      for await (const page of listPaged<KubeObject>(client, r, namespace, opts.pageSize)) {
        for (const obj of page) {
          // A controller's ReplicaSets and Jobs carry its template: audited once, through it.
          if ((r.kind === 'ReplicaSet' || r.kind === 'Job') && isOwnedByController(obj)) continue;
          n++;
          found.push(...find(obj));
        }
        if (n >= 1000) progress(`${r.resource}: ${n} read…`);
      }
    } catch (e) {
      // A kind this server does not serve has nothing to audit; anything else (RBAC) is an error.
      if (e instanceof KubeError && e.kind === 'not-found') notes.push(`${r.resource}: not served by this API server`);
      else errors.push(`${r.resource}: ${(e as Error).message}`);
    }
    scanned[r.resource] = n;
  }
  const { facts: read, notes: factNotes, counts, barePods } = await factsRead;
  const facts = opts.pastHolders ? { ...read, pastHolders: opts.pastHolders } : read;
  notes.push(...factNotes);
  progress(`read ${counts.pods} Pods, ${counts.nodes} nodes and ${counts.services} Services of context ${client.context}`);
  const findings: AuditFinding[] = found.map((f) => classifyFinding(f, facts, { severity: opts.severity }));
  // Pods a controller owns are audited through it; the others are read one by one (few, usually).
  const bare = barePods.filter((p) => namespace === undefined || p.namespace === namespace);
  let podErrors = 0;
  for (let i = 0; i < bare.length; i += 8) {
    await Promise.all(
      bare.slice(i, i + 8).map(async (p) => {
        try {
          const res = await client.getJson<KubeObject>(`/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}`, {}, client.requestContext('get', 'pods', undefined, p.namespace));
          res.body.kind ??= 'Pod';
          res.body.apiVersion ??= 'v1';
          findings.push(...find(res.body).map((f) => classifyFinding(f, facts, { severity: opts.severity })));
        } catch (e) {
          // Gone since the list: nothing to audit. Anything else is said once.
          if (!(e instanceof KubeError && e.kind === 'not-found') && podErrors++ === 0) errors.push(`pods: ${(e as Error).message}`);
        }
      }),
    );
  }
  scanned.pods = bare.length;
  return { context: client.context, server: client.server, namespace, findings, errors, notes, scanned, objects };
}


/** `Kind/namespace/name` of the object a finding is in. */
export function objectKey(f: { kind: string; namespace?: string; name: string }): string {
  return `${f.kind}/${f.namespace ?? ''}/${f.name}`;
}
