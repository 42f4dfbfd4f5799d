// Label and field selectors with the syntax and semantics of k8s.io/apimachinery/pkg/labels and
// pkg/fields: equality (`a=b`, `a==b`, `a!=b`), set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`).
import { splitSelector } from '../core/labelSelector';
import { ApiError, KubeObject } from './store';

export type Matcher = (obj: KubeObject) => boolean;

interface Requirement {
  key: string;
  op: 'exists' | 'notexists' | 'in' | 'notin' | 'gt' | 'lt';
  values: string[];
}

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;


function parseRequirements(selector: string): Requirement[] {
  const reqs: Requirement[] = [];
  for (const part of splitSelector(selector)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((m = part.match(/^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      reqs.push({ key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] });
    } else if ((m = part.match(/^([^=!<>\s]+)\s*([<>])\s*(-?\d+)$/))) {
      reqs.push({ key: m[1], op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]] });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: m[1], op: 'notexists', values: [] });
    } else if ((m = part.match(/^(\S+)$/))) {
      reqs.push({ key: m[1], op: 'exists', values: [] });
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: ${JSON.stringify(part)}`);
    }
  }
  for (const r of reqs) {
    if (!KEY_RE.test(r.key)) throw new ApiError(400, 'BadRequest', `unable to parse requirement: invalid label key "${r.key}"`);
  }
  return reqs;
}

function matchRequirement(labels: Record<string, string> | undefined, r: Requirement): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.op) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'gt':
      return has && Number(v) > Number(r.values[0]);
    case 'lt':
      return has && Number(v) < Number(r.values[0]);
  }
}

export function labelsMatcher(selector: string | undefined): ((labels: Record<string, string> | undefined) => boolean) | undefined {
  if (!selector || selector.trim() === '') return undefined;
  const reqs = parseRequirements(selector);
  return (labels) => reqs.every((r) => matchRequirement(labels, r));
}

export function parseLabelSelector(selector: string | undefined): Matcher | undefined {
  const m = labelsMatcher(selector);
  return m && ((obj) => m(obj.metadata.labels));
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelector semantics: an empty selector matches everything. */
export function labelSelectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = labels !== undefined && k8sHas(labels, e.key);
    const v = labels?.[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(v!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(v!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function k8sHas(o: Record<string, string>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function labelSelectorString(sel: LabelSelector | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** Which field selectors each resource supports (the API server rejects the others with 400). */
const FIELD_LABELS: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  'apps/replicasets': ['status.replicas'],
  services: ['spec.clusterIP', 'spec.type'],
};

function fieldValue(obj: KubeObject, path: string): string {
  if (path === 'status.podIPs') {
    const ips = ((obj.status as { podIPs?: { ip: string }[] } | undefined)?.podIPs ?? []).map((p) => p.ip);
    return ips.join(',');
  }
  if (path === 'source') path = 'source.component';
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return path === 'spec.hostNetwork' || path === 'spec.unschedulable' ? 'false' : '';
  return String(cur);
}

export function parseFieldSelector(resource: string, selector: string | undefined): Matcher | undefined {
  if (!selector || selector.trim() === '') return undefined;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[resource] ?? [])]);
  const reqs: { path: string; neg: boolean; value: string }[] = [];
  for (const part of selector.split(',').map((p) => p.trim()).filter((p) => p)) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${part}'`);
    if (!allowed.has(m[1])) {
      throw new ApiError(400, 'BadRequest', `"${m[1]}" is not a known field selector: only "${[...allowed].join('", "')}"`);
    }
    reqs.push({ path: m[1], neg: m[2] === '!=', value: m[3] });
  }
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.neg);
}
