// The parts of @kubernetes/client-node this extension runs, in a module of their own so that
// src/kube/config.ts can require it on first use (and the bundle keeps only these parts).
export { KubeConfig } from '@kubernetes/client-node';
