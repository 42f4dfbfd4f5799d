// The scheduler and one simulated kubelet per node. A Pod goes through the stages a real one
// does, each a separate status write (so watchers see every step): scheduled to a node → hostIP
// → sandbox with podIP/podIPs → containers running → Ready. On deletion: not Ready, containers
// stopped (terminal phase), then removed; the IP goes back to the node's range only then.
import { KubeObject, StoreEvent, nowTimestamp } from '../store';
import { RESOURCE } from '../resources';
import { NodeIpam, ipv6For } from '../ipam';
import { ControllerContext, DELAYS } from './context';
import { NodeInfo } from './nodes';
import { AndOr, NetworkView, Program, Step, programOf, runPipeline } from './programs';
import { clusterNetwork } from '../network';
import { containerId, normalizeImage } from '../images';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface PodState {
  uid: string;
  stage: 'scheduled' | 'starting' | 'running' | 'terminating';
  cancel?: () => void;
  ips?: string[];
  node?: NodeInfo;
  /** Timers of the programs its containers run (curl loops, sleeps), by container. */
  programs?: Map<string, () => void>;
  /** Containers being restarted because their image was changed in place. */
  restarting?: Set<string>;
}

const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

/** Images the simulation refuses to pull, to show a stuck rollout (tags like `nginx:doesnotexist`). */
export function imageIsPullable(image: string): boolean {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
  return !/(doesnotexist|does-not-exist|notfound|not-found|nonexistent|invalid|broken)/i.test(tag) && !/\s/.test(image);
}

export class KubeletSimulator {
  private readonly pods = new Map<string, PodState>(); // key: ns/name
  private readonly ipams = new Map<string, NodeIpam>();
  private readonly pulled = new Map<string, Set<string>>(); // node → images present
  private rr = 0;
  /** Pods bound to each node and not yet gone: the scheduler's spreading score, kept incrementally. */
  private readonly load = new Map<string, number>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly nodes: NodeInfo[],
  ) {
    for (const n of nodes) {
      this.ipams.set(n.name, new NodeIpam(n.podCidr, ctx.shape.ipAllocation));
      this.pulled.set(n.name, new Set());
    }
  }

  /** Adopts Pods that already exist (a restored snapshot): reserve their IPs, resume their stages. */
  resume(): void {
    this.ctx.api.onContainerExit((uid, container, code) => {
      for (const [key, st] of this.pods) {
        if (st.uid !== uid || st.stage !== 'running' || !st.node) continue;
        this.containerExited(key, st, container, code, { component: 'kubelet', host: st.node.name });
      }
    });
    for (const pod of this.ctx.api.store.list(RESOURCE.pods).items as Any[]) {
      const ipam = this.ipams.get(pod.spec?.nodeName);
      if (ipam && !pod.spec.hostNetwork) for (const p of pod.status?.podIPs ?? []) if (!p.ip.includes(':')) ipam.reserve(p.ip);
      this.onPod(pod);
    }
  }

  handle(e: StoreEvent): void {
    if (e.resource !== RESOURCE.pods) return;
    const pod = e.object as Any;
    if (e.type === 'DELETED') {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const st = this.pods.get(key);
      if (st && st.uid === pod.metadata.uid) {
        st.cancel?.();
        this.stopPrograms(st);
        this.pods.delete(key);
        this.ctx.api.logs.forget(st.uid);
        if (st.node) this.load.set(st.node.name, (this.load.get(st.node.name) ?? 1) - 1);
      }
      this.releaseIps(pod);
      return;
    }
    this.onPod(pod);
  }

  private releaseIps(pod: Any): void {
    if (pod.spec?.hostNetwork) return;
    const ipam = this.ipams.get(pod.spec?.nodeName);
    if (!ipam) return;
    for (const p of pod.status?.podIPs ?? []) if (!String(p.ip).includes(':')) ipam.release(p.ip);
  }

  private onPod(pod: Any): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    let st = this.pods.get(key);
    if (st && st.uid !== pod.metadata.uid) {
      st.cancel?.();
      if (st.node) this.load.set(st.node.name, (this.load.get(st.node.name) ?? 1) - 1);
      st = undefined;
    }
    if (!st) {
      st = { uid: pod.metadata.uid, stage: 'scheduled' };
      this.pods.set(key, st);
      if (!pod.spec?.nodeName) {
        if (!pod.metadata.deletionTimestamp) st.cancel = this.ctx.timers.after(DELAYS.schedule, () => this.schedule(key, st!.uid));
        return;
      }
      st.node = this.nodes.find((n) => n.name === pod.spec.nodeName);
      if (st.node) this.load.set(st.node.name, (this.load.get(st.node.name) ?? 0) + 1);
      if (pod.metadata.deletionTimestamp) return this.startTermination(key, st, pod);
      if (isReady(pod)) {
        st.stage = 'running';
        return;
      }
      return this.startPod(key, st);
    }
    if (pod.metadata.deletionTimestamp && st.stage !== 'terminating') {
      return this.startTermination(key, st, pod);
    }
    if (st.stage === 'running' && !pod.metadata.deletionTimestamp) this.checkImages(key, st, pod);
    if (st.stage === 'scheduled' && pod.spec?.nodeName && !st.node) {
      // Bound by someone else (pods/binding).
      st.node = this.nodes.find((n) => n.name === pod.spec.nodeName);
      if (st.node) this.load.set(st.node.name, (this.load.get(st.node.name) ?? 0) + 1);
      this.startPod(key, st);
    }
  }

  /** Mutates the Pod's latest version if it is still the same Pod life (uid) and not yet terminating. */
  private mutate(key: string, uid: string, fn: (pod: Any) => void, allowTerminating = false): Any | undefined {
    const [ns, name] = key.split('/');
    const cur = this.ctx.api.store.get(RESOURCE.pods, ns, name) as Any;
    if (!cur || cur.metadata.uid !== uid) return undefined;
    if (cur.metadata.deletionTimestamp && !allowTerminating) return undefined;
    const next = structuredClone(cur);
    fn(next);
    return this.ctx.api.store.update(RESOURCE.pods, next);
  }

  private schedule(key: string, uid: string): void {
    const st = this.pods.get(key);
    if (!st || st.uid !== uid) return;
    const [ns, name] = key.split('/');
    const pod = this.ctx.api.store.get(RESOURCE.pods, ns, name) as Any;
    if (!pod || pod.metadata.uid !== uid || pod.spec.nodeName) return;
    const candidates = this.nodes.filter((n) => fits(pod, n, this.ctx.api.store.get(RESOURCE.nodes, undefined, n.name) as Any));
    if (!candidates.length) {
      const msg = `0/${this.nodes.length} nodes are available: ${this.nodes.length} node(s) didn't match Pod's node affinity/selector or had untolerated taints. preemption: 0/${this.nodes.length} nodes are available: ${this.nodes.length} Preemption is not helpful for scheduling.`;
      this.mutate(key, uid, (p) => setCondition(p, 'PodScheduled', 'False', 'Unschedulable', msg));
      this.ctx.api.recordEvent(pod, 'Warning', 'FailedScheduling', msg, { component: 'default-scheduler' });
      st.cancel = this.ctx.timers.after(5000, () => this.schedule(key, uid));
      return;
    }
    // Least-loaded node first, like the default scheduler's balanced scoring; round-robin on ties.
    const loadOf = (n: NodeInfo) => this.load.get(n.name) ?? 0;
    const min = Math.min(...candidates.map(loadOf));
    const tied = candidates.filter((n) => loadOf(n) === min);
    const node = tied[this.rr++ % tied.length];
    st.node = node;
    this.load.set(node.name, loadOf(node) + 1);
    const bound = this.mutate(key, uid, (p) => {
      p.spec.nodeName = node.name;
      setCondition(p, 'PodScheduled', 'True');
    });
    if (!bound) return;
    this.ctx.api.recordEvent(bound, 'Normal', 'Scheduled', `Successfully assigned ${key} to ${node.name}`, { component: 'default-scheduler' });
    this.startPod(key, st);
  }

  private startPod(key: string, st: PodState): void {
    st.stage = 'starting';
    const uid = st.uid;
    const node = st.node;
    if (!node) return;
    const t = this.ctx.timers;
    const src = { component: 'kubelet', host: node.name };
    st.cancel = t.after(DELAYS.kubeletSync, () => {
      const pod = this.mutate(key, uid, (p) => {
        const now = nowTimestamp();
        p.status.hostIP = node.internalIP;
        p.status.hostIPs = [{ ip: node.internalIP }];
        p.status.startTime = now;
        setCondition(p, 'PodReadyToStartContainers', 'False');
        setCondition(p, 'Initialized', 'True');
        setCondition(p, 'Ready', 'False', 'ContainersNotReady', `containers with unready status: [${p.spec.containers.map((c: Any) => c.name).join(' ')}]`);
        setCondition(p, 'ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${p.spec.containers.map((c: Any) => c.name).join(' ')}]`);
        setCondition(p, 'PodScheduled', 'True');
        p.status.containerStatuses = p.spec.containers.map((c: Any) => ({
          name: c.name,
          state: { waiting: { reason: 'ContainerCreating' } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: c.image,
          imageID: '',
          started: false,
        }));
      });
      if (!pod) return;
      st.cancel = t.after(DELAYS.sandbox, () => this.assignIp(key, st, node, src));
    });
  }

  private assignIp(key: string, st: PodState, node: NodeInfo, src: { component: string; host: string }): void {
    const uid = st.uid;
    const [ns, name] = key.split('/');
    const cur = this.ctx.api.store.get(RESOURCE.pods, ns, name) as Any;
    if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp) return;
    let ips: string[];
    if (cur.spec.hostNetwork) ips = [node.internalIP];
    else {
      const ip = this.ipams.get(node.name)!.allocate();
      if (!ip) {
        const msg = `Failed to create pod sandbox: plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${node.podCidr}`;
        this.ctx.api.recordEvent(cur, 'Warning', 'FailedCreatePodSandBox', msg, src);
        st.cancel = this.ctx.timers.after(5000, () => this.assignIp(key, st, node, src));
        return;
      }
      ips = this.ctx.shape.dualStack ? [ip, ipv6For(ip, node.index)] : [ip];
    }
    st.ips = ips;
    const pod = this.mutate(key, uid, (p) => {
      p.status.podIP = ips[0];
      p.status.podIPs = ips.map((ip) => ({ ip }));
      setCondition(p, 'PodReadyToStartContainers', 'True');
    });
    if (!pod) {
      if (!cur.spec.hostNetwork) this.ipams.get(node.name)!.release(ips[0]);
      return;
    }
    this.pullImages(key, st, node, src, pod);
  }

  private pullImages(key: string, st: PodState, node: NodeInfo, src: { component: string; host: string }, pod: Any): void {
    const present = this.pulled.get(node.name)!;
    let wait = 0;
    for (const c of pod.spec.containers) {
      if (!imageIsPullable(c.image)) {
        this.ctx.api.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, src);
        st.cancel = this.ctx.timers.after(DELAYS.imagePull, () => this.failPull(key, st, c.name, c.image, src));
        return;
      }
      if (present.has(c.image) && c.imagePullPolicy !== 'Always') {
        this.ctx.api.recordEvent(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, src);
      } else {
        this.ctx.api.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, src);
        wait = Math.max(wait, DELAYS.imagePull);
      }
    }
    st.cancel = this.ctx.timers.after(wait, () => {
      const p0 = this.ctx.api.store.get(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name) as Any;
      if (!p0 || p0.metadata.uid !== st.uid || p0.metadata.deletionTimestamp) return;
      for (const c of pod.spec.containers) {
        if (!present.has(c.image)) {
          const secs = ((DELAYS.imagePull / 1000) * (0.8 + Math.random() * 0.4)).toFixed(3);
          this.ctx.api.recordEvent(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${secs}s (${secs}s including waiting). Image size: 72188133 bytes.`, src);
          present.add(c.image);
        }
      }
      st.cancel = this.ctx.timers.after(DELAYS.containerStart, () => this.run(key, st, src));
    });
  }

  private failPull(key: string, st: PodState, container: string, image: string, src: { component: string; host: string }): void {
    const msg = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/${image}": failed to resolve reference "docker.io/library/${image}": docker.io/library/${image}: not found`;
    const pod = this.mutate(key, st.uid, (p) => {
      const cs = p.status.containerStatuses?.find((c: Any) => c.name === container);
      if (cs) cs.state = { waiting: { reason: 'ErrImagePull', message: msg } };
    });
    if (!pod) return;
    this.ctx.api.recordEvent(pod, 'Warning', 'Failed', msg, src);
    this.ctx.api.recordEvent(pod, 'Warning', 'Failed', 'Error: ErrImagePull', src);
    st.cancel = this.ctx.timers.after(DELAYS.imagePull, () => {
      const p2 = this.mutate(key, st.uid, (p) => {
        const cs = p.status.containerStatuses?.find((c: Any) => c.name === container);
        if (cs) cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
      });
      if (!p2) return;
      this.ctx.api.recordEvent(p2, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, src);
      this.ctx.api.recordEvent(p2, 'Warning', 'Failed', 'Error: ImagePullBackOff', src);
      st.cancel = this.ctx.timers.after(10_000, () => this.failPull(key, st, container, image, src));
    });
  }

  private run(key: string, st: PodState, src: { component: string; host: string }): void {
    const uid = st.uid;
    const pod = this.mutate(key, uid, (p) => {
      const now = nowTimestamp();
      p.status.phase = 'Running';
      p.status.containerStatuses = p.spec.containers.map((c: Any) => ({
        name: c.name,
        state: { running: { startedAt: now } },
        lastState: {},
        ready: false,
        restartCount: 0,
        ...normalizeImage(c.image),
        containerID: containerId(uid, c.name, 0),
        started: true,
      }));
    });
    if (!pod) return;
    for (const c of pod.spec.containers) {
      this.ctx.api.recordEvent(pod, 'Normal', 'Created', `Created container: ${c.name}`, src);
      this.ctx.api.recordEvent(pod, 'Normal', 'Started', `Started container ${c.name}`, src);
    }
    st.stage = 'running';
    for (const c of pod.spec.containers) {
      const prog = programOf(c);
      if (prog) this.runProgram(key, st, c.name, prog, src);
    }
    this.scheduleReadiness(key, st);
  }

  /** Running containers without a readiness probe are ready; the Pod is Ready once all are. */
  private scheduleReadiness(key: string, st: PodState): void {
    const [ns, name] = key.split('/');
    const pod = this.ctx.api.store.get(RESOURCE.pods, ns, name) as Any;
    if (!pod) return;
    const probeDelay = Math.max(0, ...pod.spec.containers.map((c: Any) => (c.readinessProbe?.initialDelaySeconds ?? 0) * 1000));
    st.cancel = this.ctx.timers.after(DELAYS.readiness + probeDelay, () => {
      this.mutate(key, st.uid, (p) => {
        for (const cs of p.status.containerStatuses ?? []) if (cs.state?.running) cs.ready = true;
        const all = (p.status.containerStatuses ?? []).every((cs: Any) => cs.ready);
        if (all) {
          setCondition(p, 'ContainersReady', 'True');
          setCondition(p, 'Ready', 'True');
        }
      });
    });
  }

  private network(): NetworkView {
    return clusterNetwork(this.ctx.api.store);
  }

  /**
   * Interprets a container's commands over simulated time: output goes to its log, network
   * commands see the cluster as it is at that moment, and the exit code decides what happens
   * next (restartPolicy).
   */
  private runProgram(key: string, st: PodState, container: string, prog: Program, src: { component: string; host: string }): void {
    st.programs ??= new Map();
    const [ns, podName] = key.split('/');
    const statements = [...prog.prelude, ...prog.body];
    const loopStart = prog.prelude.length;
    const hasSleep = prog.body.some((s) => [s.first, ...s.rest.map((r) => r.pipeline)].some((p) => p.some((c) => c[0] === 'sleep')));
    let i = 0;
    let exitCode = 0;
    let elapsedInIteration = 0;
    const alive = () => {
      const p = this.ctx.api.store.get(RESOURCE.pods, ns, podName) as Any;
      return p && p.metadata.uid === st.uid && !p.metadata.deletionTimestamp;
    };
    const later = (ms: number, fn: () => void) => {
      elapsedInIteration += ms;
      st.programs!.set(container, this.ctx.timers.after(ms, fn, true));
    };
    /** Runs the steps of one pipeline, then `done` with its exit code. */
    const runSteps = (steps: Step[], k: number, done: (code: number) => void): void => {
      if (k >= steps.length) return done(exitCode);
      const s = steps[k];
      if (s.kind === 'sleep') {
        exitCode = 0;
        return later(s.ms, () => runSteps(steps, k + 1, done));
      }
      if (s.kind === 'exit') return this.containerExited(key, st, container, s.code, src);
      later(s.delayMs, () => {
        if (!alive()) return;
        if (s.text !== '') this.ctx.api.logs.append(st.uid, container, s.text);
        exitCode = s.exitCode;
        runSteps(steps, k + 1, done);
      });
    };
    const runStatement = (stmt: AndOr, j: number, done: () => void): void => {
      const pipeline = j === 0 ? stmt.first : stmt.rest[j - 1].pipeline;
      runSteps(runPipeline(pipeline, this.network(), ns, podName), 0, (code) => {
        // Skip the pipelines whose operator does not match the exit code (`a || b`, `a && b`).
        let n = j + 1;
        while (n <= stmt.rest.length && (stmt.rest[n - 1].op === '&&') !== (code === 0)) n++;
        if (n <= stmt.rest.length) runStatement(stmt, n, done);
        else done();
      });
    };
    const next = (): void => {
      if (!alive()) return;
      if (i >= statements.length) {
        if (!prog.loop || prog.body.length === 0) return this.containerExited(key, st, container, exitCode, src);
        i = loopStart;
        // A loop without sleep would spin; real shells do, the simulation takes a breath.
        if (!hasSleep && elapsedInIteration < 1000) {
          const wait = 1000 - elapsedInIteration;
          elapsedInIteration = 0;
          return later(wait, next);
        }
        elapsedInIteration = 0;
      }
      runStatement(statements[i++], 0, next);
    };
    next();
  }

  private containerExited(key: string, st: PodState, container: string, exitCode: number, src: { component: string; host: string }): void {
    st.programs?.delete(container);
    const [ns, name] = key.split('/');
    const now = nowTimestamp();
    let restart = false;
    let backoffMs = 0;
    const pod = this.mutate(key, st.uid, (p) => {
      const policy = p.spec.restartPolicy ?? 'Always';
      restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
      const cs = (p.status.containerStatuses ?? []).find((c: Any) => c.name === container);
      if (!cs) return;
      const terminated = {
        exitCode,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt: cs.state?.running?.startedAt ?? now,
        finishedAt: now,
        ...(cs.containerID ? { containerID: cs.containerID } : {}),
      };
      cs.ready = false;
      cs.started = false;
      if (restart) {
        backoffMs = cs.restartCount === 0 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (cs.restartCount - 1));
        cs.lastState = { terminated };
        cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoffMs / 1000)}s restarting failed container=${container} pod=${name}_${ns}(${st.uid})` } };
      } else cs.state = { terminated };
      const reasonNotReady = `containers with unready status: [${(p.status.containerStatuses ?? []).filter((c: Any) => !c.ready).map((c: Any) => c.name).join(' ')}]`;
      const allDone = (p.status.containerStatuses ?? []).every((c: Any) => c.state?.terminated);
      if (allDone) {
        const ok = (p.status.containerStatuses ?? []).every((c: Any) => c.state.terminated.exitCode === 0);
        p.status.phase = ok ? 'Succeeded' : 'Failed';
        setCondition(p, 'Ready', 'False', ok ? 'PodCompleted' : 'PodFailed', ok ? undefined : reasonNotReady);
        setCondition(p, 'ContainersReady', 'False', ok ? 'PodCompleted' : 'PodFailed', ok ? undefined : reasonNotReady);
        setCondition(p, 'PodReadyToStartContainers', 'False');
      } else {
        setCondition(p, 'Ready', 'False', 'ContainersNotReady', reasonNotReady);
        setCondition(p, 'ContainersReady', 'False', 'ContainersNotReady', reasonNotReady);
      }
    });
    if (!pod) return;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') {
      // The sandbox is torn down and the CNI frees the IP, though status.podIP still shows it.
      this.releaseIps(pod);
      return;
    }
    if (!restart) return;
    if (backoffMs > 0) {
      this.ctx.api.recordEvent(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container} in pod ${name}_${ns}(${st.uid})`, src);
    }
    st.programs ??= new Map();
    st.programs.set(
      container,
      this.ctx.timers.after(backoffMs, () => {
        const restarted = this.mutate(key, st.uid, (p) => {
          const cs = (p.status.containerStatuses ?? []).find((c: Any) => c.name === container);
          if (!cs) return;
          cs.restartCount = (cs.restartCount ?? 0) + 1;
          cs.state = { running: { startedAt: nowTimestamp() } };
          cs.started = true;
        });
        if (!restarted) return;
        this.ctx.api.logs.rotate(st.uid, container);
        this.ctx.api.recordEvent(restarted, 'Normal', 'Pulled', `Container image "${restarted.spec.containers.find((c: Any) => c.name === container)?.image}" already present on machine`, src);
        this.ctx.api.recordEvent(restarted, 'Normal', 'Created', `Created container: ${container}`, src);
        this.ctx.api.recordEvent(restarted, 'Normal', 'Started', `Started container ${container}`, src);
        const spec = restarted.spec.containers.find((c: Any) => c.name === container);
        const prog = spec && programOf(spec);
        if (prog) this.runProgram(key, st, container, prog, src);
        this.scheduleReadiness(key, st);
      }, true),
    );
  }

  /**
   * An image changed in place (`kubectl set image pod/x`, a patch): like the kubelet, kill that
   * container and start it again from the new image, counting a restart.
   */
  private checkImages(key: string, st: PodState, pod: Any): void {
    for (const c of pod.spec.containers ?? []) {
      const cs = (pod.status?.containerStatuses ?? []).find((x: Any) => x.name === c.name);
      if (!cs?.state?.running || st.restarting?.has(c.name)) continue;
      if (normalizeImage(c.image).image === normalizeImage(cs.image).image) continue;
      (st.restarting ??= new Set()).add(c.name);
      this.restartForImage(key, st, c.name, String(c.image));
    }
  }

  private restartForImage(key: string, st: PodState, container: string, image: string): void {
    const node = st.node;
    if (!node) return;
    const src = { component: 'kubelet', host: node.name };
    const t = this.ctx.timers;
    st.programs?.get(container)?.();
    st.programs?.delete(container);
    const killed = this.mutate(key, st.uid, (p) => {
      const cs = (p.status.containerStatuses ?? []).find((x: Any) => x.name === container);
      if (!cs) return;
      const now = nowTimestamp();
      cs.lastState = { terminated: { exitCode: 0, reason: 'Completed', startedAt: cs.state?.running?.startedAt ?? now, finishedAt: now, ...(cs.containerID ? { containerID: cs.containerID } : {}) } };
      cs.state = { waiting: { reason: 'ContainerCreating' } };
      cs.ready = false;
      cs.started = false;
      const notReady = `containers with unready status: [${container}]`;
      setCondition(p, 'Ready', 'False', 'ContainersNotReady', notReady);
      setCondition(p, 'ContainersReady', 'False', 'ContainersNotReady', notReady);
    });
    if (!killed) return;
    this.ctx.api.recordEvent(killed, 'Normal', 'Killing', `Container ${container} definition changed, will be restarted`, src);
    if (!imageIsPullable(image)) {
      st.restarting?.delete(container);
      st.cancel = t.after(DELAYS.containerStop, () => this.failPull(key, st, container, image, src));
      return;
    }
    st.cancel = t.after(DELAYS.containerStop, () => {
      const pod = this.ctx.api.store.get(RESOURCE.pods, ...(key.split('/') as [string, string])) as Any;
      if (!pod || pod.metadata.uid !== st.uid) return;
      this.ctx.api.recordEvent(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, src);
      st.cancel = t.after(DELAYS.imagePull, () => {
        const secs = ((DELAYS.imagePull / 1000) * (0.8 + Math.random() * 0.4)).toFixed(3);
        this.pulled.get(node.name)?.add(image);
        const started = this.mutate(key, st.uid, (p) => {
          const cs = (p.status.containerStatuses ?? []).find((x: Any) => x.name === container);
          if (!cs) return;
          cs.restartCount = (cs.restartCount ?? 0) + 1;
          Object.assign(cs, normalizeImage(image));
          cs.containerID = containerId(st.uid, container, cs.restartCount);
          cs.state = { running: { startedAt: nowTimestamp() } };
          cs.started = true;
        });
        st.restarting?.delete(container);
        if (!started) return;
        this.ctx.api.recordEvent(started, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: 72188133 bytes.`, src);
        this.ctx.api.recordEvent(started, 'Normal', 'Created', `Created container: ${container}`, src);
        this.ctx.api.recordEvent(started, 'Normal', 'Started', `Started container ${container}`, src);
        this.ctx.api.logs.rotate(st.uid, container);
        const spec = started.spec.containers.find((c: Any) => c.name === container);
        const prog = spec && programOf(spec);
        if (prog) this.runProgram(key, st, container, prog, src);
        this.scheduleReadiness(key, st);
      });
    });
  }

  private stopPrograms(st: PodState): void {
    for (const cancel of st.programs?.values() ?? []) cancel();
    st.programs?.clear();
  }

  private startTermination(key: string, st: PodState, pod: Any): void {
    st.cancel?.();
    this.stopPrograms(st);
    st.stage = 'terminating';
    const uid = st.uid;
    const node = st.node;
    if (!node) return; // unscheduled Pods are removed by the API directly
    const src = { component: 'kubelet', host: node.name };
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const t = this.ctx.timers;
    const running = (pod.status?.containerStatuses ?? []).filter((c: Any) => c.state?.running);
    for (const c of running) this.ctx.api.recordEvent(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, src);
    st.cancel = t.after(DELAYS.notReadyOnDelete, () => {
      this.mutate(
        key,
        uid,
        (p) => {
          for (const cs of p.status.containerStatuses ?? []) cs.ready = false;
          if (p.status.conditions) {
            setCondition(p, 'ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${p.spec.containers.map((c: Any) => c.name).join(' ')}]`);
            setCondition(p, 'Ready', 'False', 'ContainersNotReady', `containers with unready status: [${p.spec.containers.map((c: Any) => c.name).join(' ')}]`);
          }
        },
        true,
      );
      // nginx exits quickly on SIGTERM; a container that outlives the grace period is killed.
      const killed = DELAYS.containerStop > graceMs;
      st.cancel = t.after(Math.min(DELAYS.containerStop, graceMs), () => {
        this.mutate(
          key,
          uid,
          (p) => {
            const now = nowTimestamp();
            p.status.phase = killed ? 'Failed' : 'Succeeded';
            p.status.containerStatuses = (p.status.containerStatuses ?? []).map((cs: Any) => ({
              ...cs,
              ready: false,
              started: false,
              state: {
                terminated: {
                  exitCode: killed ? 137 : 0,
                  reason: killed ? 'Error' : 'Completed',
                  startedAt: cs.state?.running?.startedAt ?? now,
                  finishedAt: now,
                  ...(cs.containerID ? { containerID: cs.containerID } : {}),
                },
              },
            }));
            setCondition(p, 'PodReadyToStartContainers', 'False');
          },
          true,
        );
        st.cancel = t.after(DELAYS.podRemoval, () => {
          const [ns, name] = key.split('/');
          const cur = this.ctx.api.store.get(RESOURCE.pods, ns, name);
          if (cur && cur.metadata.uid === uid) this.ctx.api.delete(RESOURCE.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid } });
        });
      });
    });
  }
}

export function fits(pod: Any, n: NodeInfo | undefined, node: Any): boolean {
  if (!node || node.spec?.unschedulable) return false;
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (node.metadata.labels?.[k] !== v) return false;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    const tolerated = (pod.spec?.tolerations ?? []).some(
      (t: Any) => (t.operator === 'Exists' && (!t.key || t.key === taint.key)) || (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
    );
    if (!tolerated) return false;
  }
  return n !== undefined;
}

export function isReady(pod: Any): boolean {
  return (pod.status?.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
}

export function setCondition(p: Any, type: string, status: string, reason?: string, message?: string): void {
  p.status.conditions ??= [];
  const now = nowTimestamp();
  const existing = p.status.conditions.find((c: Any) => c.type === type);
  const next: Any = { type, status, lastProbeTime: null, lastTransitionTime: existing && existing.status === status ? existing.lastTransitionTime : now };
  if (reason) next.reason = reason;
  if (message) next.message = message;
  if (existing) Object.keys(existing).forEach((k) => delete existing[k]), Object.assign(existing, next);
  else p.status.conditions.push(next);
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  p.status.conditions.sort((a: Any, b: Any) => order.indexOf(a.type) - order.indexOf(b.type));
}

export type { KubeObject };
