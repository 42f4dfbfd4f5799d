// @kubernetes/client-node against the demo cluster: typed list/create, Watch (bookmarks, 410
// Expired), and an informer that survives cut watches and expired resourceVersions.
import * as assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig, V1Pod, Watch, makeInformer } from '@kubernetes/client-node';
import { startDemoCluster, DemoCluster, RESOURCE } from '../../src/demo';
import { until } from '../until';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;


describe('demo cluster with @kubernetes/client-node', function () {
  this.timeout(30_000);
  let cluster: DemoCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    cluster = await startDemoCluster({ speed: 10, bookmarkIntervalMs: 100, systemWorkloads: false });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('creates a Deployment and lists its Pods with their IPs', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'api' } },
          template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } },
        },
      },
    });
    assert.equal(created.metadata?.generation, 1);
    const pods = await until('2 Pods with IPs', () => {
      const p = cluster.store.list(RESOURCE.pods, 'default').items.filter((x: Any) => x.metadata.labels?.app === 'api' && x.status?.podIP);
      return p.length === 2 && p;
    });
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=api' });
    assert.equal(list.items.length, 2);
    assert.deepEqual(list.items.map((p) => p.status?.podIP).sort(), pods.map((p: Any) => p.status.podIP).sort());
    assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
  });

  it('surfaces API errors with their status code', async () => {
    await assert.rejects(core.readNamespacedPod({ namespace: 'default', name: 'nope' }), (e: Any) => e.code === 404);
    cluster.faults.failNextRequests(1, 429, 1);
    await assert.rejects(core.listNamespacedPod({ namespace: 'default' }), (e: Any) => e.code === 429);
  });

  it('Watch delivers events from a resourceVersion, and BOOKMARKs when asked', async () => {
    const list = await core.listNamespacedPod({ namespace: 'default' });
    const seen: string[] = [];
    let bookmarkRv = '';
    const watch = new Watch(kc);
    const ctrl = await watch.watch(
      '/api/v1/namespaces/default/pods',
      { allowWatchBookmarks: true, resourceVersion: list.metadata!.resourceVersion },
      (type: string, obj: Any) => {
        if (type === 'BOOKMARK') bookmarkRv = obj.metadata.resourceVersion;
        else seen.push(`${type} ${obj.metadata.name}`);
      },
      () => {},
    );
    try {
      await core.createNamespacedPod({ namespace: 'default', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'watched' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
      await until('ADDED watched', () => seen.includes('ADDED watched'));
      await until('a bookmark after it', () => Number(bookmarkRv) >= Number(list.metadata!.resourceVersion) + 1);
    } finally {
      ctrl.abort();
    }
  });

  it('Watch from an expired resourceVersion gets ERROR 410 and ends', async () => {
    const old = (await core.listNamespacedPod({ namespace: 'default' })).metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({ namespace: 'default', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bump' } } });
    cluster.faults.expireResourceVersions();
    const events: Any[] = [];
    const done = new Promise<unknown>((resolve) => {
      void new Watch(kc).watch('/api/v1/namespaces/default/pods', { resourceVersion: old }, (type: string, obj: Any) => events.push({ type, obj }), resolve);
    });
    await done;
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].obj.code, 410);
  });

  it('an informer keeps its cache right through cut watches, expired versions and a restart', async () => {
    const informer = makeInformer<V1Pod>(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    let connects = 0;
    const deleted: string[] = [];
    informer.on('connect', () => connects++);
    informer.on('delete', (p) => deleted.push(p.metadata!.name!));
    let stopped = false;
    let errors = 0;
    informer.on('error', () => {
      // The informer stops on errors other than 410 (a reset connection); restart it like its users do.
      errors++;
      if (!stopped) setTimeout(() => void (stopped ? undefined : informer.start().catch(() => {})), 100);
    });
    const same = () => {
      const mine = informer.list().map((p) => `${p.metadata!.name}@${p.status?.podIP ?? ''}`).sort().join();
      const truth = cluster.store.list(RESOURCE.pods, 'default').items.map((p: Any) => `${p.metadata.name}@${p.status?.podIP ?? ''}`).sort().join();
      return mine === truth && mine !== '';
    };
    await informer.start();
    try {
      await until('informer synced', same);
      const c0 = connects;
      assert.ok(cluster.faults.cutWatches() >= 1);
      await until('reconnected after a cut', () => connects > c0 && cluster.openWatches() >= 1);
      await apps.replaceNamespacedDeploymentScale({ namespace: 'default', name: 'api', body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'api', namespace: 'default' }, spec: { replicas: 3 } } });
      await until('3 api Pods in the cache', () => informer.list().filter((p) => p.metadata?.labels?.app === 'api' && p.status?.podIP).length === 3 && same());

      const c1 = connects;
      cluster.faults.expireResourceVersions();
      await until('relisted after 410', () => connects > c1 && cluster.openWatches() >= 1);
      await core.deleteNamespacedPod({ namespace: 'default', name: 'watched', gracePeriodSeconds: 0 });
      await until('delete seen', () => deleted.includes('watched'));

      // A clean end of the stream and a 410 are handled inside the informer: no error surfaced.
      assert.equal(errors, 0);
      const c2 = connects;
      await cluster.faults.restart({ downtimeMs: 100 });
      await until('reconnected after restart', () => connects > c2 && cluster.openWatches() >= 1);
      cluster.api.updateScale(RESOURCE.deployments, 'default', 'api', { spec: { replicas: 1 } });
      await until('scale-down seen', () => informer.list().filter((p) => p.metadata?.labels?.app === 'api').length === 1 && same());
    } finally {
      stopped = true;
      await informer.stop();
    }
  });
});
