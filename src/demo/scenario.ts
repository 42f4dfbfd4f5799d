// A rollout that keeps happening, so a workshop screen always has something to show: Deployment
// and Service `backend` (app=backend), and a new image every few seconds, the way the lesson's
// `kubectl set image` does it (a strategic merge patch of the container list by name).
import type { DemoApi } from './api';

export interface RolloutScenarioOptions {
  namespace?: string;
  name?: string;
  replicas?: number;
  /** Images to cycle through; the lesson's two by default. */
  images?: string[];
  everySeconds: number;
  log?: (line: string) => void;
}

const DEPLOYMENTS = 'apps/deployments';

export function startRolloutScenario(api: DemoApi, o: RolloutScenarioOptions): { stop(): void } {
  if (!(o.everySeconds > 0)) throw new Error(`the rollout interval must be a positive number of seconds, got ${o.everySeconds}`);
  const ns = o.namespace ?? 'default';
  const name = o.name ?? 'backend';
  const images = o.images ?? ['nginx:1.28', 'nginx:1.25'];
  const log = o.log ?? (() => {});
  const labels = { app: name };
  const exists = (key: string) => {
    try {
      api.get(key, ns, name);
      return true;
    } catch {
      return false;
    }
  };
  if (!exists(DEPLOYMENTS)) {
    api.create(DEPLOYMENTS, ns, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: o.replicas ?? 3,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: images[0], ports: [{ containerPort: 80, name: 'http' }] }] } },
      },
    });
    log(`scenario: created Deployment ${ns}/${name}`);
  }
  if (!exists('services')) {
    api.create('services', ns, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    log(`scenario: created Service ${ns}/${name}`);
  }
  let turn = 0;
  const timer = setInterval(() => {
    if (!exists(DEPLOYMENTS)) return; // deleted by the user: nothing to roll until it is back
    const image = images[++turn % images.length];
    try {
      api.patch(DEPLOYMENTS, ns, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image }] } } } });
      log(`scenario: set image ${name} nginx=${image}`);
    } catch (e) {
      log(`scenario: rollout failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, o.everySeconds * 1000);
  return { stop: () => clearInterval(timer) };
}
