// What every controller gets: the API, the timers, the cluster's shape, a logger.
import { DemoApi } from '../api';
import { Timers } from './timers';
import { IpAllocation } from '../ipam';

export interface ClusterShape {
  nodes: number;
  podCidr: string;
  ipAllocation: IpAllocation;
  dualStack: boolean;
  clusterName: string;
  /** The cluster CA, published in every namespace as the kube-root-ca.crt ConfigMap. */
  caCert?: string;
}

export interface ControllerContext {
  api: DemoApi;
  timers: Timers;
  shape: ClusterShape;
  log: (message: string) => void;
}

/** Delays of the simulated kubelet and controllers, in milliseconds at speed 1. */
export const DELAYS = {
  schedule: 60,
  kubeletSync: 150,
  sandbox: 400,
  imagePull: 1500,
  containerStart: 500,
  readiness: 400,
  notReadyOnDelete: 100,
  containerStop: 800,
  podRemoval: 150,
};
