// The types of the Pod fields the lifecycle model reads, checked before a replayed object reaches
// it. The API server enforces these for live watches; a file to replay can hold anything
// (`conditions: "x"`, `podIP: 5`), and the model must get well-typed data or a clear refusal.
// Absent and null fields are fine: real streams omit them.

type Check = (v: unknown, path: string) => string | undefined;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof v;
  }
}

const optional =
  (check: Check): Check =>
  (v, path) =>
    v === undefined || v === null ? undefined : check(v, path);

const primitive =
  (type: 'string' | 'number' | 'boolean', what: string): Check =>
  (v, path) =>
    typeof v === type ? undefined : `${path} must be ${what}, not ${kindOf(v)}`;

const str = optional(primitive('string', 'a string'));
const num = optional(primitive('number', 'a number'));
const bool = optional(primitive('boolean', 'true or false'));

function object(fields: Record<string, Check>): Check {
  const entries = Object.entries(fields);
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be an object, not ${kindOf(v)}`;
    const o = v as Record<string, unknown>;
    for (const [k, check] of entries) {
      const x = o[k];
      // Most fields are absent or fine: the path is only built for a field that is there.
      if (x === undefined || x === null) continue;
      const p = check(x, path ? `${path}.${k}` : k);
      if (p) return p;
    }
    return undefined;
  };
}

function list(item: Check): Check {
  return (v, path) => {
    if (!Array.isArray(v)) return `${path} must be a list, not ${kindOf(v)}`;
    for (let i = 0; i < v.length; i++) {
      const p = item(v[i], `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  };
}

function stringMap(v: unknown, path: string): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${path} must be an object, not ${kindOf(v)}`;
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') return `${path}.${k} must be a string, not ${kindOf(x)}`;
  return undefined;
}

const POD: Check = object({
  kind: str,
  metadata: optional(
    object({
      uid: str,
      name: str,
      namespace: str,
      resourceVersion: str,
      creationTimestamp: str,
      deletionTimestamp: str,
      deletionGracePeriodSeconds: num,
      labels: optional(stringMap),
      ownerReferences: optional(list(object({ kind: str, name: str, uid: str, controller: bool }))),
      managedFields: optional(list(object({ time: str }))),
    }),
  ),
  spec: optional(object({ nodeName: str, hostNetwork: bool })),
  status: optional(
    object({
      phase: str,
      podIP: str,
      podIPs: optional(list(object({ ip: str }))),
      hostIP: str,
      startTime: str,
      conditions: optional(list(object({ type: str, status: str, lastTransitionTime: str }))),
    }),
  ),
});

/** What is wrong with the types of a Pod object ("status.podIP must be a string, not a number"), if anything. */
export function podShapeProblem(pod: unknown): string | undefined {
  const p = POD(pod, '');
  // The top level has no path of its own.
  return p?.startsWith(' must') ? `the Pod${p}` : p;
}
