// The IP lifecycle model (pure): Pod/Service/EndpointSlice watch events in, LifecycleEvents out.
export { LifecycleModel, ModelInputError } from './model';
export type { IpTenure, LifecycleModelOptions } from './model';
export type { EndpointSliceObject, ObjectMeta, PodCondition, PodObject, ServiceObject, WatchEventType } from './objects';
export { ownerOf, selectorMatches, toIso } from './objects';
export { parseConcatenatedJson, JsonStreamError } from './jsonStream';
export type { JsonValueAt } from './jsonStream';
export { replayKubectlWatch } from './replay';
export type { ReplayResult, ReplayError } from './replay';
