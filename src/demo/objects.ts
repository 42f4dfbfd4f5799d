// The demo cluster's objects, typed: kubernetes-types (the API's own definitions, types only)
// for each kind, with what the store guarantees of every object it holds (apiVersion, kind and
// metadata are present). The store keeps them as plain JSON (`KubeObject`); code that knows the
// kind reads them through these types.
import type * as apps from 'kubernetes-types/apps/v1';
import type * as batch from 'kubernetes-types/batch/v1';
import type * as core from 'kubernetes-types/core/v1';
import type * as discovery from 'kubernetes-types/discovery/v1';
import type * as meta from 'kubernetes-types/meta/v1';
import type { KubeObject, ObjectMeta } from './store';

/**
 * An object of kind T as the store holds it: T's fields, with apiVersion, kind and metadata set,
 * and the name and uid the store gives every object it keeps.
 */
export type Stored<T extends { metadata?: meta.ObjectMeta }> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & meta.ObjectMeta & { name: string; uid: string };
};
/** A namespaced object: the store files it under its namespace, which is always set. */
export type Namespaced<T extends { metadata?: meta.ObjectMeta }> = Stored<T> & { metadata: { namespace: string } };
/** What validation on create guarantees besides (a workload has its spec; a Pod its containers). */
type WithSpec<T extends { spec?: unknown }> = T & { spec: NonNullable<T['spec']> };

export type Pod = WithSpec<Namespaced<core.Pod>>;
export type Node = Stored<core.Node>;
export type Namespace = Stored<core.Namespace>;
export type Service = Namespaced<core.Service>;
export type Endpoints = Namespaced<core.Endpoints>;
export type EndpointSlice = Namespaced<discovery.EndpointSlice>;
export type ConfigMap = Namespaced<core.ConfigMap>;
export type Secret = Namespaced<core.Secret>;
export type ServiceAccount = Namespaced<core.ServiceAccount>;
/** Fields defaulted on create (src/demo/defaults.ts), so always set on a stored object. */
type Replicas = { spec: { replicas: number } };
export type Deployment = WithSpec<Namespaced<apps.Deployment>> & Replicas;
export type ReplicaSet = WithSpec<Namespaced<apps.ReplicaSet>> & Replicas;
export type StatefulSet = WithSpec<Namespaced<apps.StatefulSet>> & Replicas;
export type DaemonSet = WithSpec<Namespaced<apps.DaemonSet>>;
export type Job = WithSpec<Namespaced<batch.Job>>;
export type CronJob = WithSpec<Namespaced<batch.CronJob>>;

export type { ServicePort, Container, PodSpec, PodTemplateSpec, Taint, Toleration, PodCondition, ContainerStatus, EnvVar, Volume, VolumeMount } from 'kubernetes-types/core/v1';
export type { OwnerReference } from 'kubernetes-types/meta/v1';

/** The store's view of a typed object (every typed object is one). */
export const asKubeObject = (o: Stored<{ metadata?: meta.ObjectMeta }>): KubeObject => o as unknown as KubeObject;
