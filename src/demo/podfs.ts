// What a process inside a simulated container finds: the files the kubelet writes
// (/etc/hosts, /etc/resolv.conf, /etc/hostname), the projected service account volume
// (token, ca.crt, namespace) when the Pod mounts one, and its environment (the container's
// `env`, the kubernetes Service variables).
import { createHmac, randomBytes } from 'node:crypto';
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN } from './controllers/programs';
import { RESOURCE } from './resources';
import type { DemoApi } from './api';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const SIGNING_KEY = randomBytes(32);
const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/**
 * A bound service account token like the kubelet projects (a JWT naming the Pod, its node and
 * service account). Signed with HS256 by a key of this process: the demo API server does not
 * accept it, which the simulation does not need.
 */
export function serviceAccountToken(api: DemoApi, pod: Any, expirationSeconds = 3607): string {
  const ns = pod.metadata.namespace;
  const saName = pod.spec?.serviceAccountName ?? 'default';
  const sa = api.store.get(RESOURCE.serviceaccounts, ns, saName);
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    aud: ['https://kubernetes.default.svc.cluster.local'],
    exp: iat + expirationSeconds,
    iat,
    iss: 'https://kubernetes.default.svc.cluster.local',
    jti: randomBytes(16).toString('hex'),
    'kubernetes.io': {
      namespace: ns,
      node: { name: pod.spec?.nodeName ?? '' },
      pod: { name: pod.metadata.name, uid: pod.metadata.uid },
      serviceaccount: { name: saName, uid: sa?.metadata.uid ?? '' },
      warnafter: iat + 3600,
    },
    nbf: iat,
    sub: `system:serviceaccount:${ns}:${saName}`,
  };
  const head = `${b64url({ alg: 'HS256', kid: 'pod-ip-lens-demo' })}.${b64url(claims)}`;
  return `${head}.${createHmac('sha256', SIGNING_KEY).update(head).digest('base64url')}`;
}

export function podFiles(ctx: { api: DemoApi; caCert: string }, pod: Any): Record<string, string> {
  const ns = pod.metadata.namespace;
  const hostname = pod.spec?.hostname ?? pod.metadata.name;
  const fqdn = pod.spec?.subdomain ? `${hostname}.${pod.spec.subdomain}.${ns}.svc.${CLUSTER_DOMAIN}\t${hostname}` : hostname;
  const files: Record<string, string> = {
    '/etc/hostname': `${hostname}\n`,
    '/etc/resolv.conf': `search ${ns}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver ${CLUSTER_DNS_IP}\noptions ndots:5\n`,
    '/etc/hosts': `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${pod.status?.podIP ?? ''}\t${fqdn}\n`,
  };
  const mounted = (pod.spec?.containers ?? []).some((c: Any) => (c.volumeMounts ?? []).some((m: Any) => m.mountPath === SERVICE_ACCOUNT_MOUNT));
  if (mounted) {
    files[`${SERVICE_ACCOUNT_MOUNT}/token`] = serviceAccountToken(ctx.api, pod);
    files[`${SERVICE_ACCOUNT_MOUNT}/namespace`] = ns;
    files[`${SERVICE_ACCOUNT_MOUNT}/ca.crt`] = ctx.caCert;
  }
  return files;
}

export function podEnv(_ctx: { api: DemoApi }, pod: Any, container: Any): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.spec?.hostname ?? pod.metadata.name,
    HOME: '/root',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  };
  for (const e of container?.env ?? []) if (typeof e?.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
  return env;
}
