// Versions served by conversion from the stored one, as the API server converts through its
// internal version: autoscaling/v1 HorizontalPodAutoscalers (what `kubectl autoscale` creates)
// are stored as autoscaling/v2.
import { KubeObject } from './store';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Conversion {
  /** Storage key of the version objects are kept in. */
  storage: string;
  toStorage(o: KubeObject): KubeObject;
  fromStorage(o: KubeObject): KubeObject;
}

const DEFAULT_CPU_UTILIZATION = 80;

export const HPA_V1: Conversion = {
  storage: 'autoscaling/horizontalpodautoscalers',
  toStorage(o) {
    const v1 = o as Any;
    const spec = v1.spec ?? {};
    const target = spec.targetCPUUtilizationPercentage ?? DEFAULT_CPU_UTILIZATION;
    const { targetCPUUtilizationPercentage: _cpu, ...rest } = spec;
    void _cpu;
    return {
      ...v1,
      apiVersion: 'autoscaling/v2',
      spec: { ...rest, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] },
    };
  },
  fromStorage(o) {
    const v2 = o as Any;
    const { metrics, behavior: _b, ...spec } = v2.spec ?? {};
    void _b;
    const cpu = (metrics ?? []).find((m: Any) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization');
    const status = v2.status ?? {};
    return {
      ...v2,
      apiVersion: 'autoscaling/v1',
      spec: { ...spec, ...(cpu ? { targetCPUUtilizationPercentage: cpu.resource.target.averageUtilization } : {}) },
      status: {
        currentReplicas: status.currentReplicas ?? 0,
        desiredReplicas: status.desiredReplicas ?? 0,
        ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
        ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      },
    };
  },
};
