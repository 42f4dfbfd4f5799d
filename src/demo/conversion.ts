// Versions served by conversion from the stored one, as the API server converts through its
// internal version: autoscaling/v1 HorizontalPodAutoscalers (what `kubectl autoscale` creates)
// are stored as autoscaling/v2.
import type * as autoscalingV1 from 'kubernetes-types/autoscaling/v1';
import type * as autoscalingV2 from 'kubernetes-types/autoscaling/v2';
import { KubeObject } from './store';

type HpaV1 = KubeObject & Pick<autoscalingV1.HorizontalPodAutoscaler, 'spec' | 'status'>;
type HpaV2 = KubeObject & Pick<autoscalingV2.HorizontalPodAutoscaler, 'spec' | 'status'>;

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
    const v1 = o as HpaV1;
    const spec: Partial<autoscalingV1.HorizontalPodAutoscalerSpec> = v1.spec ?? {};
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
    const v2 = o as HpaV2;
    const { metrics, behavior: _b, ...spec }: Partial<autoscalingV2.HorizontalPodAutoscalerSpec> = v2.spec ?? {};
    void _b;
    const cpu = (metrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization');
    const status: Partial<autoscalingV2.HorizontalPodAutoscalerStatus> = v2.status ?? {};
    return {
      ...v2,
      apiVersion: 'autoscaling/v1',
      spec: { ...spec, ...(cpu ? { targetCPUUtilizationPercentage: cpu.resource?.target.averageUtilization } : {}) },
      status: {
        currentReplicas: status.currentReplicas ?? 0,
        desiredReplicas: status.desiredReplicas ?? 0,
        ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
        ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      },
    };
  },
};
