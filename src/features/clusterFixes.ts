// Cluster-aware quick fixes: IP → the live Pod that holds it → its owner → the Services in its
// namespace that select it. Plugged into the lint code actions as one more source of candidates;
// without a cluster it answers nothing and the offline fixes remain.
import * as vscode from 'vscode';
import type { ContainerPortInfo, ServiceCandidate, ServiceCandidateSource, WorkloadCandidate, WorkloadInfo } from '../core/lint';
import type { PodSummary } from '../core/events';
import type { ClusterSession } from './clusterSession';
import type { ClusterClassifier } from './clusterClassification';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

/** A hover or light bulb must not wait long for a slow or unreachable cluster. */
export const CLUSTER_TIMEOUT_MS = 3000;

export function withTimeout<T>(p: Promise<T>, ms = CLUSTER_TIMEOUT_MS, what = 'the cluster'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
    }),
  ]);
}

interface PodSpecPorts {
  spec?: { containers?: { ports?: { name?: string; containerPort?: number; protocol?: string }[] }[] };
}

interface OwnerObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
}

export class ClusterServiceSource implements ServiceCandidateSource {
  readonly id = 'cluster';

  constructor(
    private readonly session: ClusterSession,
    private readonly log: Log,
    private readonly classifier?: ClusterClassifier,
  ) {}

  async candidatesFor(ip: string, port: number | undefined, namespace: string | undefined): Promise<ServiceCandidate[]> {
    // After a rollout nobody holds the IP, but the IP-history watch knows who did: the Services that
    // select that Pod's labels are still the right target.
    const live = await this.livePod(ip);
    const found = live ?? this.pastPod(ip);
    if (!found) {
      // A Service's ClusterIP: its DNS name is the one right answer (the port is the Service's own).
      const svc = await this.serviceFor(ip);
      if (!svc) return [];
      const portMatches = port !== undefined && svc.ports.some((p) => p.port === port);
      return [{ name: svc.name, namespace: svc.namespace, source: 'cluster', detail: `ClusterIP ${ip} of Service ${svc.namespace}/${svc.name}`, port: port === undefined ? undefined : portMatches ? port : svc.ports[0]?.port, portMatches: port === undefined || portMatches }];
    }
    const { pod, lookup } = found;
    // The literal may sit in a manifest of another namespace; the Service lives with the Pod.
    void namespace;
    const services = await withTimeout(lookup.servicesSelecting(pod));
    // A past holder is gone from the API server: its named ports are unknown, numbers still map.
    const containerPorts = port === undefined ? [] : live ? await this.containerPorts(pod) : await this.containerPorts(pod).catch(() => []);
    const ctx = this.session.defaultContext();
    return services.map((svc) => {
      const base = { name: svc.name, namespace: svc.namespace, source: 'cluster', detail: `Service ${svc.namespace}/${svc.name} in ${ctx}, selects Pod ${pod.name}` };
      if (port === undefined) return { ...base, portMatches: false };
      const match = svc.ports.find((sp) => {
        const target = sp.targetPort ?? sp.port;
        if (typeof target === 'number') return target === port;
        if (/^\d+$/.test(target)) return Number(target) === port;
        return containerPorts.some((cp) => cp.name === target && cp.containerPort === port);
      });
      if (match) return { ...base, port: match.port, portMatches: true };
      return { ...base, port: svc.ports[0]?.port, portMatches: false };
    });
  }

  /**
   * The live owner of the Pod holding `ip`, as a workload the "Create a Service" fix can build from,
   * when no Service selects that Pod yet.
   */
  async workloadFor(ip: string, port: number | undefined, file: string): Promise<WorkloadCandidate | undefined> {
    const found = await this.livePod(ip);
    if (!found) return undefined;
    const { pod, lookup } = found;
    if ((await withTimeout(lookup.servicesSelecting(pod))).length > 0) return undefined;
    const ports = await this.containerPorts(pod);
    let kind = 'Pod';
    let name = pod.name;
    let podLabels = { ...pod.labels };
    delete podLabels['pod-template-hash'];
    if (pod.owner) {
      const owner = await this.ownerObject(pod);
      if (owner) {
        kind = owner.kind ?? pod.owner.kind;
        name = owner.metadata?.name ?? pod.owner.name;
        podLabels = { ...(owner.spec?.template?.metadata?.labels ?? podLabels) };
        delete podLabels['pod-template-hash'];
      }
    }
    if (Object.keys(podLabels).length === 0) return undefined;
    const workload: WorkloadInfo = { kind, name, namespace: pod.namespace, file, podLabels, ports, hostNetwork: pod.hostNetwork, document: -1 };
    return { workload, port: port === undefined ? undefined : ports.find((p) => p.containerPort === port) };
  }

  /** The Service whose ClusterIP `ip` is (for the code actions: then only that Service is offered). */
  async serviceFor(ip: string): Promise<{ namespace: string; name: string; ports: { port: number }[] } | undefined> {
    try {
      return await this.classifier?.serviceAt(ip);
    } catch (e) {
      this.log.debug(`cluster fixes: no Services for ${ip}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The last Pod that held `ip`, from the IP-history watch (only one the user already started). */
  private pastPod(ip: string): { pod: PodSummary; lookup: ReturnType<ClusterSession['lookup']> } | undefined {
    if (!this.session.connected || !this.session.lookupsEnabled()) return undefined;
    const model = this.session.historyFeed()?.model;
    const last = model?.holdersOf(ip).filter((t) => t.to !== undefined && !t.hostNetwork).pop();
    const pod = last && model?.pod(last.uid);
    return pod ? { pod, lookup: this.session.lookup() } : undefined;
  }

  /** The live Pod holding `ip` (for the code actions to keep only fixes that reach it). */
  async podFor(ip: string): Promise<PodSummary | undefined> {
    return (await this.livePod(ip))?.pod;
  }

  /** Quick Fix was invoked: the cluster may be asked (not in Restricted Mode, which says so once). */
  userAsked(): void {
    if (this.session.lookupsWanted()) this.session.request('fixes from the cluster');
  }

  askTitle(): string | undefined {
    if (!this.session.trusted || this.session.connected || !this.session.lookupsEnabled()) return undefined;
    return `Look up fixes in the cluster (context ${this.session.defaultContext()})`;
  }

  private async livePod(ip: string): Promise<{ pod: PodSummary; lookup: ReturnType<ClusterSession['lookup']> } | undefined> {
    // Only a connection the user asked for: a light bulb that shows by itself does not dial a cluster.
    if (!this.session.connected || !this.session.lookupsEnabled()) return undefined;
    const lookup = this.session.lookup();
    try {
      const pod = await withTimeout(lookup.findPodByIp(ip));
      return pod ? { pod, lookup } : undefined;
    } catch (e) {
      this.log.debug(`cluster fixes: no answer for ${ip}: ${(e as Error).message}`);
      return undefined;
    }
  }

  private async containerPorts(pod: PodSummary): Promise<ContainerPortInfo[]> {
    const client = this.session.hub.client(this.session.defaultContext());
    const res = await withTimeout(
      client.getJson<PodSpecPorts>(`/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}`, {}, client.requestContext('get', 'pods', undefined, pod.namespace)),
    );
    const out: ContainerPortInfo[] = [];
    for (const c of res.body.spec?.containers ?? []) {
      for (const p of c.ports ?? []) if (typeof p.containerPort === 'number') out.push({ name: p.name, containerPort: p.containerPort, protocol: p.protocol });
    }
    return out;
  }

  /** The Pod's top owner: a Deployment through its ReplicaSet, or the direct controller. */
  private async ownerObject(pod: PodSummary): Promise<OwnerObject | undefined> {
    if (!pod.owner) return undefined;
    const client = this.session.hub.client(this.session.defaultContext());
    const paths: Record<string, string> = {
      Deployment: 'apis/apps/v1/namespaces/%s/deployments',
      ReplicaSet: 'apis/apps/v1/namespaces/%s/replicasets',
      StatefulSet: 'apis/apps/v1/namespaces/%s/statefulsets',
      DaemonSet: 'apis/apps/v1/namespaces/%s/daemonsets',
      Job: 'apis/batch/v1/namespaces/%s/jobs',
    };
    const base = paths[pod.owner.kind];
    if (!base) return undefined;
    try {
      const res = await withTimeout(
        client.getJson<OwnerObject>(`/${base.replace('%s', encodeURIComponent(pod.namespace))}/${encodeURIComponent(pod.owner.name)}`, {}, client.requestContext('get', pod.owner.kind.toLowerCase() + 's', 'apps', pod.namespace)),
      );
      return { ...res.body, kind: res.body.kind ?? pod.owner.kind };
    } catch (e) {
      this.log.debug(`cluster fixes: cannot read ${pod.owner.kind} ${pod.owner.name}: ${(e as Error).message}`);
      return undefined;
    }
  }
}
