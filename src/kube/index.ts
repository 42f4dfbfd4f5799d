// Talking to Kubernetes: kubeconfig, the list/watch loop, shared feeds, lookups, errors.
export { loadKubeConfig, listContexts, forContext, kubeconfigFiles } from './config';
export type { ContextInfo, KubeconfigSource } from './config';
export { KubeClient } from './client';
export { KubeError, redact } from './errors';
export type { KubeErrorKind } from './errors';
export { Reflector, PODS, SERVICES, ENDPOINT_SLICES } from './reflector';
export type { ReflectorHandler, ReflectorOptions, ReflectorState, ResourceKind } from './reflector';
export { PodWatchFeed } from './feed';
export type { PodWatchFeedOptions } from './feed';
export { WatchHub, normalizeSelector, scopeKey } from './hub';
export type { FeedLease } from './hub';
export { ClusterLookup } from './lookup';
export type { NodeInfo } from './lookup';
