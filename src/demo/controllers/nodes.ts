// The cluster's Nodes, shaped like a kind cluster's: a control-plane node (tainted when there
// are workers) and workers, each with its pod CIDR and an InternalIP on 172.18.0.0/16.
import { KubeObject } from '../store';
import { RESOURCE } from '../resources';
import { nodePodCidr, ipv6For } from '../ipam';
import { ClusterShape } from './context';

export interface NodeInfo {
  name: string;
  index: number;
  internalIP: string;
  podCidr: string;
  tainted: boolean;
}

export function nodeInfos(shape: ClusterShape): NodeInfo[] {
  const out: NodeInfo[] = [];
  for (let i = 0; i < shape.nodes; i++) {
    const name = i === 0 ? `${shape.clusterName}-control-plane` : `${shape.clusterName}-worker${i === 1 ? '' : i}`;
    out.push({ name, index: i, internalIP: `172.18.0.${i + 2}`, podCidr: nodePodCidr(shape.podCidr, i), tainted: i === 0 && shape.nodes > 1 });
  }
  return out;
}

export const KUBELET_VERSION = 'v1.32.2';

export function nodeObject(n: NodeInfo, shape: ClusterShape, now: string): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
  };
  if (n.index === 0) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const podCidrs = shape.dualStack ? [n.podCidr, `${ipv6For(n.podCidr.split('/')[0], n.index).replace(/::0$/, '::')}/64`] : [n.podCidr];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: n.podCidr,
      podCIDRs: podCidrs,
      providerID: `kind://docker/${shape.clusterName}/${n.name}`,
      ...(n.tainted ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      capacity: { cpu: '8', 'ephemeral-storage': '102625208Ki', 'hugepages-2Mi': '0', memory: '16331100Ki', pods: '110' },
      allocatable: { cpu: '8', 'ephemeral-storage': '102625208Ki', 'hugepages-2Mi': '0', memory: '16331100Ki', pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: n.internalIP },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: n.name.replace(/[^a-z0-9]/g, '').padEnd(32, '0').slice(0, 32),
        systemUUID: `4c4c4544-0000-1000-8000-${String(n.index).padStart(12, '0')}`,
        bootID: `b0d5e1a2-0000-4000-8000-${String(n.index).padStart(12, '0')}`,
        kernelVersion: '6.8.0-pod-ip-lens',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [],
    },
  };
}

export { RESOURCE };
