import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { LifecycleEvent } from '../../src/core/events';
import type { PodObject } from '../../src/core/lifecycle';
import { generateDemoTls } from '../../src/demo/tls';
import { ClusterLookup, KubeClient, KubeError, PODS, PodWatchFeed, Reflector, WatchHub, normalizeSelector } from '../../src/kube';
import { until } from '../until';

// A small API server with real HTTPS, a Pod store with a resourceVersion log, and scripted faults.
// It speaks just enough of the watch protocol (list, watch from a resourceVersion, bookmarks,
// ERROR 410, timeoutSeconds) for the list/watch loop to be tested through real sockets.
const TOKEN = 'secret-token-0123456789abcdef';

type Fault = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

class FakeApi {
  server!: https.Server;
  url = '';
  caCert = '';
  rv = 100;
  readonly pods = new Map<string, PodObject>();
  readonly log: { rv: number; type: string; obj: PodObject }[] = [];
  readonly requests: { path: string; query: URLSearchParams; at: number; auth?: string }[] = [];
  readonly faults: Fault[] = [];
  readonly watches = new Set<ServerResponse>();
  readonly sockets = new Set<Socket>();
  /** Watches from a resourceVersion below this get ERROR 410, as after etcd compaction. */
  compactedBelow = 0;
  /** Refuse these resources with 403 (RBAC). */
  forbidden = new Set<string>();

  async start(): Promise<this> {
    const tls = await generateDemoTls();
    this.caCert = tls.caCert;
    this.server = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (req, res) => this.handle(req, res));
    this.server.on('secureConnection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  kubeconfig(opts: { token?: string; ca?: boolean; context?: string } = {}): KubeConfig {
    const kc = new KubeConfig();
    const name = opts.context ?? 'fake';
    kc.loadFromOptions({
      clusters: [{ name, server: this.url, caData: opts.ca === false ? undefined : Buffer.from(this.caCert).toString('base64'), skipTLSVerify: false }],
      users: [{ name, token: opts.token ?? TOKEN }],
      contexts: [{ name, cluster: name, user: name, namespace: 'default' }],
      currentContext: name,
    });
    return kc;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private record(type: string, obj: PodObject): void {
    obj.metadata!.resourceVersion = String(++this.rv);
    const copy = JSON.parse(JSON.stringify(obj)) as PodObject;
    this.log.push({ rv: this.rv, type, obj: copy });
    for (const w of this.watches) {
      const sel = (w as ServerResponse & { selector?: string }).selector;
      if (matches(copy, sel)) w.write(`${JSON.stringify({ type, object: copy })}\n`);
    }
  }

  add(p: PodObject): void {
    this.pods.set(p.metadata!.uid!, p);
    this.record('ADDED', p);
  }

  modify(uid: string, f: (p: PodObject) => void): void {
    const p = this.pods.get(uid)!;
    f(p);
    this.record('MODIFIED', p);
  }

  remove(uid: string): void {
    const p = this.pods.get(uid)!;
    this.pods.delete(uid);
    this.record('DELETED', p);
  }

  /** Changes that happen while nobody is watching, with the log compacted past them (forces 410). */
  silently(f: () => void): void {
    const quiet = [...this.watches];
    for (const w of quiet) this.watches.delete(w);
    f();
    this.compactedBelow = this.rv;
    for (const w of quiet) this.watches.add(w);
  }

  cutWatches(): void {
    for (const w of this.watches) w.socket?.destroy();
    this.watches.clear();
  }

  /**
   * A BOOKMARK at a resourceVersion past every event the watches saw, as a real server sends when
   * objects outside their selector (or of other resources) changed; returns that resourceVersion.
   */
  bookmark(): number {
    const rv = ++this.rv;
    for (const w of this.watches) w.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: String(rv) } } })}\n`);
    return rv;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams, at: Date.now(), auth: req.headers.authorization });
    const fault = this.faults.shift();
    if (fault && fault(req, res, url)) return;
    const status = (code: number, message: string, headers: Record<string, string> = {}): void => {
      res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(401, `Unauthorized (got ${req.headers.authorization})`);
    const m = /^\/(?:api\/v1|apis\/discovery\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/(pods|services|endpointslices|nodes)$/.exec(url.pathname);
    if (!m) return status(404, 'the server could not find the requested resource');
    const [, ns, resource] = m;
    const watch = url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true';
    if (this.forbidden.has(resource)) {
      return status(403, `${resource} is forbidden: User "alice" cannot ${watch ? 'watch' : 'list'} resource "${resource}" in API group "" in the namespace "${ns}"`);
    }
    const selector = url.searchParams.get('labelSelector') ?? undefined;
    if (selector && !/^[\w./-]+=[\w.-]+(,[\w./-]+=[\w.-]+)*$/.test(selector)) return status(400, `unable to parse requirement: invalid label selector "${selector}"`);
    const inScope = (p: PodObject): boolean => (!ns || p.metadata?.namespace === ns) && matches(p, selector);
    if (!watch) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const items = resource === 'pods' ? [...this.pods.values()].filter(inScope) : [];
      return void res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(this.rv) }, items }));
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (resource !== 'pods') {
      // Services and slices: an empty, open watch.
      const t = setTimeout(() => res.end(), 60_000);
      res.on('close', () => clearTimeout(t));
      return;
    }
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    if (from < this.compactedBelow) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 } })}\n`);
      return;
    }
    for (const e of this.log) if (e.rv > from && inScope(e.obj)) res.write(`${JSON.stringify({ type: e.type, object: e.obj })}\n`);
    (res as ServerResponse & { selector?: string }).selector = selector;
    this.watches.add(res);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '60');
    const t = setTimeout(() => {
      this.watches.delete(res);
      res.end();
    }, timeout * 1000);
    res.on('close', () => {
      clearTimeout(t);
      this.watches.delete(res);
    });
  }
}

function matches(p: PodObject, selector?: string): boolean {
  if (!selector) return true;
  return selector.split(',').every((kv) => {
    const [k, v] = kv.split('=');
    return p.metadata?.labels?.[k] === v;
  });
}

let uidN = 0;
function newPod(ip?: string, labels: Record<string, string> = { app: 'web' }): PodObject {
  const uid = `uid-${++uidN}-${Math.random().toString(16).slice(2, 8)}`;
  return {
    kind: 'Pod',
    metadata: { uid, name: `web-${uidN}`, namespace: 'default', labels, creationTimestamp: new Date().toISOString() },
    spec: { nodeName: 'node-1' },
    status: { phase: 'Running', podIP: ip, podIPs: ip ? [{ ip }] : undefined, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] },
  };
}

const FAST = { inactivityMs: 1500, backoffInitialMs: 30, backoffMaxMs: 200, timeoutSeconds: [30, 30] as [number, number] };


function collect(feed: PodWatchFeed): LifecycleEvent[] {
  const all: LifecycleEvent[] = [];
  feed.subscribe((evs) => all.push(...evs));
  return all;
}

/** The model agrees with the server: same live Pods, same IPs. */
function agrees(feed: PodWatchFeed, api: FakeApi): boolean {
  const model = feed.model
    .livePods()
    .map((p) => `${p.uid}=${p.ips.join(',')}`)
    .sort();
  const server = [...api.pods.values()].map((p) => `${p.metadata!.uid}=${p.status?.podIP ?? ''}`).sort();
  return JSON.stringify(model) === JSON.stringify(server);
}

describe('kube: list/watch loop against a real HTTPS server', function () {
  this.timeout(20000);
  let api: FakeApi;
  let feed: PodWatchFeed | undefined;
  beforeEach(async () => {
    api = await new FakeApi().start();
  });
  afterEach(async () => {
    await feed?.dispose();
    feed = undefined;
    await api.stop();
  });

  function startFeed(selector = '', opts = {}): PodWatchFeed {
    feed = new PodWatchFeed(new KubeClient(api.kubeconfig()), { context: 'fake', namespace: 'default', labelSelector: selector }, { reflector: { ...FAST, ...opts } }).start();
    return feed;
  }

  it('lists, then watches from the list resourceVersion with bookmarks and a timeout', async () => {
    const a = newPod('10.0.0.1');
    api.add(a);
    const f = startFeed();
    const events = collect(f);
    await f.whenLive();
    assert.deepEqual(f.model.livePods().map((p) => p.uid), [a.metadata!.uid]);
    const w = api.requests.find((r) => r.query.get('watch'))!;
    assert.equal(w.query.get('resourceVersion'), '101');
    assert.equal(w.query.get('allowWatchBookmarks'), 'true');
    assert.equal(w.query.get('timeoutSeconds'), '30');
    assert.equal(w.auth, `Bearer ${TOKEN}`);
    const b = newPod();
    api.add(b);
    api.modify(b.metadata!.uid!, (p) => (p.status = { ...p.status, podIP: '10.0.0.2', podIPs: [{ ip: '10.0.0.2' }] }));
    api.remove(a.metadata!.uid!);
    await until('the model to follow', () => agrees(f, api) && events.some((e) => e.type === 'deleted'));
    assert.deepEqual(
      events.filter((e) => e.uid === a.metadata!.uid && (e.type === 'ip-released' || e.type === 'deleted')).map((e) => [e.type, e.seenOnRelist ?? false]),
      [
        ['ip-released', false],
        ['deleted', false],
      ],
    );
    assert.ok(!events.some((e) => e.type === 'gap'));
    assert.equal(f.snapshot().connection, 'live');
  });

  it('treats the server ending a watch at the timeout it was given as routine: resume, no gap', async () => {
    const f = (feed = new PodWatchFeed(new KubeClient(api.kubeconfig()), { context: 'fake', namespace: 'default', labelSelector: '' }, { services: false, reflector: { ...FAST, timeoutSeconds: [2, 3] } }).start());
    const events = collect(f);
    await f.whenLive();
    api.add(newPod('10.0.0.1'));
    const watches = (): typeof api.requests => api.requests.filter((r) => r.query.get('watch'));
    await until('two routine re-watches', () => watches().length >= 3, 10_000);
    for (const w of watches()) {
      const t = Number(w.query.get('timeoutSeconds'));
      assert.ok(t >= 2 && t <= 3, `timeoutSeconds ${t} within the configured range`);
    }
    assert.equal(watches()[2].query.get('resourceVersion'), String(api.rv), 'resumed from the last event');
    assert.equal(api.requests.filter((r) => !r.query.get('watch')).length, 1, 'never relisted');
    assert.ok(!events.some((e) => e.type === 'gap'), 'no gap for a planned close');
    assert.ok(agrees(f, api));
  });

  it('resumes from the last resourceVersion after a cut, with a gap and no duplicates', async () => {
    const f = startFeed();
    const events = collect(f);
    await f.whenLive();
    const a = newPod('10.0.0.1');
    api.add(a);
    await until('first Pod', () => agrees(f, api));
    const lastEventRv = api.rv;
    const bookmarkRv = api.bookmark();
    await until('the bookmark to arrive', () => f.stats().Pods.bookmarks >= 1);
    api.cutWatches();
    const b = newPod('10.0.0.2');
    api.add(b); // happens while the watch is down; the resumed watch must deliver it
    await until('resume', () => agrees(f, api) && events.some((e) => e.type === 'gap'));
    const watches = api.requests.filter((r) => r.path.endsWith('/pods') && r.query.get('watch'));
    assert.ok(bookmarkRv > lastEventRv);
    assert.equal(watches.at(-1)!.query.get('resourceVersion'), String(bookmarkRv), 'resumed from the bookmark (not the last event before it), not relisted');
    assert.equal(api.requests.filter((r) => r.path.endsWith('/pods') && !r.query.get('watch')).length, 1, 'no relist');
    const created = events.filter((e) => e.type === 'created').map((e) => e.uid);
    assert.deepEqual(created, [a.metadata!.uid, b.metadata!.uid]);
    const gap = events.find((e) => e.type === 'gap')!;
    assert.ok(Date.parse(gap.to!) >= Date.parse(gap.from!));
    assert.match(gap.reason!, /Pods: /);
  });

  it('relists on 410 and marks what was deleted meanwhile as seen on relist', async () => {
    const a = newPod('10.0.0.1');
    const b = newPod('10.0.0.2');
    api.add(a);
    api.add(b);
    const f = startFeed();
    const events = collect(f);
    await f.whenLive();
    const c = newPod('10.0.0.1');
    api.silently(() => {
      api.remove(a.metadata!.uid!);
      api.add(c);
    });
    api.cutWatches();
    await until('relist', () => agrees(f, api));
    const lists = api.requests.filter((r) => r.path.endsWith('/pods') && !r.query.get('watch'));
    assert.equal(lists.length, 2);
    const gone = events.filter((e) => e.uid === a.metadata!.uid && (e.type === 'ip-released' || e.type === 'deleted'));
    assert.deepEqual(
      gone.map((e) => [e.type, e.seenOnRelist]),
      [
        ['ip-released', true],
        ['deleted', true],
      ],
    );
    const reused = events.find((e) => e.type === 'ip-reused')!;
    assert.equal(reused.uid, c.metadata!.uid);
    assert.equal(reused.previousUid, a.metadata!.uid);
    const gapIdx = events.findIndex((e) => e.type === 'gap');
    assert.ok(gapIdx >= 0 && gapIdx < events.indexOf(gone[0]), 'the gap comes before what the relist found');
    assert.match(events[gapIdx].reason!, /410/);
    assert.ok(f.stats().Pods.expired >= 1);
  });

  it('does not relist in a tight loop when every watch expires at once', async () => {
    api.compactedBelow = Number.MAX_SAFE_INTEGER;
    // The shortest jitter: after the second 410 in a row, waits of at least 15, 30, 60, 100 ms (FAST's backoff, halved).
    const f = (feed = new PodWatchFeed(new KubeClient(api.kubeconfig()), { context: 'fake', namespace: 'default', labelSelector: '' }, { services: false, reflector: { ...FAST, random: () => 0 } }).start());
    const lists = () => api.requests.filter((r) => !r.query.get('watch'));
    await until('six lists', () => lists().length >= 6);
    const at = lists().map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // A slow machine only makes the gaps longer; a tight loop makes them a few milliseconds.
    [0, 15, 30, 60, 100].forEach((least, i) => assert.ok(gaps[i] >= least, `gap ${i + 1} between relists: ${gaps[i]} ms, expected ≥ ${least} ms (all: ${gaps.join(', ')})`));
    assert.ok(f.stats().Pods.expired >= 5);
    const watches = api.requests.filter((r) => r.query.get('watch'));
    assert.ok(watches.length >= 5 && watches.every((w, i) => at[i] < w.at && (at[i + 1] ?? Infinity) > w.at), 'list, watch (410), list, watch (410), …');
  });

  it('backs off on 500 and honours Retry-After on 429', async () => {
    const f = startFeed();
    await f.whenLive();
    let at429 = 0;
    api.faults.push(
      (_q, res) => (res.writeHead(500).end('{"kind":"Status","message":"etcd unavailable","code":500}'), true),
      (_q, res) => {
        at429 = Date.now();
        res.writeHead(429, { 'Retry-After': '1' }).end('{"kind":"Status","message":"too many requests","code":429}');
        return true;
      },
    );
    const before = api.requests.length;
    api.cutWatches();
    await until('recovery', () => api.requests.length >= before + 3 && f.snapshot().connection === 'live');
    const next = api.requests.find((r) => r.at > at429)!;
    assert.ok(next.at - at429 >= 950, `waited ${next.at - at429} ms after Retry-After: 1`);
    assert.equal(f.model.allEvents().filter((e) => e.type === 'gap').length, 1, 'one outage, one gap');
  });

  it('reconnects when the stream goes silent, and when the server never answers', async () => {
    const a = newPod('10.0.0.1');
    api.add(a);
    const f = (feed = new PodWatchFeed(new KubeClient(api.kubeconfig()), { context: 'fake', namespace: 'default', labelSelector: '' }, { services: false, reflector: { ...FAST, inactivityMs: 400 } }).start());
    const events = collect(f);
    await f.whenLive();
    // The server has shown it sends bookmarks; from now on silence means a dead stream.
    api.bookmark();
    let hung = 0;
    // The next request: take it and never answer (no headers).
    api.faults.push(() => ((hung = Date.now()), true));
    await until('the stall detected and the hung request abandoned', () => hung > 0 && api.requests.some((r) => r.at > hung), 6000);
    api.add(newPod('10.0.0.2'));
    await until('recovered', () => agrees(f, api) && events.some((e) => e.type === 'gap'));
    const gap = events.find((e) => e.type === 'gap')!;
    assert.match(gap.reason!, /^Pods: no data on the watch for 0s/);
    assert.equal(events.filter((e) => e.type === 'gap').length, 1, 'one outage (stall, then a hung request), one gap');
  });

  it('retries at once when a list response is cut mid-body', async () => {
    api.add(newPod('10.0.0.1'));
    // The first request (the Pod list) gets half a body, then the connection drops.
    api.faults.push((_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[');
      setTimeout(() => res.socket?.destroy(), 20);
      return true;
    });
    const started = Date.now();
    const f = startFeed();
    await f.whenLive();
    assert.ok(Date.now() - started < 5000, 'not held until the 60 s list timeout');
    assert.equal(f.model.livePods().length, 1);
  });

  it('watches from the first page of a paged list, and lists in one go when a continue token expires', async () => {
    const a = newPod('10.0.0.1');
    const b = newPod('10.0.0.2');
    api.add(a);
    api.add(b);
    const listRv = String(api.rv);
    api.faults.push(
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: listRv, continue: 'page-2' }, items: [a] }));
        return true;
      },
      (_q, res) => {
        res.writeHead(410, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'The provided continue parameter is too old' }));
        return true;
      },
    );
    const f = (feed = new PodWatchFeed(new KubeClient(api.kubeconfig()), { context: 'fake', namespace: 'default', labelSelector: '' }, { services: false, reflector: FAST }).start());
    await f.whenLive();
    const pods = api.requests.filter((r) => r.path.endsWith('/pods'));
    assert.equal(pods[0].query.get('limit'), '500');
    assert.equal(pods[1].query.get('continue'), 'page-2');
    assert.equal(pods[2].query.get('limit'), null, 'the fallback list is not paged');
    assert.equal(pods[3].query.get('watch'), '1');
    assert.equal(pods[3].query.get('resourceVersion'), listRv);
    assert.equal(f.model.livePods().length, 2);
  });

  it('says which RBAC verb and resource are missing on 403, and still watches Pods when only Services are forbidden', async () => {
    api.forbidden.add('pods');
    const f = startFeed();
    await assert.rejects(f.whenLive(), (e: KubeError) => {
      assert.equal(e.kind, 'forbidden');
      assert.match(e.message, /Not allowed to list pods in namespace 'default' \(403 Forbidden\)/);
      assert.match(e.message, /RBAC verb 'list' on resource 'pods' in namespace 'default'/);
      return true;
    });
    assert.equal(f.snapshot().connection, 'error');
    await f.dispose();
    api.forbidden.clear();
    api.forbidden.add('services');
    const g = startFeed();
    await g.whenLive();
    const snap = g.snapshot();
    assert.equal(snap.connection, 'live');
    assert.match(snap.connectionMessage!, /Services not visible: Not allowed to list services/);
  });

  it('never puts a token in an error message', async () => {
    const f = new PodWatchFeed(new KubeClient(api.kubeconfig({ token: 'wrong-token-abcdef0123456789' })), { context: 'fake', labelSelector: '' }, { reflector: FAST }).start();
    feed = f;
    // The server echoes the Authorization header it got in its message; it must not reach us.
    await assert.rejects(f.whenLive(), (e: KubeError) => {
      assert.equal(e.kind, 'unauthorized');
      assert.match(e.message, /rejected the credentials of context 'fake' \(user 'fake'\) \(401 Unauthorized\)/);
      assert.ok(!e.message.includes('wrong-token'), e.message);
      return true;
    });
    assert.ok(!JSON.stringify(f.snapshot()).includes('wrong-token'));
  });

  it('explains an invalid label selector', async () => {
    const f = startFeed('app in (web');
    await assert.rejects(f.whenLive(), /Invalid label selector 'app in \(web'/);
  });

  it('explains TLS failures and unreachable servers', async () => {
    const untrusted = new PodWatchFeed(new KubeClient(api.kubeconfig({ ca: false })), { context: 'fake', labelSelector: '' }, { reflector: FAST }).start();
    try {
      await assert.rejects(untrusted.whenLive(), (e: KubeError) => {
        assert.equal(e.kind, 'tls');
        assert.match(e.message, /TLS failure talking to https:\/\/127\.0\.0\.1:\d+ \(context 'fake'\): the server's certificate is not signed by the certificate-authority/);
        return true;
      });
    } finally {
      await untrusted.dispose();
    }
    const kc = api.kubeconfig();
    await api.stop();
    api = await new FakeApi().start(); // for afterEach; the old port is now closed
    const down = new PodWatchFeed(new KubeClient(kc), { context: 'fake', labelSelector: '' }, { reflector: FAST }).start();
    try {
      await until('unreachable reported', () => down.snapshot().connection === 'connecting' && /Cannot reach the API server/.test(down.snapshot().connectionMessage ?? ''));
      assert.match(down.snapshot().connectionMessage!, /connection refused/);
    } finally {
      await down.dispose();
    }
  });

  it('stops cleanly: no request after dispose', async () => {
    const f = startFeed();
    // A control feed that stays running, with a slower backoff than f's: once it has reconnected
    // after the cut, a feed still running with f's settings would have too.
    const control = new PodWatchFeed(new KubeClient(api.kubeconfig()), { context: 'fake', namespace: 'default', labelSelector: 'app=control' }, { services: false, reflector: { ...FAST, random: () => 1 } }).start();
    try {
      await Promise.all([f.whenLive(), control.whenLive()]);
      await f.dispose();
      const fRequests = () => api.requests.filter((r) => r.query.get('labelSelector') !== 'app=control').length;
      const n = fRequests();
      const controlWatches = () => api.requests.filter((r) => r.query.get('labelSelector') === 'app=control' && r.query.get('watch')).length;
      const before = controlWatches();
      api.cutWatches();
      await until('the control feed to watch again', () => controlWatches() > before);
      assert.equal(fRequests(), n, 'the disposed feed made no request');
      assert.equal(f.snapshot().connection, 'stopped');
    } finally {
      await control.dispose();
    }
    await until('every watch closed on the server', () => api.watches.size === 0);
  });
});

describe('kube: backoff', () => {
  function reflector(random: () => number): Reflector<never> {
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'k', cluster: 'c', user: 'u' }], currentContext: 'k' });
    const noop = (): void => undefined;
    return new Reflector<never>(new KubeClient(kc), PODS, {}, { replace: noop, event: noop, recovered: noop, state: noop }, { backoffInitialMs: 500, backoffMaxMs: 30_000, retryAfterMaxMs: 120_000, random });
  }

  it('grows exponentially to a cap, with jitter between half and all of the step', () => {
    const low = reflector(() => 0);
    const high = reflector(() => 0.999999);
    assert.deepEqual([0, 1, 2, 3, 10].map((a) => low.delay(a)), [250, 500, 1000, 2000, 15_000]);
    assert.deepEqual([0, 1, 2, 3, 10].map((a) => Math.round(high.delay(a))), [500, 1000, 2000, 4000, 30_000]);
    assert.equal(high.delay(1000), high.delay(60), 'no overflow for long outages');
  });

  it('waits at least what Retry-After asks, within a bound', () => {
    const r = reflector(() => 0.5);
    assert.equal(r.delay(0, 7), 7000);
    assert.equal(r.delay(10, 1), r.delay(10), 'a short Retry-After does not shorten the backoff');
    assert.equal(r.delay(0, 3600), 120_000);
  });
});

describe('kube: watch hub', function () {
  this.timeout(20000);
  let api: FakeApi;
  beforeEach(async () => {
    api = await new FakeApi().start();
  });
  afterEach(async () => api.stop());

  it('shares one watch per (context, namespace, selector) and stops it with the last user', async () => {
    const hub = new WatchHub(() => api.kubeconfig(), { reflector: FAST });
    const a = hub.acquire({ context: 'fake', namespace: 'default', labelSelector: 'app=web,tier=fe' });
    const b = hub.acquire({ context: 'fake', namespace: 'default', labelSelector: ' tier=fe , app=web' });
    const c = hub.acquire({ context: 'fake', labelSelector: 'app=web,tier=fe' });
    assert.equal(a.feed, b.feed);
    assert.notEqual(a.feed, c.feed);
    await Promise.all([a.feed.whenLive(), c.feed.whenLive()]);
    assert.equal(api.requests.filter((r) => r.path === '/api/v1/namespaces/default/pods' && r.query.get('watch')).length, 1);
    a.release();
    a.release();
    assert.equal(a.feed.snapshot().connection, 'live', 'still used by b');
    b.release();
    await until('stopped', () => a.feed.snapshot().connection === 'stopped');
    c.release();
    await hub.dispose();
    assert.throws(() => hub.acquire({ context: 'nope', labelSelector: '' }), /Context 'nope' is not in the kubeconfig; known contexts: fake/);
  });

  it('binds a watch to the server: the same context name on another server is another watch', async () => {
    let kc = api.kubeconfig();
    const hub = new WatchHub(() => kc, { reflector: FAST });
    const a = hub.acquire({ context: 'fake', namespace: 'default', labelSelector: 'app=web' });
    assert.equal(a.feed.scope.server, hub.client('fake').server, 'the scope names its server');
    await a.feed.whenLive();
    // Another kubeconfig, whose context of the same name points at another server (the demo
    // cluster started in the editor after one started outside it, both once called the same).
    const other = await new FakeApi().start();
    try {
      kc = other.kubeconfig();
      hub.resetClients();
      const b = hub.acquire({ context: 'fake', namespace: 'default', labelSelector: 'app=web' });
      assert.notEqual(b.feed, a.feed, 'not the old server\'s watch');
      assert.notEqual(b.feed.scope.server, a.feed.scope.server);
      await b.feed.whenLive();
      assert.equal(other.requests.filter((r) => r.path === '/api/v1/namespaces/default/pods').length > 0, true, 'the new watch asks the new server');
      assert.throws(() => hub.acquire({ ...a.feed.scope }), /now points at https:\/\/127\.0\.0\.1:\d+, not at https:\/\/127\.0\.0\.1:\d+ where this timeline was watching/);
      b.release();
    } finally {
      a.release();
      await hub.dispose();
      await other.stop();
    }
  });

  it('normalises selectors', () => {
    assert.equal(normalizeSelector(' b = 2 ,a=1, tier in (x, y) '), 'a=1,b=2,tier in(x,y)');
  });

  it('looks up Pods, nodes and Services for an IP', async () => {
    const p = newPod('10.0.0.7', { app: 'web' });
    api.add(p);
    const hub = new WatchHub(() => api.kubeconfig(), { reflector: FAST });
    const lookup = new ClusterLookup(hub.client(), hub);
    const found = await lookup.findPodByIp('10.0.0.7');
    assert.equal(found?.uid, p.metadata!.uid);
    assert.equal(await lookup.findPodByIp('10.9.9.9'), undefined);
    // With a live watch, the answer comes from the model: no request.
    const lease = hub.acquire({ context: 'fake', namespace: 'default', labelSelector: '' });
    await lease.feed.whenLive();
    const n = api.requests.length;
    assert.equal((await lookup.findPodByIp('10.0.0.7'))?.uid, p.metadata!.uid);
    assert.equal(api.requests.length, n);
    lease.release();
    await hub.dispose();
  });
});
