// Which workload is under the cursor, and the label selector that finds its Pods: lets the
// timeline open straight from a manifest.
import { parseAllDocuments } from 'yaml';

export interface WorkloadRef {
  kind: string;
  name?: string;
  namespace?: string;
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values?: string[] }[];
}

const WITH_SELECTOR = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(v) ?? {}).filter(([, x]) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean').map(([k, x]) => [k, String(x)]));

/** The workload (or Pod, or Service) in the YAML document that contains `offset`; JSON is YAML too. */
export function workloadAt(text: string, offset: number): WorkloadRef | undefined {
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  const doc = docs.find((d) => d.range && offset >= d.range[0] && offset <= d.range[2]) ?? (docs.length === 1 ? docs[0] : undefined);
  if (!doc) return undefined;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  return workloadOf(value);
}

export function workloadOf(value: unknown): WorkloadRef | undefined {
  const o = obj(value);
  const kind = typeof o?.kind === 'string' ? o.kind : undefined;
  if (!o || !kind) return undefined;
  const meta = obj(o.metadata);
  const base = { kind, name: typeof meta?.name === 'string' ? meta.name : undefined, namespace: typeof meta?.namespace === 'string' ? meta.namespace : undefined };
  const spec = obj(o.spec);
  if (kind === 'Pod') return { ...base, matchLabels: strMap(meta?.labels), matchExpressions: [] };
  if (kind === 'Service') return { ...base, matchLabels: strMap(spec?.selector), matchExpressions: [] };
  if (kind === 'CronJob') {
    const tmpl = obj(obj(obj(obj(spec?.jobTemplate)?.spec)?.template)?.metadata);
    return { ...base, matchLabels: strMap(tmpl?.labels), matchExpressions: [] };
  }
  if (!WITH_SELECTOR.has(kind)) return undefined;
  const sel = obj(spec?.selector);
  // ReplicationController's selector is a plain map; the others use a LabelSelector.
  if (kind === 'ReplicationController') return { ...base, matchLabels: strMap(sel), matchExpressions: [] };
  const exprs = Array.isArray(sel?.matchExpressions) ? sel.matchExpressions : [];
  const matchLabels = sel ? strMap(sel.matchLabels) : strMap(obj(obj(obj(spec?.template)?.metadata))?.labels);
  return {
    ...base,
    matchLabels,
    matchExpressions: exprs
      .map(obj)
      .filter((e): e is Obj => !!e && typeof e.key === 'string' && typeof e.operator === 'string')
      .map((e) => ({ key: e.key as string, operator: e.operator as string, values: Array.isArray(e.values) ? e.values.map(String) : undefined })),
  };
}

/** The selector in kubectl's `-l` syntax; undefined when it would select nothing specific. */
export function selectorFromWorkload(w: WorkloadRef): string | undefined {
  const parts = Object.entries(w.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of w.matchExpressions) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}
