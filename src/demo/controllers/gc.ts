// The garbage collector and the namespace controller: dependents whose owner is gone are deleted
// (background cascading), foreground deletion completes once the dependents are gone, and a
// namespace being deleted is emptied before it disappears.
import { KubeObject, StoreEvent } from '../store';
import { RESOURCE, RESOURCE_TYPES } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';

export class GarbageCollector {
  private readonly queue: WorkQueue;
  private readonly nsQueue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'garbage-collector', (uid) => this.collect(uid), ctx.log);
    this.nsQueue = new WorkQueue(ctx.timers, 'namespace', (ns) => this.syncNamespace(ns), ctx.log);
  }

  resume(): void {
    for (const rt of RESOURCE_TYPES) {
      if (rt.key === RESOURCE.events) continue;
      for (const o of this.ctx.api.store.list(rt.key).items) this.index({ type: 'ADDED', resource: rt.key, object: o, rv: 0 });
    }
    for (const ns of this.ctx.api.store.list(RESOURCE.namespaces).items) if (ns.metadata.deletionTimestamp) this.nsQueue.add(ns.metadata.name!);
  }

  /** uid → where the object lives, and owner uid → dependents: lookups stay O(1) with 10,000 Pods. */
  private readonly byUid = new Map<string, { key: string; namespace?: string; name: string }>();
  private readonly dependents = new Map<string, Map<string, { key: string; namespace?: string; name: string }>>();

  private index(e: StoreEvent): void {
    const o = e.object;
    const uid = o.metadata.uid!;
    const loc = { key: e.resource, namespace: o.metadata.namespace, name: o.metadata.name! };
    const id = `${e.resource}|${loc.namespace ?? ''}|${loc.name}`;
    for (const r of e.previous?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(id);
    if (e.type === 'DELETED') {
      this.byUid.delete(uid);
      for (const r of o.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(id);
    } else {
      this.byUid.set(uid, loc);
      for (const r of o.metadata.ownerReferences ?? []) {
        let m = this.dependents.get(r.uid);
        if (!m) this.dependents.set(r.uid, (m = new Map()));
        m.set(id, loc);
      }
    }
  }

  private dependentsOf(uid: string): { key: string; object: KubeObject }[] {
    const out: { key: string; object: KubeObject }[] = [];
    const m = this.dependents.get(uid);
    if (!m) return out;
    for (const loc of m.values()) {
      const object = this.ctx.api.store.get(loc.key, loc.namespace, loc.name);
      if (object) out.push({ key: loc.key, object });
    }
    if (!out.length) this.dependents.delete(uid);
    return out;
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.events) return;
    this.index(e);
    const o = e.object;
    if (e.type === 'DELETED') {
      this.queue.add(o.metadata.uid!);
      // A dependent went away: its owners waiting in foreground deletion may be done.
      for (const ref of o.metadata.ownerReferences ?? []) this.queue.add(ref.uid);
    } else if (o.metadata.deletionTimestamp && o.metadata.finalizers?.includes('foregroundDeletion')) {
      this.queue.add(o.metadata.uid!);
    }
    if (e.resource === RESOURCE.namespaces && o.metadata.deletionTimestamp && e.type !== 'DELETED') this.nsQueue.add(o.metadata.name!);
    if (o.metadata.namespace && e.type === 'DELETED') {
      const ns = this.ctx.api.store.get(RESOURCE.namespaces, undefined, o.metadata.namespace);
      if (ns?.metadata.deletionTimestamp) this.nsQueue.add(o.metadata.namespace);
    }
  }

  private findByUid(uid: string): { key: string; object: KubeObject } | undefined {
    const loc = this.byUid.get(uid);
    const object = loc && this.ctx.api.store.get(loc.key, loc.namespace, loc.name);
    return object && object.metadata.uid === uid ? { key: loc.key, object } : undefined;
  }

  private collect(uid: string): void {
    const { api } = this.ctx;
    const owner = this.findByUid(uid);
    const dependents = this.dependentsOf(uid);
    if (!owner) {
      for (const d of dependents) {
        const others = (d.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        // Still owned by something that exists: just drop the dangling reference.
        if (others.some((r) => this.findByUid(r.uid))) {
          api.store.update(d.key, { ...d.object, metadata: { ...d.object.metadata, ownerReferences: others } });
        } else if (!d.object.metadata.deletionTimestamp) {
          api.delete(d.key, d.object.metadata.namespace, d.object.metadata.name!, { propagationPolicy: 'Background' });
        }
      }
      return;
    }
    const o = owner.object;
    if (!o.metadata.deletionTimestamp || !o.metadata.finalizers?.includes('foregroundDeletion')) return;
    for (const d of dependents) {
      if (!d.object.metadata.deletionTimestamp) api.delete(d.key, d.object.metadata.namespace, d.object.metadata.name!, { propagationPolicy: 'Foreground' });
    }
    if (this.dependentsOf(uid).length === 0) {
      const finalizers = o.metadata.finalizers.filter((f: string) => f !== 'foregroundDeletion');
      const latest = api.store.get(owner.key, o.metadata.namespace, o.metadata.name!);
      if (!latest) return;
      if (finalizers.length) api.store.update(owner.key, { ...latest, metadata: { ...latest.metadata, finalizers } });
      else api.store.delete(owner.key, o.metadata.namespace, o.metadata.name!);
    }
  }

  private syncNamespace(name: string): void {
    const { api } = this.ctx;
    const ns = api.store.get(RESOURCE.namespaces, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const rt of RESOURCE_TYPES) {
      if (!rt.namespaced) continue;
      for (const o of api.store.list(rt.key, name).items) {
        remaining++;
        if (!o.metadata.deletionTimestamp) api.delete(rt.key, name, o.metadata.name!, { propagationPolicy: 'Background' });
      }
    }
    if (remaining === 0) api.store.delete(RESOURCE.namespaces, undefined, name);
    else this.nsQueue.add(name, 1000);
  }
}
