// The API server's semantics on top of the store: defaulting, validation, admission (namespace
// lifecycle, ClusterIP allocation), generation bumps, status subresources, patches, graceful and
// cascading deletion, scale, and the Event recorder. The HTTP layer and the controllers both go
// through here, as real controllers go through the real API.
import { randomUUID } from 'node:crypto';
import { ApiError, KubeObject, Store, notFound, nowTimestamp, randomSuffix } from './store';
import { RESOURCE, RESOURCE_BY_KEY, ResourceType, apiVersionOf } from './resources';
import { applyDefaults, invalid, normalizePodIps, selectJobPods, validate } from './defaults';
import { SERVICE_ACCOUNT_MOUNT, serviceAccountToken } from './podfs';
import { Matcher, parseFieldSelector, parseLabelSelector, labelSelectorString } from './selectors';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { ServiceIpam } from './ipam';
import { ContainerLogs } from './logs';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: string;
}

export interface EventSource {
  component: string;
  host?: string;
}

export interface ApiOptions {
  /** At most this many Event objects are kept; the oldest go first (real clusters expire them after 1h). */
  maxEvents?: number;
  recordEvents?: boolean;
}

const LIST_SNAPSHOT_TTL_MS = 5 * 60_000;
const MAX_LIST_SNAPSHOTS = 64;

export function resourceType(key: string): ResourceType {
  const rt = RESOURCE_BY_KEY.get(key);
  if (!rt) throw new Error(`unknown resource ${key}`);
  return rt;
}

export class DemoApi {
  readonly serviceIpam = new ServiceIpam();
  /** What simulated containers print (written by the kubelet simulation, read by pods/log). */
  readonly logs = new ContainerLogs();
  private readonly usedNodePorts = new Set<number>();
  private readonly maxEvents: number;
  recordEvents: boolean;
  private readonly eventIndex = new Map<string, string>(); // aggregation key → event name
  private eventSeq = 0;

  constructor(
    readonly store: Store,
    opts: ApiOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? 1000;
    this.recordEvents = opts.recordEvents ?? true;
  }

  /** Re-reserves the ClusterIPs and NodePorts of stored Services (after restoring a snapshot). */
  reindex(): void {
    for (const svc of this.store.list(RESOURCE.services).items as Any[]) {
      for (const ip of svc.spec?.clusterIPs ?? []) this.serviceIpam.reserve(ip);
      for (const p of svc.spec?.ports ?? []) if (p.nodePort) this.usedNodePorts.add(p.nodePort);
    }
  }

  get(key: string, namespace: string | undefined, name: string): KubeObject {
    const o = this.store.get(key, namespace, name);
    if (!o) throw notFound(key, name);
    return o;
  }

  matcher(key: string, opts: ListOptions): Matcher | undefined {
    const l = parseLabelSelector(opts.labelSelector);
    const f = parseFieldSelector(key, opts.fieldSelector);
    if (l && f) return (o) => l(o) && f(o);
    return l ?? f;
  }

  /**
   * Paged lists are snapshots, as etcd makes them: every page is served from the objects as they
   * were when the first page was, at that page's resourceVersion. Objects are replaced, never
   * mutated, so a snapshot is an array of references. Kept for 5 minutes (like etcd's compaction
   * interval) and at most 64 at a time; an older token gets 410 Expired, as on a real server.
   */
  private readonly listSnapshots = new Map<string, { items: KubeObject[]; rv: number; at: number }>();

  list(key: string, namespace: string | undefined, opts: ListOptions = {}): { items: KubeObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number } {
    let items: KubeObject[];
    let rv: number;
    if (opts.continue) {
      let id: unknown;
      try {
        id = JSON.parse(Buffer.from(opts.continue, 'base64url').toString()).id;
        if (typeof id !== 'string') throw new Error();
      } catch {
        throw new ApiError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
      const snap = this.listSnapshots.get(id);
      if (!snap || Date.now() - snap.at > LIST_SNAPSHOT_TTL_MS) {
        this.listSnapshots.delete(id);
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      ({ items, rv } = snap);
    } else {
      const match = this.matcher(key, opts);
      items = this.store.list(key, namespace).items;
      rv = this.store.resourceVersion;
      if (match) items = items.filter(match);
    }
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const page = items.slice(0, opts.limit);
      const id = randomSuffix() + randomSuffix();
      this.listSnapshots.set(id, { items: items.slice(opts.limit), rv, at: Date.now() });
      while (this.listSnapshots.size > MAX_LIST_SNAPSHOTS) this.listSnapshots.delete(this.listSnapshots.keys().next().value!);
      const token = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, id })).toString('base64url');
      return { items: page, resourceVersion: String(rv), continue: token, remainingItemCount: items.length - page.length };
    }
    return { items, resourceVersion: String(rv) };
  }


  private checkNamespace(rt: ResourceType, namespace: string | undefined): void {
    if (!rt.namespaced) return;
    const ns = this.store.get(RESOURCE.namespaces, undefined, namespace ?? '') as Any;
    if (!ns) throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') {
      throw new ApiError(403, 'Forbidden', `${rt.plural} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  create(key: string, namespace: string | undefined, body: KubeObject, opts: WriteOptions = {}): KubeObject {
    const rt = resourceType(key);
    const obj = this.normalize(rt, namespace, body);
    this.checkNamespace(rt, obj.metadata.namespace);
    delete obj.metadata.resourceVersion;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    if (rt.generation) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    delete obj.metadata.uid;
    const uid = randomUUID();
    applyDefaults(rt, obj);
    if (rt.kind === 'Job') selectJobPods(obj as Any, uid);
    if (rt.kind === 'Pod') {
      this.admitServiceAccount(obj as Any);
      normalizePodIps(obj as Any);
    }
    validate(rt, obj);
    if (rt.kind === 'Service') this.allocateServiceAddresses(rt, obj as Any, undefined, opts.dryRun === true);
    if (opts.dryRun) {
      return { ...obj, metadata: { ...obj.metadata, name: obj.metadata.name ?? `${obj.metadata.generateName ?? ''}${randomSuffix()}`, uid, creationTimestamp: nowTimestamp() } };
    }
    try {
      return this.store.create(key, obj, uid);
    } catch (e) {
      if (rt.kind === 'Service') this.releaseServiceAddresses(obj as Any);
      throw e;
    }
  }

  update(key: string, namespace: string | undefined, name: string, body: KubeObject, opts: WriteOptions = {}): KubeObject {
    const rt = resourceType(key);
    const current = this.get(key, namespace, name) as Any;
    const obj = this.normalize(rt, namespace, body) as Any;
    if (obj.metadata.name !== name) {
      throw new ApiError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    let next: Any;
    if (opts.subresource === 'status') {
      next = { ...current, status: obj.status, metadata: { ...current.metadata, resourceVersion: obj.metadata.resourceVersion } };
      if (rt.kind === 'Pod') {
        next.status = structuredClone(next.status ?? {});
        normalizePodIps(next);
        validate(rt, next);
      }
    } else {
      next = obj;
      next.metadata = {
        ...obj.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        deletionTimestamp: current.metadata.deletionTimestamp,
        deletionGracePeriodSeconds: current.metadata.deletionGracePeriodSeconds,
        generation: current.metadata.generation,
      };
      if (current.metadata.deletionTimestamp === undefined) delete next.metadata.deletionTimestamp;
      if (current.metadata.deletionGracePeriodSeconds === undefined) delete next.metadata.deletionGracePeriodSeconds;
      if (current.metadata.generation === undefined) delete next.metadata.generation;
      // The main resource cannot change status where a status subresource exists.
      if (rt.subresources.includes('status') || rt.kind === 'Namespace') next.status = current.status;
      if (rt.kind === 'Namespace') next.spec = current.spec;
      applyDefaults(rt, next);
      if (rt.subresources.includes('status')) next.status = current.status;
      if (rt.kind === 'Namespace') next.status = current.status;
      validate(rt, next);
      if (rt.kind === 'Pod') this.checkPodUpdate(current, next);
      if ((rt.kind === 'Deployment' || rt.kind === 'ReplicaSet' || rt.kind === 'StatefulSet' || rt.kind === 'DaemonSet') && JSON.stringify(current.spec?.selector) !== JSON.stringify(next.spec?.selector)) {
        throw invalid(rt, name, [{ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(next.spec?.selector ?? null)}: field is immutable` }]);
      }
      if (rt.kind === 'Service') this.allocateServiceAddresses(rt, next, current, opts.dryRun === true);
      if (rt.generation && JSON.stringify(current.spec) !== JSON.stringify(next.spec)) next.metadata.generation = (current.metadata.generation ?? 0) + 1;
      // Emptying the finalizers of an object being deleted completes its deletion.
      if (current.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length && rt.kind !== 'Pod' && rt.kind !== 'Namespace') {
        if (opts.dryRun) return next;
        this.store.update(key, next);
        return this.store.delete(key, namespace, name);
      }
    }
    if (opts.dryRun) return next;
    return this.store.update(key, next);
  }

  patch(key: string, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}): KubeObject {
    const rt = resourceType(key);
    const current = this.get(key, namespace, name);
    let patched: Any;
    switch (type) {
      case 'merge':
        patched = mergePatch(current, patch);
        break;
      case 'json':
        patched = jsonPatch(current, patch);
        break;
      case 'strategic':
        patched = strategicMergePatch(current, patch, rt.kind);
        break;
      case 'apply':
        // Server-side apply without managed-fields tracking: the applied configuration is merged
        // like a strategic merge patch, which is what it amounts to for a single field manager.
        patched = strategicMergePatch(current, patch, rt.kind);
        break;
    }
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
      throw new ApiError(422, 'Invalid', 'the patch did not produce an object');
    }
    patched.metadata ??= {};
    // A patch applies to the version read above unless it names one itself.
    if (!(patch as Any)?.metadata?.resourceVersion) patched.metadata.resourceVersion = current.metadata.resourceVersion;
    return this.update(key, namespace, name, patched, opts);
  }

  /**
   * Deletes like the API server: Pods on a node terminate gracefully (deletionTimestamp set, the
   * kubelet finishes the job), finalizers and foreground deletion keep the object until its
   * dependents are gone, Orphan strips the dependents' ownerReferences. Background cascading
   * (the default) is done by the garbage collector controller once the owner is gone.
   * Returns the object and whether it is gone already.
   */
  delete(key: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): { object: KubeObject; gone: boolean } {
    const rt = resourceType(key);
    const current = this.get(key, namespace, name) as Any;
    if (opts.preconditions?.uid && opts.preconditions.uid !== current.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    if (opts.dryRun) return { object: current, gone: false };
    const now = Date.now();

    if (rt.kind === 'Pod') {
      const grace = opts.gracePeriodSeconds ?? current.metadata.deletionGracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
      const unscheduled = !current.spec?.nodeName;
      const finished = current.status?.phase === 'Succeeded' || current.status?.phase === 'Failed';
      if (grace <= 0 || unscheduled || (finished && !current.metadata.deletionTimestamp)) {
        if ((current.metadata.finalizers ?? []).length) return { object: this.markDeleting(key, current, now, 0), gone: false };
        return { object: this.store.delete(key, namespace, name), gone: true };
      }
      if (current.metadata.deletionTimestamp && current.metadata.deletionGracePeriodSeconds <= grace) return { object: current, gone: false };
      const next = {
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: nowTimestamp(now + grace * 1000), deletionGracePeriodSeconds: grace, generation: undefined },
      };
      delete next.metadata.generation;
      return { object: this.store.update(key, next), gone: false };
    }

    if (rt.kind === 'Namespace') {
      if (['default', 'kube-system', 'kube-public'].includes(name)) {
        throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      }
      if (current.metadata.deletionTimestamp) return { object: current, gone: false };
      const next = { ...current, metadata: { ...current.metadata, deletionTimestamp: nowTimestamp(now) }, status: { ...current.status, phase: 'Terminating' } };
      return { object: this.store.update(key, next), gone: false };
    }

    const policy = opts.propagationPolicy ?? 'Background';
    if (policy === 'Orphan') {
      for (const dep of this.dependentsOf(current.metadata.uid)) {
        const refs = (dep.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== current.metadata.uid);
        const meta = { ...dep.object.metadata, ownerReferences: refs.length ? refs : undefined };
        if (!refs.length) delete meta.ownerReferences;
        this.store.update(dep.key, { ...dep.object, metadata: meta });
      }
    }
    if (policy === 'Foreground' && this.dependentsOf(current.metadata.uid).length) {
      const finalizers = [...new Set([...(current.metadata.finalizers ?? []), 'foregroundDeletion'])];
      const next = { ...current, metadata: { ...current.metadata, finalizers, deletionTimestamp: current.metadata.deletionTimestamp ?? nowTimestamp(now), deletionGracePeriodSeconds: 0 } };
      return { object: this.store.update(key, next), gone: false };
    }
    if ((current.metadata.finalizers ?? []).length) return { object: this.markDeleting(key, current, now, 0), gone: false };
    const gone = this.store.delete(key, namespace, name);
    if (rt.kind === 'Service') this.releaseServiceAddresses(gone as Any);
    return { object: gone, gone: true };
  }

  private markDeleting(key: string, current: Any, now: number, grace: number): KubeObject {
    if (current.metadata.deletionTimestamp) return current;
    return this.store.update(key, { ...current, metadata: { ...current.metadata, deletionTimestamp: nowTimestamp(now), deletionGracePeriodSeconds: grace } });
  }

  /** Objects (of the kinds that can have owners) whose ownerReferences name this uid. */
  dependentsOf(uid: string): { key: string; object: KubeObject }[] {
    const out: { key: string; object: KubeObject }[] = [];
    for (const key of [RESOURCE.replicasets, RESOURCE.pods, RESOURCE.endpointslices, RESOURCE.endpoints, RESOURCE.deployments, RESOURCE.services, RESOURCE.statefulsets, RESOURCE.daemonsets, RESOURCE.jobs, RESOURCE.cronjobs]) {
      for (const o of this.store.list(key).items) {
        if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push({ key, object: o });
      }
    }
    return out;
  }

  private readonly exitHandlers = new Set<(podUid: string, container: string, exitCode: number) => void>();

  /** The kubelet listens here for container main processes that end outside its own programs (an attached shell's `exit`). */
  onContainerExit(handler: (podUid: string, container: string, exitCode: number) => void): () => void {
    this.exitHandlers.add(handler);
    return () => this.exitHandlers.delete(handler);
  }

  /** A container's main process ended with this code (restartPolicy decides what follows). */
  containerExited(podUid: string, container: string, exitCode: number): void {
    for (const h of [...this.exitHandlers]) h(podUid, container, exitCode);
  }

  /** Who the demo's kubeconfig user is (kind's admin: a member of kubeadm:cluster-admins). */
  readonly user = { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };

  /**
   * A review, answered and not stored: SelfSubjectAccessReview (`kubectl auth can-i`: the demo
   * user may do anything), SelfSubjectRulesReview (`can-i --list`), SelfSubjectReview (`auth whoami`).
   */
  review(key: string, body: KubeObject): KubeObject {
    const rt = resourceType(key);
    const obj = this.normalize(rt, undefined, body) as Any;
    const metadata = { creationTimestamp: null };
    const head = { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata } as unknown as KubeObject;
    switch (rt.kind) {
      case 'SelfSubjectAccessReview': {
        const spec = obj.spec ?? {};
        if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
          throw invalid(rt, '', [{ field: 'spec.resourceAttributes', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified', reason: 'FieldValueRequired' }]);
        }
        return { ...head, spec, status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"' } };
      }
      case 'SelfSubjectRulesReview':
        return {
          ...head,
          spec: obj.spec ?? {},
          status: {
            resourceRules: [
              { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
              { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
            ],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
            incomplete: false,
          },
        };
      case 'SelfSubjectReview':
        return { ...head, status: { userInfo: { ...this.user } } };
    }
    throw new ApiError(405, 'MethodNotAllowed', `${rt.plural} cannot be created`);
  }

  /** serviceaccounts/token (`kubectl create token`): a bound token for the service account. */
  createToken(namespace: string, name: string, body: Any): KubeObject {
    this.get(RESOURCE.serviceaccounts, namespace, name);
    const expirationSeconds = Math.max(600, Number(body?.spec?.expirationSeconds ?? 3600));
    const holder = { metadata: { namespace, name: `token-${name}`, uid: '' }, spec: { serviceAccountName: name } };
    const token = serviceAccountToken(this, holder, expirationSeconds);
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences: body?.spec?.audiences ?? ['https://kubernetes.default.svc.cluster.local'], expirationSeconds, boundObjectRef: body?.spec?.boundObjectRef ?? null },
      status: { token, expirationTimestamp: nowTimestamp(Date.now() + expirationSeconds * 1000) },
    } as unknown as KubeObject;
  }

  /**
   * The ServiceAccount admission plugin: the Pod's service account must exist, and unless
   * automounting is off its token, the cluster CA and the namespace are projected into every
   * container at /var/run/secrets/kubernetes.io/serviceaccount (volume `kube-api-access-xxxxx`).
   */
  private admitServiceAccount(pod: Any): void {
    const ns = pod.metadata.namespace;
    const saName = pod.spec.serviceAccountName ?? 'default';
    const sa = this.store.get(RESOURCE.serviceaccounts, ns, saName) as Any;
    if (!sa) {
      throw new ApiError(403, 'Forbidden', `pods "${pod.metadata.name ?? pod.metadata.generateName ?? ''}" is forbidden: error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`);
    }
    if (pod.spec.automountServiceAccountToken === false || (pod.spec.automountServiceAccountToken === undefined && sa.automountServiceAccountToken === false)) return;
    const containers: Any[] = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
    if (containers.some((c) => (c.volumeMounts ?? []).some((m: Any) => m.mountPath === SERVICE_ACCOUNT_MOUNT))) return;
    const name = `kube-api-access-${randomSuffix()}`;
    pod.spec.volumes = [
      ...(pod.spec.volumes ?? []),
      {
        name,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ];
    for (const c of containers) c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT }];
  }

  /**
   * pods/eviction: a graceful delete (no PodDisruptionBudgets to check in the demo), after marking
   * the Pod with the DisruptionTarget condition as the API server does (Kubernetes 1.26+), so a
   * watcher can tell an eviction from a plain deletion.
   */
  evict(namespace: string, name: string, opts: { gracePeriodSeconds?: number; dryRun?: boolean }): void {
    const pod = this.get(RESOURCE.pods, namespace, name) as Any;
    if (!opts.dryRun && !pod.metadata.deletionTimestamp) {
      const conditions = (pod.status?.conditions ?? []).filter((c: Any) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: nowTimestamp(Date.now()) });
      this.store.update(RESOURCE.pods, { ...pod, status: { ...pod.status, conditions } });
    }
    this.delete(RESOURCE.pods, namespace, name, opts);
  }

  /** pods/binding: what a scheduler does; 409 when the Pod is already on a node. */
  bind(namespace: string, name: string, nodeName: unknown): void {
    const pod = this.get(RESOURCE.pods, namespace, name) as Any;
    if (typeof nodeName !== 'string' || !nodeName) throw new ApiError(400, 'BadRequest', 'binding needs target.name');
    if (pod.spec.nodeName) throw new ApiError(409, 'Conflict', `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    this.store.update(RESOURCE.pods, { ...pod, spec: { ...pod.spec, nodeName } });
  }

  /** namespaces/finalize: replaces spec.finalizers. */
  finalizeNamespace(name: string, finalizers: unknown): KubeObject {
    const cur = this.get(RESOURCE.namespaces, undefined, name) as Any;
    return this.store.update(RESOURCE.namespaces, { ...cur, spec: { ...cur.spec, finalizers: Array.isArray(finalizers) ? finalizers : [] } });
  }

  /**
   * Server-side apply. Without managed-fields tracking the applied configuration is merged like
   * a strategic merge patch (what it amounts to for a single field manager); an object that does
   * not exist yet is created. Returns whether it was created.
   */
  apply(key: string, namespace: string | undefined, name: string, config: unknown, opts: WriteOptions = {}): { object: KubeObject; created: boolean } {
    if (!this.store.get(key, namespace, name)) {
      const c = (config ?? {}) as Any;
      if (typeof c !== 'object' || Array.isArray(c)) throw new ApiError(400, 'BadRequest', 'the applied configuration must be an object');
      return { object: this.create(key, namespace, { ...c, metadata: { ...c.metadata, name } }, opts), created: true };
    }
    return { object: this.patch(key, namespace, name, 'apply', config, opts), created: false };
  }

  /** A patch of the scale subresource (kubectl scale sends a merge patch of spec.replicas). */
  patchScale(key: string, namespace: string, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}): KubeObject {
    const scale = this.getScale(key, namespace, name);
    const patched = type === 'json' ? jsonPatch(scale, patch) : mergePatch(scale, patch);
    return this.updateScale(key, namespace, name, patched, opts);
  }

  /** deletecollection: every object the selectors match, each deleted as a single delete would be. */
  deleteCollection(key: string, namespace: string | undefined, list: ListOptions, opts: DeleteOptions): number {
    const { items } = this.list(key, namespace, { labelSelector: list.labelSelector, fieldSelector: list.fieldSelector });
    let n = 0;
    for (const o of items) {
      // An object already gone (a cascade removed it) is not an error in a collection delete.
      if (!this.store.get(key, o.metadata.namespace, o.metadata.name!)) continue;
      this.delete(key, o.metadata.namespace, o.metadata.name!, opts);
      n++;
    }
    return n;
  }

  /** autoscaling/v1 Scale of a Deployment or ReplicaSet. */
  getScale(key: string, namespace: string, name: string): KubeObject {
    const o = this.get(key, namespace, name) as Any;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: o.spec.replicas },
      status: { replicas: o.status?.replicas ?? 0, selector: labelSelectorString(o.spec.selector) },
    };
  }

  updateScale(key: string, namespace: string, name: string, scale: Any, opts: WriteOptions = {}): KubeObject {
    const replicas = scale?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid(resourceType(key), name, [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const o = this.get(key, namespace, name) as Any;
    if (scale.metadata?.resourceVersion && scale.metadata.resourceVersion !== o.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resourceType(key).plural}.${resourceType(key).group} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    this.update(key, namespace, name, { ...o, spec: { ...o.spec, replicas } }, opts);
    return this.getScale(key, namespace, name);
  }

  /** Records a core/v1 Event about `obj`, aggregating repeats like the client-go recorder. */
  recordEvent(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource): void {
    if (!this.recordEvents) return;
    const namespace = obj.metadata.namespace ?? 'default';
    const aggKey = `${obj.metadata.uid}|${reason}|${message}`;
    const nowTs = nowTimestamp();
    const existingName = this.eventIndex.get(aggKey);
    const existing = existingName ? (this.store.get(RESOURCE.events, namespace, existingName) as Any) : undefined;
    if (existing) {
      this.store.update(RESOURCE.events, { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: nowTs });
      return;
    }
    const rt = RESOURCE_BY_KEY.get(this.keyOfKind(obj.kind))!;
    // Like the client-go recorder: name.<hex nanoseconds>; a counter keeps names (and so the order
    // of same-second events in `kubectl describe`) in recording order.
    this.eventSeq = (this.eventSeq + 1) % 1_000_000;
    const name = `${obj.metadata.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(this.eventSeq)).toString(16)}`;
    this.store.create(RESOURCE.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: rt ? apiVersionOf(rt) : obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: nowTs,
      lastTimestamp: nowTs,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.eventIndex.set(aggKey, name);
    this.trimEvents();
  }

  private trimEvents(): void {
    const total = this.store.count(RESOURCE.events);
    // Trim in batches (down to the limit once 10% over it): sorting on every new Event would
    // cost more than the Events themselves.
    if (total <= this.maxEvents * 1.1) return;
    const all = this.store.list(RESOURCE.events).items.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    for (const e of all.slice(0, total - this.maxEvents)) {
      this.store.delete(RESOURCE.events, e.metadata.namespace, e.metadata.name!);
    }
    if (this.eventIndex.size > this.maxEvents * 2) this.eventIndex.clear();
  }

  keyOfKind(kind: string): string {
    for (const rt of RESOURCE_BY_KEY.values()) if (rt.kind === kind) return rt.key;
    return '';
  }

  private normalize(rt: ResourceType, namespace: string | undefined, body: KubeObject): KubeObject {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'BadRequest', 'the request body must be a JSON object');
    const obj = structuredClone(body) as Any;
    if (obj.kind && obj.kind !== rt.kind) {
      throw new ApiError(400, 'BadRequest', `the kind of the object (${obj.kind}) does not match the resource (${rt.plural}, kind ${rt.kind})`);
    }
    if (obj.apiVersion && obj.apiVersion !== apiVersionOf(rt)) {
      throw new ApiError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`);
    }
    obj.kind = rt.kind;
    obj.apiVersion = apiVersionOf(rt);
    obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {};
    if (rt.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw new ApiError(400, 'BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? 'default';
    } else delete obj.metadata.namespace;
    delete obj.metadata.managedFields;
    delete obj.metadata.selfLink;
    // Empty maps and lists in ObjectMeta are omitted on the wire (Go's omitempty), as stored.
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
      const v = obj.metadata[k];
      if (v !== undefined && (v === null || (typeof v === 'object' && Object.keys(v).length === 0))) delete obj.metadata[k];
    }
    return obj;
  }

  private checkPodUpdate(current: Any, next: Any): void {
    const strip = (spec: Any) => {
      const s = structuredClone(spec ?? {});
      for (const c of s.containers ?? []) delete c.image;
      for (const c of s.initContainers ?? []) delete c.image;
      delete s.activeDeadlineSeconds;
      delete s.tolerations;
      delete s.terminationGracePeriodSeconds;
      return JSON.stringify(s);
    };
    if (strip(current.spec) !== strip(next.spec)) {
      throw invalid(resourceType(RESOURCE.pods), current.metadata.name, [
        {
          field: 'spec',
          reason: 'FieldValueForbidden',
          message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        },
      ]);
    }
  }

  private allocateServiceAddresses(rt: ResourceType, svc: Any, current: Any | undefined, dryRun: boolean): void {
    const spec = svc.spec;
    if (spec.type === 'ExternalName') return;
    if (current) {
      // ClusterIPs never change over a Service's life.
      if (spec.clusterIP && spec.clusterIP !== current.spec.clusterIP) {
        throw invalid(rt, svc.metadata.name, [{ field: 'spec.clusterIPs[0]', message: 'Invalid value: []string(nil): may not change once set' }]);
      }
      spec.clusterIP = current.spec.clusterIP;
      spec.clusterIPs = current.spec.clusterIPs;
      spec.ipFamilies = current.spec.ipFamilies;
      spec.ipFamilyPolicy = current.spec.ipFamilyPolicy;
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    } else if (spec.clusterIP) {
      if (!dryRun && !this.serviceIpam.reserve(spec.clusterIP)) {
        throw invalid(rt, svc.metadata.name, [{ field: 'spec.clusterIPs', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated or not in the valid range 10.96.0.0/12` }]);
      }
      spec.clusterIPs = [spec.clusterIP];
    } else {
      spec.clusterIP = dryRun ? '10.96.0.0' : this.serviceIpam.allocate();
      spec.clusterIPs = [spec.clusterIP];
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const prev = new Map<number, number>((current?.spec.ports ?? []).map((p: Any) => [p.port, p.nodePort]));
      for (const p of spec.ports ?? []) {
        if (p.nodePort) continue;
        p.nodePort = prev.get(p.port) ?? this.allocateNodePort(dryRun);
      }
    }
  }

  private allocateNodePort(dryRun: boolean): number {
    for (;;) {
      const port = 30000 + Math.floor(Math.random() * 2768);
      if (!this.usedNodePorts.has(port)) {
        if (!dryRun) this.usedNodePorts.add(port);
        return port;
      }
    }
  }

  private releaseServiceAddresses(svc: Any): void {
    for (const ip of svc.spec?.clusterIPs ?? []) if (ip !== 'None') this.serviceIpam.release(ip);
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) this.usedNodePorts.delete(p.nodePort);
  }
}
