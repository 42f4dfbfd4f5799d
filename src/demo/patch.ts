// The three patch formats `kubectl patch` and friends send: JSON merge patch (RFC 7386),
// JSON patch (RFC 6902) and Kubernetes strategic merge patch (lists of objects merged by key).
import { ApiError } from './store';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...(target as JsonObject) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badPatch(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function badPatch(msg: string): ApiError {
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${msg}`);
}

function parentOf(doc: Json, path: string[], op: string): { parent: JsonObject | Json[]; key: string } {
  if (path.length === 0) throw badPatch(`${op} at the document root is not supported`);
  let cur: Json = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else cur = undefined as unknown as Json;
    if (cur === undefined || cur === null || typeof cur !== 'object') throw badPatch(`${op}: path /${path.join('/')} does not exist`);
  }
  return { parent: cur as JsonObject | Json[], key: path[path.length - 1] };
}

function getAt(doc: Json, path: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function arrayIndex(arr: Json[], key: string, forAdd: boolean, op: string): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(key)) throw badPatch(`${op}: invalid array index ${key}`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw badPatch(`${op}: array index ${i} out of bounds`);
  return i;
}

/**
 * JSON equality as RFC 6902 §4.6 defines it for `test`: same type; numbers by value; arrays item
 * by item; objects with the same members (in any order) and equal values.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badPatch('a JSON patch must be an array of operations');
  let doc = clone(target) as Json;
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badPatch('each operation needs "op" and "path"');
    const op = raw.op;
    const path = decodePointer(raw.path);
    const add = (p: string[], value: Json) => {
      if (p.length === 0) {
        doc = value;
        return;
      }
      const { parent, key } = parentOf(doc, p, op);
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, op), 0, value);
      else parent[key] = value;
    };
    const remove = (p: string[]): Json => {
      const { parent, key } = parentOf(doc, p, op);
      if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false, op), 1)[0];
      if (!(key in parent)) throw badPatch(`${op}: path ${raw.path} does not exist`);
      const v = parent[key];
      delete parent[key];
      return v;
    };
    switch (op) {
      case 'add':
        add(path, clone(raw.value as Json));
        break;
      case 'remove':
        remove(path);
        break;
      case 'replace':
        if (getAt(doc, path) === undefined) throw badPatch(`replace: path ${raw.path} does not exist`);
        if (path.length === 0) doc = clone(raw.value as Json);
        else {
          remove(path);
          add(path, clone(raw.value as Json));
        }
        break;
      case 'move': {
        if (typeof raw.from !== 'string') throw badPatch('move needs "from"');
        add(path, remove(decodePointer(raw.from)));
        break;
      }
      case 'copy': {
        if (typeof raw.from !== 'string') throw badPatch('copy needs "from"');
        const v = getAt(doc, decodePointer(raw.from));
        if (v === undefined) throw badPatch(`copy: path ${raw.from} does not exist`);
        add(path, clone(v));
        break;
      }
      case 'test': {
        if (!('value' in raw)) throw badPatch('test needs "value"');
        // A path that does not exist fails the test, whatever the value (JSON has no undefined).
        const v = getAt(doc, path);
        if (v === undefined || !jsonEqual(v, raw.value)) throw badPatch(`test failed at ${raw.path}`);
        break;
      }
      default:
        throw badPatch(`unknown JSON patch operation ${JSON.stringify(op)}`);
    }
  }
  return doc;
}

/**
 * Merge keys of the lists in the built-in types (the `patchMergeKey` tags in k8s.io/api).
 * Looked up by field name and, where the same name means different things, by kind.
 */
function mergeKeyFor(kind: string, path: string[], field: string): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'containerStatuses':
    case 'initContainerStatuses':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ports':
      return kind === 'Service' && path.length === 1 && path[0] === 'spec' ? 'port' : 'containerPort';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'podIPs':
    case 'hostIPs':
      return 'ip';
    case 'addresses':
      return path[path.length - 1] === 'status' ? 'type' : undefined;
    case 'taints':
      return 'key';
    default:
      return undefined;
  }
}

/** Lists of scalars that strategic merge treats as sets (`patchStrategy:"merge"`). */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: unknown, patch: unknown, kind: string): unknown {
  if (!isObject(patch)) throw badPatch('a strategic merge patch must be a JSON object');
  return smpObject(isObject(target) ? (target as JsonObject) : {}, patch, kind, []);
}

function smpObject(target: JsonObject, patch: JsonObject, kind: string, path: string[]): JsonObject {
  const directive = patch['$patch'];
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest['$patch'];
    return clone(rest);
  }
  if (directive === 'delete') return {};
  let out: JsonObject = { ...target };
  const retain = patch['$retainKeys'];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) continue; // order hints: our lists keep merge order
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => jsonEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      const key = mergeKeyFor(kind, path, k);
      if (key) out[k] = smpList(Array.isArray(cur) ? cur : [], v, key, kind, [...path, k]);
      else if (MERGED_SCALAR_LISTS.has(k)) {
        const merged = Array.isArray(cur) ? [...cur] : [];
        for (const x of v) if (!merged.includes(x)) merged.push(x);
        out[k] = merged;
      } else out[k] = clone(v);
    } else if (isObject(v)) {
      out[k] = smpObject(isObject(cur) ? cur : {}, v, kind, [...path, k]);
    } else out[k] = v;
  }
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

function smpList(target: Json[], patch: Json[], key: string, kind: string, path: string[]): Json[] {
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return clone(patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace')));
  }
  const out = [...target];
  for (const p of patch) {
    if (!isObject(p)) throw badPatch(`list ${path.join('.')} is merged by "${key}", so its items must be objects`);
    const id = p[key];
    const i = out.findIndex((t) => isObject(t) && t[key] === id);
    if (p['$patch'] === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = smpObject(out[i] as JsonObject, p, kind, path);
    else out.push(smpObject({}, p, kind, path));
  }
  return out;
}
