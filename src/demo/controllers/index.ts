// Starts the simulated control plane: bootstrap objects, then the controllers, fed from the store.
import { StoreEvent, nowTimestamp } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';
import { KubeletSimulator } from './kubelet';
import { NodeInfo, nodeInfos, nodeObject } from './nodes';
import { ReplicaSetController } from './replicaset';
import { DeploymentController } from './deployment';
import { EndpointsController } from './endpoints';
import { GarbageCollector } from './gc';
import { DaemonSetController } from './daemonset';
import { StatefulSetController } from './statefulset';
import { ServiceAccountsController } from './serviceaccounts';
import { JobController } from './job';
import { CronJobController } from './cronjob';
import { NodeLifecycleController } from './nodelifecycle';

export { Timers } from './timers';
export type { ControllerContext, ClusterShape } from './context';
export { DELAYS } from './context';

export interface ControlPlaneOptions {
  /** Add CoreDNS and kube-proxy to kube-system, as a fresh cluster has. */
  systemWorkloads: boolean;
}

export class ControlPlane {
  readonly nodes: NodeInfo[];
  private readonly kubelet: KubeletSimulator;
  private readonly replicasets: ReplicaSetController;
  private readonly deployments: DeploymentController;
  private readonly endpoints: EndpointsController;
  private readonly gc: GarbageCollector;
  private readonly daemonsets: DaemonSetController;
  private readonly statefulsets: StatefulSetController;
  private readonly serviceaccounts: ServiceAccountsController;
  private readonly jobs: JobController;
  readonly cronjobs: CronJobController;
  private readonly nodeLifecycle: NodeLifecycleController;
  private unsubscribe?: () => void;

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = nodeInfos(ctx.shape);
    this.kubelet = new KubeletSimulator(ctx, this.nodes);
    this.replicasets = new ReplicaSetController(ctx);
    this.deployments = new DeploymentController(ctx);
    this.endpoints = new EndpointsController(ctx);
    this.gc = new GarbageCollector(ctx);
    this.daemonsets = new DaemonSetController(ctx, this.nodes);
    this.statefulsets = new StatefulSetController(ctx);
    this.serviceaccounts = new ServiceAccountsController(ctx);
    this.jobs = new JobController(ctx);
    this.cronjobs = new CronJobController(ctx);
    this.nodeLifecycle = new NodeLifecycleController(ctx);
  }

  /** Creates what a fresh cluster has (unless the store was restored), then starts reconciling. */
  start(opts: ControlPlaneOptions): void {
    const { store } = this.ctx.api;
    const fresh = store.count(RESOURCE.namespaces) === 0;
    this.ctx.api.reindex();
    this.kubelet.resume();
    this.replicasets.resume();
    this.deployments.resume();
    this.endpoints.resume();
    this.gc.resume();
    this.daemonsets.resume();
    this.statefulsets.resume();
    this.serviceaccounts.resume();
    this.jobs.resume();
    this.cronjobs.resume();
    this.nodeLifecycle.resume();
    this.unsubscribe = store.subscribe((e) => this.dispatch(e));
    if (fresh) this.bootstrap(opts);
    this.renewLeases();
    // Kubelets renew their node Lease every 10 s (real time: this is what `kubectl describe node` shows).
    this.ctx.timers.every(10_000, () => this.renewLeases());
  }

  private renewLeases(): void {
    const { api } = this.ctx;
    const now = new Date().toISOString().replace('Z', '000Z');
    for (const n of this.nodes) {
      const cur = api.store.get(RESOURCE.leases, 'kube-node-lease', n.name);
      const spec = { holderIdentity: n.name, leaseDurationSeconds: 40, renewTime: now };
      if (cur) api.store.update(RESOURCE.leases, { ...cur, spec });
      else {
        const node = api.store.get(RESOURCE.nodes, undefined, n.name);
        api.store.create(RESOURCE.leases, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: n.name,
            namespace: 'kube-node-lease',
            ...(node ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: n.name, uid: node.metadata.uid! }] } : {}),
          },
          spec,
        });
      }
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private dispatch(e: StoreEvent): void {
    if (e.resource === RESOURCE.events) return;
    this.kubelet.handle(e);
    this.replicasets.handle(e);
    this.deployments.handle(e);
    this.endpoints.handle(e);
    this.gc.handle(e);
    this.daemonsets.handle(e);
    this.statefulsets.handle(e);
    this.serviceaccounts.handle(e);
    this.jobs.handle(e);
    this.cronjobs.handle(e);
    this.nodeLifecycle.handle(e);
  }

  private bootstrap(opts: ControlPlaneOptions): void {
    const { api } = this.ctx;
    for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      api.create(RESOURCE.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    const now = nowTimestamp();
    for (const n of this.nodes) api.store.create(RESOURCE.nodes, nodeObject(n, this.ctx.shape, now));
    const cp = this.nodes[0];
    api.create(RESOURCE.services, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    });
    api.create(RESOURCE.endpoints, 'default', {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: cp.internalIP }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    });
    api.create(RESOURCE.endpointslices, 'default', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [cp.internalIP], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
    if (!opts.systemWorkloads) return;
    api.create(RESOURCE.services, 'kube-system', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    });
    api.create(RESOURCE.deployments, 'kube-system', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            priorityClassName: 'system-cluster-critical',
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: 'coredns',
                image: 'registry.k8s.io/coredns/coredns:v1.11.3',
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    });
    // kube-proxy runs on the host network: its Pods carry their node's IP, not one from the pod CIDR.
    api.create(RESOURCE.daemonsets, 'kube-system', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ operator: 'Exists' }],
            containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.2', command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'] }],
          },
        },
      },
    });
  }
}
