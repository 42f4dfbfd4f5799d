// The kubeconfig a user (or kubectl, or client-node) needs to reach the demo cluster.
import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  caCert: string;
  token: string;
  contextName: string;
  namespace?: string;
}

export function renderKubeconfig(k: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: k.contextName,
        cluster: { server: k.server, 'certificate-authority-data': Buffer.from(k.caCert).toString('base64') },
      },
    ],
    users: [{ name: k.contextName, user: { token: k.token } }],
    contexts: [
      {
        name: k.contextName,
        context: { cluster: k.contextName, user: k.contextName, namespace: k.namespace ?? 'default' },
      },
    ],
    'current-context': k.contextName,
  });
}
