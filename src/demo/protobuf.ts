// Decoder for the Kubernetes protobuf wire format, as sent by kubectl's typed commands
// (`kubectl create deployment|service|namespace`, `kubectl run`, `kubectl expose`).
//
// kubectl 1.32 POSTs those objects with `Content-Type: application/vnd.kubernetes.protobuf`
// and does not retry in JSON when the server answers 415, so the demo cluster has to read
// them. The body is the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message:
//   Unknown { 1: typeMeta TypeMeta{1: apiVersion, 2: kind}, 2: raw bytes,
//             3: contentEncoding string, 4: contentType string }
// `raw` holds the object itself (e.g. apps/v1 Deployment) without its TypeMeta.
//
// The result is the object's JSON form, i.e. what the API server would have received had
// kubectl sent JSON: camelCase names, IntOrString as number or string, Quantity and Time as
// strings, maps as objects, unset fields omitted. Field numbers come from the go-to-protobuf
// generated.proto files of k8s.io/api (apps/v1, core/v1) and k8s.io/apimachinery
// (runtime, apis/meta/v1, util/intstr, api/resource); they are stable across releases.
// Fields that are not in the table below are skipped, never fatal.

import * as protobuf from 'protobufjs/minimal';

export const KUBERNETES_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

// ---------------------------------------------------------------------------------------------
// Message table. Each entry is `fieldNumber: '<jsonName> <type> [flags]'`.
//   types: string int32 int64 bool bytes Time MicroTime Quantity IntOrString
//          map[string]string map[string]Quantity map[string]bytes, a message name,
//          and `[]T` for repeated fields.
//   flags: ptr    - a Go pointer field: sent only when set, so an explicit zero is kept.
//          always - a Go field without `omitempty`: kept even when zero.
//          inline - a Go embedded struct (`json:",inline"`): its fields merge into the parent.
// Without a flag a zero scalar is dropped: gogo-protobuf always writes non-pointer scalars,
// while Go's JSON encoder drops them through `omitempty`.
// ---------------------------------------------------------------------------------------------

const MESSAGE_TABLE: Record<string, Record<number, string>> = {
  // k8s.io/apimachinery/pkg/apis/meta/v1
  ObjectMeta: {
    1: 'name string',
    2: 'generateName string',
    3: 'namespace string',
    4: 'selfLink string',
    5: 'uid string',
    6: 'resourceVersion string',
    7: 'generation int64',
    8: 'creationTimestamp Time',
    9: 'deletionTimestamp Time',
    10: 'deletionGracePeriodSeconds int64 ptr',
    11: 'labels map[string]string',
    12: 'annotations map[string]string',
    13: 'ownerReferences []OwnerReference',
    14: 'finalizers []string',
  },
  LabelSelector: {
    1: 'matchLabels map[string]string',
    2: 'matchExpressions []LabelSelectorRequirement',
  },
  LabelSelectorRequirement: {
    1: 'key string always',
    2: 'operator string always',
    3: 'values []string',
  },
  OwnerReference: {
    5: 'apiVersion string always',
    1: 'kind string always',
    3: 'name string always',
    4: 'uid string always',
    6: 'controller bool ptr',
    7: 'blockOwnerDeletion bool ptr',
  },
  DeleteOptions: {
    1: 'gracePeriodSeconds int64 ptr',
    2: 'preconditions Preconditions',
    3: 'orphanDependents bool ptr',
    4: 'propagationPolicy string ptr',
    5: 'dryRun []string',
  },
  Preconditions: {
    1: 'uid string ptr',
    2: 'resourceVersion string ptr',
  },

  // k8s.io/api/apps/v1
  Deployment: {
    1: 'metadata ObjectMeta',
    2: 'spec DeploymentSpec',
    3: 'status DeploymentStatus',
  },
  DeploymentSpec: {
    1: 'replicas int32 ptr',
    2: 'selector LabelSelector',
    3: 'template PodTemplateSpec',
    4: 'strategy DeploymentStrategy',
    5: 'minReadySeconds int32',
    6: 'revisionHistoryLimit int32 ptr',
    7: 'paused bool',
    9: 'progressDeadlineSeconds int32 ptr',
    10: 'podReplacementPolicy string ptr',
  },
  DeploymentStrategy: {
    1: 'type string',
    2: 'rollingUpdate RollingUpdateDeployment',
  },
  RollingUpdateDeployment: {
    1: 'maxUnavailable IntOrString',
    2: 'maxSurge IntOrString',
  },
  DeploymentStatus: {
    1: 'observedGeneration int64',
    2: 'replicas int32',
    3: 'updatedReplicas int32',
    7: 'readyReplicas int32',
    4: 'availableReplicas int32',
    5: 'unavailableReplicas int32',
    9: 'terminatingReplicas int32 ptr',
    6: 'conditions []DeploymentCondition',
    8: 'collisionCount int32 ptr',
  },
  DeploymentCondition: {
    1: 'type string always',
    2: 'status string always',
    6: 'lastUpdateTime Time',
    7: 'lastTransitionTime Time',
    4: 'reason string',
    5: 'message string',
  },
  ReplicaSet: {
    1: 'metadata ObjectMeta',
    2: 'spec ReplicaSetSpec',
    3: 'status ReplicaSetStatus',
  },
  ReplicaSetSpec: {
    1: 'replicas int32 ptr',
    4: 'minReadySeconds int32',
    2: 'selector LabelSelector',
    3: 'template PodTemplateSpec',
  },
  ReplicaSetStatus: {
    1: 'replicas int32 always',
    2: 'fullyLabeledReplicas int32',
    4: 'readyReplicas int32',
    5: 'availableReplicas int32',
    7: 'terminatingReplicas int32 ptr',
    3: 'observedGeneration int64',
    6: 'conditions []ReplicaSetCondition',
  },
  ReplicaSetCondition: {
    1: 'type string always',
    2: 'status string always',
    3: 'lastTransitionTime Time',
    4: 'reason string',
    5: 'message string',
  },

  // k8s.io/api/core/v1: workloads
  PodTemplateSpec: {
    1: 'metadata ObjectMeta',
    2: 'spec PodSpec',
  },
  Pod: {
    1: 'metadata ObjectMeta',
    2: 'spec PodSpec',
    3: 'status PodStatus',
  },
  PodSpec: {
    1: 'volumes []Volume',
    20: 'initContainers []Container',
    2: 'containers []Container',
    34: 'ephemeralContainers []EphemeralContainer',
    3: 'restartPolicy string',
    4: 'terminationGracePeriodSeconds int64 ptr',
    5: 'activeDeadlineSeconds int64 ptr',
    6: 'dnsPolicy string',
    7: 'nodeSelector map[string]string',
    8: 'serviceAccountName string',
    9: 'serviceAccount string',
    21: 'automountServiceAccountToken bool ptr',
    10: 'nodeName string',
    11: 'hostNetwork bool',
    12: 'hostPID bool',
    13: 'hostIPC bool',
    27: 'shareProcessNamespace bool ptr',
    14: 'securityContext PodSecurityContext',
    15: 'imagePullSecrets []LocalObjectReference',
    16: 'hostname string',
    17: 'subdomain string',
    18: 'affinity Affinity',
    19: 'schedulerName string',
    22: 'tolerations []Toleration',
    23: 'hostAliases []HostAlias',
    24: 'priorityClassName string',
    25: 'priority int32 ptr',
    26: 'dnsConfig PodDNSConfig',
    28: 'readinessGates []PodReadinessGate',
    29: 'runtimeClassName string ptr',
    30: 'enableServiceLinks bool ptr',
    31: 'preemptionPolicy string ptr',
    32: 'overhead map[string]Quantity',
    33: 'topologySpreadConstraints []TopologySpreadConstraint',
    35: 'setHostnameAsFQDN bool ptr',
    36: 'os PodOS',
    37: 'hostUsers bool ptr',
    38: 'schedulingGates []PodSchedulingGate',
  },
  Container: {
    1: 'name string always',
    2: 'image string',
    3: 'command []string',
    4: 'args []string',
    5: 'workingDir string',
    6: 'ports []ContainerPort',
    19: 'envFrom []EnvFromSource',
    7: 'env []EnvVar',
    8: 'resources ResourceRequirements',
    9: 'volumeMounts []VolumeMount',
    21: 'volumeDevices []VolumeDevice',
    10: 'livenessProbe Probe',
    11: 'readinessProbe Probe',
    22: 'startupProbe Probe',
    12: 'lifecycle Lifecycle',
    13: 'terminationMessagePath string',
    20: 'terminationMessagePolicy string',
    14: 'imagePullPolicy string',
    15: 'securityContext SecurityContext',
    16: 'stdin bool',
    17: 'stdinOnce bool',
    18: 'tty bool',
  },
  EphemeralContainer: {
    1: '- EphemeralContainerCommon inline',
    2: 'targetContainerName string',
  },
  ContainerPort: {
    1: 'name string',
    2: 'hostPort int32',
    3: 'containerPort int32 always',
    4: 'protocol string',
    5: 'hostIP string',
  },
  EnvFromSource: {
    1: 'prefix string',
    2: 'configMapRef ConfigMapEnvSource',
    3: 'secretRef SecretEnvSource',
  },
  ConfigMapEnvSource: {
    1: '- LocalObjectReference inline',
    2: 'optional bool ptr',
  },
  SecretEnvSource: {
    1: '- LocalObjectReference inline',
    2: 'optional bool ptr',
  },
  EnvVar: {
    1: 'name string always',
    2: 'value string',
    3: 'valueFrom EnvVarSource',
  },
  EnvVarSource: {
    1: 'fieldRef ObjectFieldSelector',
    2: 'resourceFieldRef ResourceFieldSelector',
    3: 'configMapKeyRef ConfigMapKeySelector',
    4: 'secretKeyRef SecretKeySelector',
  },
  ObjectFieldSelector: {
    1: 'apiVersion string',
    2: 'fieldPath string always',
  },
  ResourceFieldSelector: {
    1: 'containerName string',
    2: 'resource string always',
    3: 'divisor Quantity',
  },
  ConfigMapKeySelector: {
    1: '- LocalObjectReference inline',
    2: 'key string always',
    3: 'optional bool ptr',
  },
  SecretKeySelector: {
    1: '- LocalObjectReference inline',
    2: 'key string always',
    3: 'optional bool ptr',
  },
  LocalObjectReference: {
    1: 'name string',
  },
  ResourceRequirements: {
    1: 'limits map[string]Quantity',
    2: 'requests map[string]Quantity',
    3: 'claims []ResourceClaim',
  },
  ResourceClaim: {
    1: 'name string always',
  },
  VolumeMount: {
    1: 'name string always',
    2: 'readOnly bool',
    3: 'mountPath string always',
    4: 'subPath string',
    5: 'mountPropagation string ptr',
    6: 'subPathExpr string',
  },
  VolumeDevice: {
    1: 'name string always',
    2: 'devicePath string always',
  },
  Probe: {
    1: '- ProbeHandler inline',
    2: 'initialDelaySeconds int32',
    3: 'timeoutSeconds int32',
    4: 'periodSeconds int32',
    5: 'successThreshold int32',
    6: 'failureThreshold int32',
    7: 'terminationGracePeriodSeconds int64 ptr',
  },
  ProbeHandler: {
    1: 'exec ExecAction',
    2: 'httpGet HTTPGetAction',
    3: 'tcpSocket TCPSocketAction',
    4: 'grpc GRPCAction',
  },
  ExecAction: {
    1: 'command []string',
  },
  HTTPGetAction: {
    1: 'path string',
    2: 'port IntOrString',
    3: 'host string',
    4: 'scheme string',
    5: 'httpHeaders []HTTPHeader',
  },
  HTTPHeader: {
    1: 'name string always',
    2: 'value string always',
  },
  TCPSocketAction: {
    1: 'port IntOrString',
    2: 'host string',
  },
  GRPCAction: {
    1: 'port int32 always',
    2: 'service string ptr',
  },
  Lifecycle: {
    1: 'postStart LifecycleHandler',
    2: 'preStop LifecycleHandler',
  },
  LifecycleHandler: {
    1: 'exec ExecAction',
    2: 'httpGet HTTPGetAction',
    3: 'tcpSocket TCPSocketAction',
  },
  SecurityContext: {
    1: 'capabilities Capabilities',
    2: 'privileged bool ptr',
    3: 'seLinuxOptions SELinuxOptions',
    10: 'windowsOptions WindowsSecurityContextOptions',
    4: 'runAsUser int64 ptr',
    8: 'runAsGroup int64 ptr',
    5: 'runAsNonRoot bool ptr',
    6: 'readOnlyRootFilesystem bool ptr',
    7: 'allowPrivilegeEscalation bool ptr',
    9: 'procMount string ptr',
    11: 'seccompProfile SeccompProfile',
  },
  Capabilities: {
    1: 'add []string',
    2: 'drop []string',
  },
  SELinuxOptions: {
    1: 'user string',
    2: 'role string',
    3: 'type string',
    4: 'level string',
  },
  WindowsSecurityContextOptions: {
    1: 'gmsaCredentialSpecName string ptr',
    2: 'gmsaCredentialSpec string ptr',
    3: 'runAsUserName string ptr',
    4: 'hostProcess bool ptr',
  },
  SeccompProfile: {
    1: 'type string always',
    2: 'localhostProfile string ptr',
  },
  PodSecurityContext: {
    1: 'seLinuxOptions SELinuxOptions',
    8: 'windowsOptions WindowsSecurityContextOptions',
    2: 'runAsUser int64 ptr',
    6: 'runAsGroup int64 ptr',
    3: 'runAsNonRoot bool ptr',
    4: 'supplementalGroups []int64',
    5: 'fsGroup int64 ptr',
    7: 'sysctls []Sysctl',
    9: 'fsGroupChangePolicy string ptr',
    10: 'seccompProfile SeccompProfile',
  },
  Sysctl: {
    1: 'name string always',
    2: 'value string always',
  },
  Volume: {
    1: 'name string always',
    2: '- VolumeSource inline',
  },
  VolumeSource: {
    1: 'hostPath HostPathVolumeSource',
    2: 'emptyDir EmptyDirVolumeSource',
    6: 'secret SecretVolumeSource',
    7: 'nfs NFSVolumeSource',
    10: 'persistentVolumeClaim PersistentVolumeClaimVolumeSource',
    16: 'downwardAPI DownwardAPIVolumeSource',
    19: 'configMap ConfigMapVolumeSource',
    26: 'projected ProjectedVolumeSource',
  },
  HostPathVolumeSource: {
    1: 'path string always',
    2: 'type string ptr',
  },
  EmptyDirVolumeSource: {
    1: 'medium string',
    2: 'sizeLimit Quantity',
  },
  SecretVolumeSource: {
    1: 'secretName string',
    2: 'items []KeyToPath',
    3: 'defaultMode int32 ptr',
    4: 'optional bool ptr',
  },
  ConfigMapVolumeSource: {
    1: '- LocalObjectReference inline',
    2: 'items []KeyToPath',
    3: 'defaultMode int32 ptr',
    4: 'optional bool ptr',
  },
  KeyToPath: {
    1: 'key string always',
    2: 'path string always',
    3: 'mode int32 ptr',
  },
  NFSVolumeSource: {
    1: 'server string always',
    2: 'path string always',
    3: 'readOnly bool',
  },
  PersistentVolumeClaimVolumeSource: {
    1: 'claimName string always',
    2: 'readOnly bool',
  },
  DownwardAPIVolumeSource: {
    1: 'items []DownwardAPIVolumeFile',
    2: 'defaultMode int32 ptr',
  },
  DownwardAPIVolumeFile: {
    1: 'path string always',
    2: 'fieldRef ObjectFieldSelector',
    3: 'resourceFieldRef ResourceFieldSelector',
    4: 'mode int32 ptr',
  },
  ProjectedVolumeSource: {
    1: 'sources []VolumeProjection',
    2: 'defaultMode int32 ptr',
  },
  VolumeProjection: {
    1: 'secret SecretProjection',
    2: 'downwardAPI DownwardAPIProjection',
    3: 'configMap ConfigMapProjection',
    4: 'serviceAccountToken ServiceAccountTokenProjection',
  },
  SecretProjection: {
    1: '- LocalObjectReference inline',
    2: 'items []KeyToPath',
    4: 'optional bool ptr',
  },
  ConfigMapProjection: {
    1: '- LocalObjectReference inline',
    2: 'items []KeyToPath',
    4: 'optional bool ptr',
  },
  DownwardAPIProjection: {
    1: 'items []DownwardAPIVolumeFile',
  },
  ServiceAccountTokenProjection: {
    1: 'audience string',
    2: 'expirationSeconds int64 ptr',
    3: 'path string always',
  },
  Toleration: {
    1: 'key string',
    2: 'operator string',
    3: 'value string',
    4: 'effect string',
    5: 'tolerationSeconds int64 ptr',
  },
  HostAlias: {
    1: 'ip string',
    2: 'hostnames []string',
  },
  PodDNSConfig: {
    1: 'nameservers []string',
    2: 'searches []string',
    3: 'options []PodDNSConfigOption',
  },
  PodDNSConfigOption: {
    1: 'name string',
    2: 'value string ptr',
  },
  PodReadinessGate: {
    1: 'conditionType string always',
  },
  PodOS: {
    1: 'name string always',
  },
  PodSchedulingGate: {
    1: 'name string always',
  },
  TopologySpreadConstraint: {
    1: 'maxSkew int32 always',
    2: 'topologyKey string always',
    3: 'whenUnsatisfiable string always',
    4: 'labelSelector LabelSelector',
    5: 'minDomains int32 ptr',
    6: 'nodeAffinityPolicy string ptr',
    7: 'nodeTaintsPolicy string ptr',
    8: 'matchLabelKeys []string',
  },
  Affinity: {
    1: 'nodeAffinity NodeAffinity',
    2: 'podAffinity PodAffinity',
    3: 'podAntiAffinity PodAntiAffinity',
  },
  NodeAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution NodeSelector',
    2: 'preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  },
  NodeSelector: {
    1: 'nodeSelectorTerms []NodeSelectorTerm',
  },
  NodeSelectorTerm: {
    1: 'matchExpressions []NodeSelectorRequirement',
    2: 'matchFields []NodeSelectorRequirement',
  },
  NodeSelectorRequirement: {
    1: 'key string always',
    2: 'operator string always',
    3: 'values []string',
  },
  PreferredSchedulingTerm: {
    1: 'weight int32 always',
    2: 'preference NodeSelectorTerm',
  },
  PodAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
    2: 'preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  },
  PodAntiAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
    2: 'preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  },
  PodAffinityTerm: {
    1: 'labelSelector LabelSelector',
    2: 'namespaces []string',
    3: 'topologyKey string always',
    4: 'namespaceSelector LabelSelector',
  },
  WeightedPodAffinityTerm: {
    1: 'weight int32 always',
    2: 'podAffinityTerm PodAffinityTerm',
  },
  PodStatus: {
    1: 'phase string',
    2: 'conditions []PodCondition',
    3: 'message string',
    4: 'reason string',
    11: 'nominatedNodeName string',
    5: 'hostIP string',
    6: 'podIP string',
    12: 'podIPs []PodIP',
    7: 'startTime Time',
    10: 'initContainerStatuses []ContainerStatus',
    8: 'containerStatuses []ContainerStatus',
    9: 'qosClass string',
    13: 'ephemeralContainerStatuses []ContainerStatus',
  },
  PodCondition: {
    1: 'type string always',
    2: 'status string always',
    3: 'lastProbeTime Time',
    4: 'lastTransitionTime Time',
    5: 'reason string',
    6: 'message string',
  },
  PodIP: {
    1: 'ip string always',
  },
  ContainerStatus: {
    1: 'name string always',
    2: 'state ContainerState',
    3: 'lastState ContainerState',
    4: 'ready bool always',
    5: 'restartCount int32 always',
    6: 'image string always',
    7: 'imageID string always',
    8: 'containerID string',
    9: 'started bool ptr',
  },
  ContainerState: {
    1: 'waiting ContainerStateWaiting',
    2: 'running ContainerStateRunning',
    3: 'terminated ContainerStateTerminated',
  },
  ContainerStateWaiting: {
    1: 'reason string',
    2: 'message string',
  },
  ContainerStateRunning: {
    1: 'startedAt Time',
  },
  ContainerStateTerminated: {
    1: 'exitCode int32 always',
    2: 'signal int32',
    3: 'reason string',
    4: 'message string',
    5: 'startedAt Time',
    6: 'finishedAt Time',
    7: 'containerID string',
  },

  // k8s.io/api/core/v1: networking and configuration
  Service: {
    1: 'metadata ObjectMeta',
    2: 'spec ServiceSpec',
    3: 'status ServiceStatus',
  },
  ServiceSpec: {
    1: 'ports []ServicePort',
    2: 'selector map[string]string',
    3: 'clusterIP string',
    18: 'clusterIPs []string',
    4: 'type string',
    5: 'externalIPs []string',
    7: 'sessionAffinity string',
    8: 'loadBalancerIP string',
    9: 'loadBalancerSourceRanges []string',
    10: 'externalName string',
    11: 'externalTrafficPolicy string',
    12: 'healthCheckNodePort int32',
    13: 'publishNotReadyAddresses bool',
    14: 'sessionAffinityConfig SessionAffinityConfig',
    19: 'ipFamilies []string',
    17: 'ipFamilyPolicy string ptr',
    20: 'allocateLoadBalancerNodePorts bool ptr',
    21: 'loadBalancerClass string ptr',
    22: 'internalTrafficPolicy string ptr',
  },
  ServicePort: {
    1: 'name string',
    2: 'protocol string',
    6: 'appProtocol string ptr',
    3: 'port int32 always',
    4: 'targetPort IntOrString',
    5: 'nodePort int32',
  },
  SessionAffinityConfig: {
    1: 'clientIP ClientIPConfig',
  },
  ClientIPConfig: {
    1: 'timeoutSeconds int32 ptr',
  },
  ServiceStatus: {
    1: 'loadBalancer LoadBalancerStatus',
  },
  LoadBalancerStatus: {
    1: 'ingress []LoadBalancerIngress',
  },
  LoadBalancerIngress: {
    1: 'ip string',
    2: 'hostname string',
    4: 'ports []PortStatus',
  },
  PortStatus: {
    1: 'port int32 always',
    2: 'protocol string always',
    3: 'error string ptr',
  },
  Namespace: {
    1: 'metadata ObjectMeta',
    2: 'spec NamespaceSpec',
    3: 'status NamespaceStatus',
  },
  NamespaceSpec: {
    1: 'finalizers []string',
  },
  NamespaceStatus: {
    1: 'phase string',
    2: 'conditions []NamespaceCondition',
  },
  NamespaceCondition: {
    1: 'type string always',
    2: 'status string always',
    4: 'lastTransitionTime Time',
    5: 'reason string',
    6: 'message string',
  },
  ConfigMap: {
    1: 'metadata ObjectMeta',
    4: 'immutable bool ptr',
    2: 'data map[string]string',
    3: 'binaryData map[string]bytes',
  },
  Secret: {
    1: 'metadata ObjectMeta',
    5: 'immutable bool ptr',
    2: 'data map[string]bytes',
    4: 'stringData map[string]string',
    3: 'type string',
  },
  ServiceAccount: {
    1: 'metadata ObjectMeta',
    2: 'secrets []ObjectReference',
    3: 'imagePullSecrets []LocalObjectReference',
    4: 'automountServiceAccountToken bool ptr',
  },
  ObjectReference: {
    1: 'kind string',
    2: 'namespace string',
    3: 'name string',
    4: 'uid string',
    5: 'apiVersion string',
    6: 'resourceVersion string',
    7: 'fieldPath string',
  },
  // k8s.io/api/batch/v1
  Job: {
    1: 'metadata ObjectMeta',
    2: 'spec JobSpec',
  },
  JobSpec: {
    1: 'parallelism int32 ptr',
    2: 'completions int32 ptr',
    3: 'activeDeadlineSeconds int64 ptr',
    7: 'backoffLimit int32 ptr',
    4: 'selector LabelSelector',
    5: 'manualSelector bool ptr',
    6: 'template PodTemplateSpec',
    8: 'ttlSecondsAfterFinished int32 ptr',
    9: 'completionMode string ptr',
    10: 'suspend bool ptr',
    14: 'podReplacementPolicy string ptr',
  },
  CronJob: {
    1: 'metadata ObjectMeta',
    2: 'spec CronJobSpec',
  },
  CronJobSpec: {
    1: 'schedule string',
    8: 'timeZone string ptr',
    2: 'startingDeadlineSeconds int64 ptr',
    3: 'concurrencyPolicy string',
    4: 'suspend bool ptr',
    5: 'jobTemplate JobTemplateSpec',
    6: 'successfulJobsHistoryLimit int32 ptr',
    7: 'failedJobsHistoryLimit int32 ptr',
  },
  JobTemplateSpec: {
    1: 'metadata ObjectMeta',
    2: 'spec JobSpec',
  },
  // k8s.io/api/networking/v1
  Ingress: {
    1: 'metadata ObjectMeta',
    2: 'spec IngressSpec',
  },
  IngressSpec: {
    4: 'ingressClassName string ptr',
    1: 'defaultBackend IngressBackend',
    2: 'tls []IngressTLS',
    3: 'rules []IngressRule',
  },
  IngressBackend: {
    4: 'service IngressServiceBackend',
    3: 'resource TypedLocalObjectReference',
  },
  TypedLocalObjectReference: {
    1: 'apiGroup string ptr',
    2: 'kind string always',
    3: 'name string always',
  },
  IngressServiceBackend: {
    1: 'name string always',
    2: 'port ServiceBackendPort',
  },
  ServiceBackendPort: {
    1: 'name string',
    2: 'number int32',
  },
  IngressTLS: {
    1: 'hosts []string',
    2: 'secretName string',
  },
  IngressRule: {
    1: 'host string',
    2: '- IngressRuleValue inline',
  },
  IngressRuleValue: {
    1: 'http HTTPIngressRuleValue',
  },
  HTTPIngressRuleValue: {
    1: 'paths []HTTPIngressPath',
  },
  HTTPIngressPath: {
    1: 'path string',
    3: 'pathType string ptr',
    2: 'backend IngressBackend',
  },
  IngressClass: {
    1: 'metadata ObjectMeta',
    2: 'spec IngressClassSpec',
  },
  IngressClassSpec: {
    1: 'controller string',
  },
  // k8s.io/api/authorization/v1, authentication/v1
  SelfSubjectAccessReview: {
    1: 'metadata ObjectMeta',
    2: 'spec SelfSubjectAccessReviewSpec',
  },
  SelfSubjectAccessReviewSpec: {
    1: 'resourceAttributes ResourceAttributes',
    2: 'nonResourceAttributes NonResourceAttributes',
  },
  ResourceAttributes: {
    1: 'namespace string',
    2: 'verb string',
    3: 'group string',
    4: 'version string',
    5: 'resource string',
    6: 'subresource string',
    7: 'name string',
  },
  NonResourceAttributes: {
    1: 'path string',
    2: 'verb string',
  },
  SelfSubjectRulesReview: {
    1: 'metadata ObjectMeta',
    2: 'spec SelfSubjectRulesReviewSpec',
  },
  SelfSubjectRulesReviewSpec: {
    1: 'namespace string',
  },
  SelfSubjectReview: {
    1: 'metadata ObjectMeta',
  },
  // k8s.io/api/autoscaling/v1
  HorizontalPodAutoscaler: {
    1: 'metadata ObjectMeta',
    2: 'spec HorizontalPodAutoscalerSpec',
  },
  HorizontalPodAutoscalerSpec: {
    1: 'scaleTargetRef CrossVersionObjectReference',
    2: 'minReplicas int32 ptr',
    3: 'maxReplicas int32 always',
    4: 'targetCPUUtilizationPercentage int32 ptr',
  },
  CrossVersionObjectReference: {
    1: 'kind string always',
    2: 'name string always',
    3: 'apiVersion string',
  },
  TokenRequest: {
    1: 'metadata ObjectMeta',
    2: 'spec TokenRequestSpec',
  },
  TokenRequestSpec: {
    1: 'audiences []string',
    4: 'expirationSeconds int64 ptr',
    3: 'boundObjectRef BoundObjectReference',
  },
  BoundObjectReference: {
    1: 'kind string',
    2: 'apiVersion string',
    3: 'name string',
    4: 'uid string',
  },
};

// EphemeralContainerCommon carries the same fields, with the same numbers, as Container.
MESSAGE_TABLE.EphemeralContainerCommon = MESSAGE_TABLE.Container;

// Top-level kinds, keyed by `apiVersion/kind` as found in runtime.Unknown.typeMeta.
const KIND_TABLE: Record<string, string> = {
  'apps/v1/Deployment': 'Deployment',
  'apps/v1/ReplicaSet': 'ReplicaSet',
  'v1/Pod': 'Pod',
  'v1/Service': 'Service',
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'networking.k8s.io/v1/Ingress': 'Ingress',
  'networking.k8s.io/v1/IngressClass': 'IngressClass',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
  'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'v1/DeleteOptions': 'DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
};

/** The `apiVersion/kind` pairs that {@link decodeKubernetesProtobuf} understands. */
export function supportedProtobufKinds(): string[] {
  return Object.keys(KIND_TABLE);
}

// ---------------------------------------------------------------------------------------------
// Parsed form of the table.
// ---------------------------------------------------------------------------------------------

type ScalarType = 'string' | 'int32' | 'int64' | 'bool' | 'bytes';
type WellKnownType = 'Time' | 'MicroTime' | 'Quantity' | 'IntOrString';
type ValueType = ScalarType | WellKnownType | { message: string };

interface FieldDef {
  jsonName: string;
  repeated: boolean;
  /** Set for `map[string]T`: the value type; entries are messages {1: key, 2: value}. */
  mapValue?: ScalarType | 'Quantity';
  value: ValueType;
  ptr: boolean;
  always: boolean;
  inline: boolean;
}

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes']);
const WELL_KNOWN = new Set(['Time', 'MicroTime', 'Quantity', 'IntOrString']);

function parseFieldSpec(messageName: string, num: number, spec: string): FieldDef {
  const [jsonName, rawType, ...flags] = spec.trim().split(/\s+/);
  const where = `${messageName} field ${num} ('${spec}')`;
  for (const flag of flags) {
    if (flag !== 'ptr' && flag !== 'always' && flag !== 'inline') {
      throw new Error(`protobuf table: unknown flag '${flag}' in ${where}`);
    }
  }
  let typeName = rawType;
  const repeated = typeName.startsWith('[]');
  if (repeated) typeName = typeName.slice(2);
  const field: FieldDef = {
    jsonName,
    repeated,
    value: 'string',
    ptr: flags.includes('ptr'),
    always: flags.includes('always'),
    inline: flags.includes('inline'),
  };
  const mapMatch = /^map\[string\](\w+)$/.exec(typeName);
  if (mapMatch) {
    const v = mapMatch[1];
    if (!SCALARS.has(v) && v !== 'Quantity') throw new Error(`protobuf table: bad map value in ${where}`);
    field.mapValue = v as ScalarType | 'Quantity';
    return field;
  }
  if (SCALARS.has(typeName) || WELL_KNOWN.has(typeName)) {
    field.value = typeName as ScalarType | WellKnownType;
  } else {
    if (!(typeName in MESSAGE_TABLE)) throw new Error(`protobuf table: unknown message '${typeName}' in ${where}`);
    field.value = { message: typeName };
  }
  if (field.inline && typeof field.value !== 'object') {
    throw new Error(`protobuf table: only messages can be inline (${where})`);
  }
  return field;
}

// Parsed eagerly so that a mistake in the table fails at module load, not mid-request.
const MESSAGES: Record<string, Map<number, FieldDef>> = {};
for (const [name, fields] of Object.entries(MESSAGE_TABLE)) {
  const parsed = new Map<number, FieldDef>();
  for (const [num, spec] of Object.entries(fields)) parsed.set(Number(num), parseFieldSpec(name, Number(num), spec));
  MESSAGES[name] = parsed;
}

// ---------------------------------------------------------------------------------------------
// Wire decoding.
// ---------------------------------------------------------------------------------------------

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// protobufjs returns a Long when the `long` package is loadable, a plain number otherwise.
function int64ToNumber(v: number | protobuf.Long): number {
  return typeof v === 'number' ? v : protobuf.util.LongBits.from(v).toNumber(v.unsigned);
}

function expectedWireType(value: ValueType): number {
  if (value === 'int32' || value === 'int64' || value === 'bool') return WIRE_VARINT;
  return WIRE_LEN;
}

function isZero(v: Json): boolean {
  return v === 0 || v === false || v === '';
}

/** Go's metav1.Time JSON form: RFC 3339 in UTC, whole seconds; the zero time is null. */
function formatTime(seconds: number, nanos: number, micro: boolean): Json {
  if (seconds === 0 && nanos === 0) return null;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new Error(`timestamp out of range: ${seconds}s`);
  const base = date.toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

function readSubReader(reader: protobuf.Reader): protobuf.Reader {
  const length = reader.uint32();
  const start = reader.pos;
  const end = start + length;
  if (end > reader.len) throw new RangeError(`length ${length} runs past the end of the buffer`);
  reader.pos = end;
  return protobuf.Reader.create(reader.buf.subarray(start, end));
}

function decodeTime(reader: protobuf.Reader, micro: boolean): Json {
  let seconds = 0;
  let nanos = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | WIRE_VARINT)) seconds = int64ToNumber(reader.int64());
    else if (tag === ((2 << 3) | WIRE_VARINT)) nanos = reader.int32();
    else reader.skipType(tag & 7);
  }
  return formatTime(seconds, nanos, micro);
}

function decodeQuantity(reader: protobuf.Reader): Json {
  let value = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) value = reader.string();
    else reader.skipType(tag & 7);
  }
  return value;
}

function decodeIntOrString(reader: protobuf.Reader): Json {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | WIRE_VARINT)) type = int64ToNumber(reader.int64());
    else if (tag === ((2 << 3) | WIRE_VARINT)) intVal = reader.int32();
    else if (tag === ((3 << 3) | WIRE_LEN)) strVal = reader.string();
    else reader.skipType(tag & 7);
  }
  return type === 1 ? strVal : intVal;
}

function readScalar(reader: protobuf.Reader, type: ScalarType): Json {
  switch (type) {
    case 'string':
      return reader.string();
    case 'int32':
      return reader.int32();
    case 'int64':
      return int64ToNumber(reader.int64());
    case 'bool':
      return reader.bool();
    case 'bytes':
      return Buffer.from(reader.bytes()).toString('base64');
  }
}

function readValue(reader: protobuf.Reader, value: ValueType, path: string): Json {
  if (typeof value === 'object') return decodeMessage(readSubReader(reader), value.message, path);
  switch (value) {
    case 'Time':
      return decodeTime(readSubReader(reader), false);
    case 'MicroTime':
      return decodeTime(readSubReader(reader), true);
    case 'Quantity':
      return decodeQuantity(readSubReader(reader));
    case 'IntOrString':
      return decodeIntOrString(readSubReader(reader));
    default:
      return readScalar(reader, value);
  }
}

function readMapEntry(reader: protobuf.Reader, valueType: ScalarType | 'Quantity'): [string, Json] {
  const entry = readSubReader(reader);
  let key = '';
  let value: Json = valueType === 'Quantity' || valueType === 'string' || valueType === 'bytes' ? '' : 0;
  while (entry.pos < entry.len) {
    const tag = entry.uint32();
    if (tag === ((1 << 3) | WIRE_LEN)) key = entry.string();
    else if (tag >>> 3 === 2) {
      value = valueType === 'Quantity' ? decodeQuantity(readSubReader(entry)) : readScalar(entry, valueType);
    } else entry.skipType(tag & 7);
  }
  return [key, value];
}

function decodeMessage(reader: protobuf.Reader, messageName: string, path: string): JsonObject {
  const fields = MESSAGES[messageName];
  const out: JsonObject = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0) throw new Error(`invalid field number 0 in ${path}`);
    const field = fields.get(fieldNumber);
    if (!field) {
      reader.skipType(wireType);
      continue;
    }
    const fieldPath = field.inline ? path : `${path}.${field.jsonName}`;

    if (field.mapValue) {
      if (wireType !== WIRE_LEN) throw new Error(`${fieldPath}: expected a map entry (wire type 2), got wire type ${wireType}`);
      const [key, value] = readMapEntry(reader, field.mapValue);
      const map = (out[field.jsonName] ??= {}) as JsonObject;
      // defineProperty, not assignment: a key such as "__proto__" must stay a plain entry
      Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      continue;
    }

    const expected = expectedWireType(field.value);
    if (field.repeated) {
      const list = (out[field.jsonName] ??= []) as Json[];
      if (expected === WIRE_VARINT && wireType === WIRE_LEN) {
        // packed encoding of a repeated number
        const packed = readSubReader(reader);
        while (packed.pos < packed.len) list.push(readValue(packed, field.value, fieldPath));
        continue;
      }
      if (wireType !== expected) throw new Error(`${fieldPath}: expected wire type ${expected}, got ${wireType}`);
      list.push(readValue(reader, field.value, `${fieldPath}[${list.length}]`));
      continue;
    }

    if (wireType !== expected) throw new Error(`${fieldPath}: expected wire type ${expected}, got ${wireType}`);
    const value = readValue(reader, field.value, fieldPath);
    if (field.inline) {
      Object.assign(out, value as JsonObject);
      continue;
    }
    if (isZero(value) && !field.ptr && !field.always) {
      delete out[field.jsonName];
      continue;
    }
    out[field.jsonName] = value;
  }
  // Non-pointer fields without omitempty that were not on the wire still appear in Go's JSON.
  for (const field of fields.values()) {
    if (field.always && !field.repeated && !field.mapValue && !(field.jsonName in out) && typeof field.value === 'string') {
      if (field.value === 'string') out[field.jsonName] = '';
      else if (field.value === 'int32' || field.value === 'int64') out[field.jsonName] = 0;
      else if (field.value === 'bool') out[field.jsonName] = false;
    }
  }
  return out;
}

interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function decodeUnknown(reader: protobuf.Reader): UnknownEnvelope {
  const envelope: UnknownEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag) {
      case (1 << 3) | WIRE_LEN: {
        const typeMeta = readSubReader(reader);
        while (typeMeta.pos < typeMeta.len) {
          const t = typeMeta.uint32();
          if (t === ((1 << 3) | WIRE_LEN)) envelope.apiVersion = typeMeta.string();
          else if (t === ((2 << 3) | WIRE_LEN)) envelope.kind = typeMeta.string();
          else typeMeta.skipType(t & 7);
        }
        break;
      }
      case (2 << 3) | WIRE_LEN:
        envelope.raw = reader.bytes();
        break;
      case (3 << 3) | WIRE_LEN:
        envelope.contentEncoding = reader.string();
        break;
      case (4 << 3) | WIRE_LEN:
        envelope.contentType = reader.string();
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  return envelope;
}

/**
 * Decodes a request body sent with `Content-Type: application/vnd.kubernetes.protobuf`
 * into the object's JSON form (`apiVersion`, `kind`, `metadata`, `spec`, `status`, ...).
 * Throws an Error with a readable message for a body without the `k8s\0` magic, a truncated
 * or malformed message, an encoded (e.g. gzip) payload, or a kind this decoder does not know.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (!(body instanceof Uint8Array)) throw new Error('Kubernetes protobuf: body must be a Uint8Array');
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    const head = Buffer.from(body.subarray(0, 4)).toString('hex');
    throw new Error(`Kubernetes protobuf: body does not start with the magic "k8s\\0" (got 0x${head || 'empty'})`);
  }
  let envelope: UnknownEnvelope;
  try {
    envelope = decodeUnknown(protobuf.Reader.create(body.subarray(MAGIC.length)));
  } catch (err) {
    throw new Error(`Kubernetes protobuf: malformed runtime.Unknown envelope: ${(err as Error).message}`);
  }
  if (!envelope.kind || !envelope.apiVersion) {
    throw new Error('Kubernetes protobuf: runtime.Unknown envelope has no apiVersion/kind');
  }
  if (envelope.contentEncoding) {
    throw new Error(`Kubernetes protobuf: unsupported contentEncoding '${envelope.contentEncoding}'`);
  }
  if (envelope.contentType && envelope.contentType !== KUBERNETES_PROTOBUF_CONTENT_TYPE) {
    throw new Error(`Kubernetes protobuf: unsupported inner contentType '${envelope.contentType}'`);
  }
  const messageName = KIND_TABLE[`${envelope.apiVersion}/${envelope.kind}`];
  if (!messageName) {
    throw new Error(
      `Kubernetes protobuf: unsupported kind ${envelope.kind} (apiVersion ${envelope.apiVersion}); ` +
        `supported: ${supportedProtobufKinds().join(', ')}`,
    );
  }
  let object: JsonObject;
  try {
    object = decodeMessage(protobuf.Reader.create(envelope.raw), messageName, envelope.kind);
  } catch (err) {
    throw new Error(`Kubernetes protobuf: malformed ${envelope.kind}: ${(err as Error).message}`);
  }
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...object };
}

/** True for `application/vnd.kubernetes.protobuf`, with or without parameters. */
export function isKubernetesProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === KUBERNETES_PROTOBUF_CONTENT_TYPE;
}
