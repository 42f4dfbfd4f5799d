// What every namespace of a real cluster has: the `default` ServiceAccount (the service account
// controller) and the `kube-root-ca.crt` ConfigMap with the cluster CA (the root CA publisher).
// Created in the same tick as the namespace, so a Pod created right after it is admitted; put
// back when deleted, as the controllers do.
import { StoreEvent } from '../store';
import { RESOURCE } from '../resources';
import { ControllerContext } from './context';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

export class ServiceAccountsController {
  constructor(private readonly ctx: ControllerContext) {}

  resume(): void {
    for (const ns of this.ctx.api.store.list(RESOURCE.namespaces).items) this.ensure(ns.metadata.name!);
  }

  handle(e: StoreEvent): void {
    if (e.resource === RESOURCE.namespaces && e.type !== 'DELETED') this.ensure(e.object.metadata.name!);
    else if (e.type === 'DELETED' && ((e.resource === RESOURCE.serviceaccounts && e.object.metadata.name === 'default') || (e.resource === RESOURCE.configmaps && e.object.metadata.name === ROOT_CA_CONFIGMAP))) {
      this.ctx.timers.after(0, () => this.ensure(e.object.metadata.namespace!), true);
    }
  }

  private ensure(ns: string): void {
    const { api } = this.ctx;
    const namespace = api.store.get(RESOURCE.namespaces, undefined, ns) as Any;
    if (!namespace || namespace.metadata.deletionTimestamp) return;
    if (!api.store.get(RESOURCE.serviceaccounts, ns, 'default')) {
      api.create(RESOURCE.serviceaccounts, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
    }
    if (this.ctx.shape.caCert && !api.store.get(RESOURCE.configmaps, ns, ROOT_CA_CONFIGMAP)) {
      api.create(RESOURCE.configmaps, ns, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA_CONFIGMAP, namespace: ns, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': this.ctx.shape.caCert },
      });
    }
  }
}
