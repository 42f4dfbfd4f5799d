// The node lifecycle controller's part the demo needs: a cordoned Node (spec.unschedulable)
// carries the node.kubernetes.io/unschedulable:NoSchedule taint, and loses it on uncordon.
import { StoreEvent, nowTimestamp } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { WorkQueue } from './queue';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export class NodeLifecycleController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.timers, 'node-lifecycle', (k) => this.sync(k), ctx.log);
  }

  resume(): void {
    for (const n of this.ctx.api.store.list(RESOURCE.nodes).items) this.queue.add(n.metadata.name!);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.nodes && e.type !== 'DELETED') this.queue.add(e.object.metadata.name!);
  }

  private sync(name: string): void {
    const node = this.ctx.api.store.get(RESOURCE.nodes, undefined, name) as Any;
    if (!node) return;
    const taints: Any[] = node.spec?.taints ?? [];
    const has = taints.some((t) => t.key === UNSCHEDULABLE_TAINT && t.effect === 'NoSchedule');
    const want = node.spec?.unschedulable === true;
    if (has === want) return;
    const next = want ? [...taints, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: nowTimestamp() }] : taints.filter((t) => t.key !== UNSCHEDULABLE_TAINT);
    const spec = { ...node.spec, taints: next };
    if (!next.length) delete spec.taints;
    this.ctx.api.store.update(RESOURCE.nodes, { ...node, spec });
  }
}
