import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { decodeKubernetesProtobuf, isKubernetesProtobuf, supportedProtobufKinds } from '../../src/demo/protobuf';
import { decodeObject } from '../../src/demo/http/body';
import { ApiError } from '../../src/demo/store';
import { findKubectl } from '../kubectlPath';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'kubectl-wire');

// Each <slug>.bin is a request body captured from real kubectl 1.32; <slug>.json is what the same
// kubectl command printed with `--dry-run=client -o json`, i.e. the JSON form of that object.
// See test/fixtures/kubectl-wire/README.md and capture.mjs.
const capturedSlugs = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => f.slice(0, -4))
  .filter((slug) => existsSync(path.join(FIXTURES, `${slug}.json`)));

function fixture(slug: string): { bin: Buffer; expected: unknown } {
  return {
    bin: readFileSync(path.join(FIXTURES, `${slug}.bin`)),
    expected: JSON.parse(readFileSync(path.join(FIXTURES, `${slug}.json`), 'utf8')),
  };
}

// An independent encoder for the round-trip tests: a .proto subset written from the upstream
// generated.proto files and encoded with protobufjs' reflection, not with the decoder's table.
const TEST_PROTO = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message Quantity { optional string string = 1; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string uid = 5;
  optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11; map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; }
message LocalObjectReference { optional string name = 1; }
message SecretKeySelector { optional LocalObjectReference localObjectReference = 1; optional string key = 2; optional bool optional = 3; }
message ObjectFieldSelector { optional string apiVersion = 1; optional string fieldPath = 2; }
message EnvVarSource { optional ObjectFieldSelector fieldRef = 1; optional SecretKeySelector secretKeyRef = 4; }
message EnvVar { optional string name = 1; optional string value = 2; optional EnvVarSource valueFrom = 3; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message HTTPGetAction { optional string path = 1; optional IntOrString port = 2; optional string scheme = 4; }
message TCPSocketAction { optional IntOrString port = 1; }
message ProbeHandler { optional HTTPGetAction httpGet = 2; optional TCPSocketAction tcpSocket = 3; }
message Probe { optional ProbeHandler handler = 1; optional int32 initialDelaySeconds = 2; optional int32 timeoutSeconds = 3; optional int32 periodSeconds = 4; optional int32 successThreshold = 5; optional int32 failureThreshold = 6; }
message VolumeMount { optional string name = 1; optional bool readOnly = 2; optional string mountPath = 3; }
message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4;
  repeated ContainerPort ports = 6; repeated EnvVar env = 7; optional ResourceRequirements resources = 8;
  repeated VolumeMount volumeMounts = 9; optional Probe livenessProbe = 10; optional Probe readinessProbe = 11;
  optional string imagePullPolicy = 14; optional bool stdin = 16; optional bool tty = 18;
}
message ConfigMapVolumeSource { optional LocalObjectReference localObjectReference = 1; optional int32 defaultMode = 3; }
message EmptyDirVolumeSource { optional string medium = 1; optional Quantity sizeLimit = 2; }
message VolumeSource { optional EmptyDirVolumeSource emptyDir = 2; optional ConfigMapVolumeSource configMap = 19; }
message Volume { optional string name = 1; optional VolumeSource volumeSource = 2; }
message Toleration { optional string key = 1; optional string operator = 2; optional string effect = 4; optional int64 tolerationSeconds = 5; }
message PodSecurityContext { optional int64 runAsUser = 2; optional bool runAsNonRoot = 3; repeated int64 supplementalGroups = 4; optional int64 fsGroup = 5; }
message PodSpec {
  repeated Volume volumes = 1; repeated Container containers = 2; optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4; optional string dnsPolicy = 6; map<string, string> nodeSelector = 7;
  optional string nodeName = 10; optional bool hostNetwork = 11; optional PodSecurityContext securityContext = 14;
  repeated Container initContainers = 20; repeated Toleration tolerations = 22;
}
message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message RollingUpdateDeployment { optional IntOrString maxUnavailable = 1; optional IntOrString maxSurge = 2; }
message DeploymentStrategy { optional string type = 1; optional RollingUpdateDeployment rollingUpdate = 2; }
message DeploymentSpec {
  optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4; optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6;
  optional bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message DeploymentCondition { optional string type = 1; optional string status = 2; optional string reason = 4; optional string message = 5; optional Time lastUpdateTime = 6; optional Time lastTransitionTime = 7; }
message DeploymentStatus { optional int64 observedGeneration = 1; optional int32 replicas = 2; optional int32 updatedReplicas = 3; optional int32 availableReplicas = 4; repeated DeploymentCondition conditions = 6; optional int32 readyReplicas = 7; }
message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message PodIP { optional string ip = 1; }
message PodCondition { optional string type = 1; optional string status = 2; optional Time lastProbeTime = 3; optional Time lastTransitionTime = 4; }
message ContainerStateRunning { optional Time startedAt = 1; }
message ContainerState { optional ContainerStateRunning running = 2; }
message ContainerStatus { optional string name = 1; optional ContainerState state = 2; optional bool ready = 4; optional int32 restartCount = 5; optional string image = 6; optional string imageID = 7; optional string containerID = 8; optional bool started = 9; }
message PodStatus { optional string phase = 1; repeated PodCondition conditions = 2; optional string hostIP = 5; optional string podIP = 6; optional Time startTime = 7; repeated ContainerStatus containerStatuses = 8; optional string qosClass = 9; repeated PodIP podIPs = 12; }
message Pod { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; optional PodStatus status = 3; }
message ServicePort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4; optional int32 nodePort = 5; }
message ServiceSpec { repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4; optional string sessionAffinity = 7; optional string ipFamilyPolicy = 17; repeated string clusterIPs = 18; repeated string ipFamilies = 19; optional string internalTrafficPolicy = 22; }
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions { optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3; optional string propagationPolicy = 4; repeated string dryRun = 5; }
message FutureFields { optional string extra = 99; optional int64 extraNumber = 98; }
`;
const root = protobuf.parse(TEST_PROTO, { keepCase: true }).root;

function encodeObject(apiVersion: string, kind: string, messageName: string, value: Record<string, unknown>): Uint8Array {
  const type = root.lookupType(`k8s.${messageName}`);
  const problem = type.verify(value);
  if (problem) throw new Error(`test object does not fit ${messageName}: ${problem}`);
  const raw = type.encode(type.fromObject(value)).finish();
  const unknown = root.lookupType('k8s.Unknown');
  const envelope = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), envelope]);
}

const time = (iso: string) => ({ seconds: Date.parse(iso) / 1000, nanos: 0 });

describe('decodeKubernetesProtobuf', () => {
  describe('bodies captured from real kubectl 1.32', () => {
    it('has captured fixtures to check', () => {
      assert.ok(capturedSlugs.length >= 3, `expected captured .bin/.json pairs in ${FIXTURES}, found ${capturedSlugs.join(', ')}`);
      for (const needed of ['create-deployment', 'create-service-clusterip', 'create-namespace']) {
        assert.ok(capturedSlugs.includes(needed), `missing fixture ${needed}.bin/.json`);
      }
    });

    for (const slug of capturedSlugs) {
      it(`decodes ${slug}.bin to what kubectl prints for --dry-run=client -o json`, () => {
        const { bin, expected } = fixture(slug);
        assert.deepEqual(decodeKubernetesProtobuf(bin), expected);
      });
    }

    it('reads the deployment the lesson creates: name, replicas, image, selector, empty status', () => {
      const d = decodeKubernetesProtobuf(fixture('create-deployment').bin) as any;
      assert.equal(d.apiVersion, 'apps/v1');
      assert.equal(d.kind, 'Deployment');
      assert.equal(d.metadata.name, 'backend');
      assert.equal(d.metadata.creationTimestamp, null);
      assert.equal(d.spec.replicas, 2);
      assert.deepEqual(d.spec.selector, { matchLabels: { app: 'backend' } });
      assert.deepEqual(d.spec.template.spec.containers, [{ name: 'nginx', image: 'nginx:1.28', resources: {} }]);
      assert.deepEqual(d.status, {});
    });

    it('skips fields it does not know and still decodes the rest', () => {
      // Append an unknown length-delimited field (number 99) and an unknown varint (98) to the
      // Deployment inside the envelope, as a newer kubectl might send.
      const { bin, expected } = fixture('create-deployment');
      const unknown = root.lookupType('k8s.Unknown');
      const envelope = unknown.decode(bin.subarray(4)) as unknown as { raw: Uint8Array; typeMeta: object };
      const extra = root.lookupType('k8s.FutureFields');
      const extraBytes = extra.encode(extra.fromObject({ extra: 'from the future', extraNumber: 7 })).finish();
      const raw = Buffer.concat([Buffer.from(envelope.raw), extraBytes]);
      const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown.encode(unknown.fromObject({ typeMeta: envelope.typeMeta, raw })).finish()]);
      assert.deepEqual(decodeKubernetesProtobuf(body), expected);
    });
  });

  describe('round trip of hand-built objects encoded by protobufjs', () => {
    it('Deployment with a full pod template: ports, env, resources, probes, volumes, strategy, matchExpressions', () => {
      const body = encodeObject('apps/v1', 'Deployment', 'Deployment', {
        metadata: {
          name: 'web',
          namespace: 'shop',
          labels: { app: 'web', tier: 'frontend' },
          annotations: { 'deployment.kubernetes.io/revision': '3' },
          creationTimestamp: {},
        },
        spec: {
          replicas: 0,
          selector: {
            matchLabels: { app: 'web' },
            matchExpressions: [
              { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
              { key: 'canary', operator: 'DoesNotExist' },
            ],
          },
          template: {
            metadata: { labels: { app: 'web', tier: 'frontend' }, creationTimestamp: {} },
            spec: {
              containers: [
                {
                  name: 'nginx',
                  image: 'nginx:1.28',
                  args: ['-g', 'daemon off;'],
                  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                  env: [
                    { name: 'BACKEND_URL', value: 'http://backend:80' },
                    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
                    { name: 'TOKEN', valueFrom: { secretKeyRef: { localObjectReference: { name: 'api' }, key: 'token', optional: false } } },
                  ],
                  resources: { requests: { cpu: { string: '100m' }, memory: { string: '64Mi' } }, limits: { memory: { string: '128Mi' } } },
                  volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true }],
                  readinessProbe: {
                    handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' }, scheme: 'HTTP' } },
                    periodSeconds: 5,
                    failureThreshold: 3,
                  },
                  livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } }, initialDelaySeconds: 10 },
                  imagePullPolicy: 'IfNotPresent',
                  stdin: false,
                  tty: false,
                },
              ],
              volumes: [
                { name: 'conf', volumeSource: { configMap: { localObjectReference: { name: 'nginx-conf' }, defaultMode: 420 } } },
                { name: 'cache', volumeSource: { emptyDir: { sizeLimit: { string: '1Gi' } } } },
              ],
              restartPolicy: 'Always',
              terminationGracePeriodSeconds: 30,
              dnsPolicy: 'ClusterFirst',
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              securityContext: { runAsNonRoot: true, runAsUser: 101, supplementalGroups: [1000, 2000] },
              tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
              hostNetwork: false,
            },
          },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 1, strVal: '25%' }, maxSurge: { type: 0, intVal: 1 } } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
          minReadySeconds: 0,
          paused: false,
        },
        status: {
          observedGeneration: 4,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
              lastUpdateTime: time('2026-11-26T07:00:00Z'),
              lastTransitionTime: time('2026-11-26T07:00:05Z'),
            },
          ],
        },
      });
      assert.deepEqual(decodeKubernetesProtobuf(body), {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'shop',
          labels: { app: 'web', tier: 'frontend' },
          annotations: { 'deployment.kubernetes.io/revision': '3' },
          creationTimestamp: null,
        },
        spec: {
          replicas: 0, // a pointer in Go: an explicit zero is kept
          selector: {
            matchLabels: { app: 'web' },
            matchExpressions: [
              { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
              { key: 'canary', operator: 'DoesNotExist' },
            ],
          },
          template: {
            metadata: { labels: { app: 'web', tier: 'frontend' }, creationTimestamp: null },
            spec: {
              containers: [
                {
                  name: 'nginx',
                  image: 'nginx:1.28',
                  args: ['-g', 'daemon off;'],
                  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                  env: [
                    { name: 'BACKEND_URL', value: 'http://backend:80' },
                    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
                    { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token', optional: false } } },
                  ],
                  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
                  volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true }],
                  readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3 },
                  livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 10 },
                  imagePullPolicy: 'IfNotPresent',
                },
              ],
              volumes: [
                { name: 'conf', configMap: { name: 'nginx-conf', defaultMode: 420 } },
                { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
              ],
              restartPolicy: 'Always',
              terminationGracePeriodSeconds: 30,
              dnsPolicy: 'ClusterFirst',
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              securityContext: { runAsNonRoot: true, runAsUser: 101, supplementalGroups: [1000, 2000] },
              tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
            },
          },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
        status: {
          observedGeneration: 4,
          replicas: 2,
          updatedReplicas: 2,
          readyReplicas: 2,
          availableReplicas: 2,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
              lastUpdateTime: '2026-11-26T07:00:00Z',
              lastTransitionTime: '2026-11-26T07:00:05Z',
            },
          ],
        },
      });
    });

    it('Pod with owner reference, deletion timestamp and status with pod IPs', () => {
      const body = encodeObject('v1', 'Pod', 'Pod', {
        metadata: {
          name: 'backend-5d9c7b8f6-abcde',
          generateName: 'backend-5d9c7b8f6-',
          namespace: 'default',
          uid: '3f1c',
          resourceVersion: '1234',
          creationTimestamp: time('2026-11-26T07:01:02Z'),
          deletionTimestamp: time('2026-11-26T07:05:00Z'),
          deletionGracePeriodSeconds: 30,
          labels: { app: 'backend', 'pod-template-hash': '5d9c7b8f6' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'backend-5d9c7b8f6', uid: '77aa', controller: true, blockOwnerDeletion: true }],
          finalizers: ['example.com/hold'],
        },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }], nodeName: 'demo-node-1', restartPolicy: 'Always' },
        status: {
          phase: 'Running',
          hostIP: '172.18.0.2',
          podIP: '10.244.1.7',
          podIPs: [{ ip: '10.244.1.7' }],
          startTime: time('2026-11-26T07:01:03Z'),
          conditions: [{ type: 'Ready', status: 'True', lastProbeTime: {}, lastTransitionTime: time('2026-11-26T07:01:09Z') }],
          containerStatuses: [
            {
              name: 'nginx',
              state: { running: { startedAt: time('2026-11-26T07:01:08Z') } },
              ready: false,
              restartCount: 0,
              image: 'nginx:1.28',
              imageID: '',
              started: false,
            },
          ],
          qosClass: 'BestEffort',
        },
      });
      assert.deepEqual(decodeKubernetesProtobuf(body), {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'backend-5d9c7b8f6-abcde',
          generateName: 'backend-5d9c7b8f6-',
          namespace: 'default',
          uid: '3f1c',
          resourceVersion: '1234',
          creationTimestamp: '2026-11-26T07:01:02Z',
          deletionTimestamp: '2026-11-26T07:05:00Z',
          deletionGracePeriodSeconds: 30,
          labels: { app: 'backend', 'pod-template-hash': '5d9c7b8f6' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'backend-5d9c7b8f6', uid: '77aa', controller: true, blockOwnerDeletion: true }],
          finalizers: ['example.com/hold'],
        },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }], nodeName: 'demo-node-1', restartPolicy: 'Always' },
        status: {
          phase: 'Running',
          hostIP: '172.18.0.2',
          podIP: '10.244.1.7',
          podIPs: [{ ip: '10.244.1.7' }],
          startTime: '2026-11-26T07:01:03Z',
          conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-26T07:01:09Z' }],
          containerStatuses: [
            // ready/restartCount/imageID have no omitempty in Go; started is a pointer
            { name: 'nginx', state: { running: { startedAt: '2026-11-26T07:01:08Z' } }, ready: false, restartCount: 0, image: 'nginx:1.28', imageID: '', started: false },
          ],
          qosClass: 'BestEffort',
        },
      });
    });

    it('Service with named targetPort, NodePort type and cluster IPs', () => {
      const body = encodeObject('v1', 'Service', 'Service', {
        metadata: { name: 'backend', namespace: 'default' },
        spec: {
          type: 'NodePort',
          selector: { app: 'backend' },
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
          ports: [
            { name: 'http', protocol: 'TCP', port: 80, targetPort: { type: 1, strVal: 'http' }, nodePort: 30080 },
            { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: { type: 0, intVal: 9090 } },
          ],
        },
      });
      assert.deepEqual(decodeKubernetesProtobuf(body), {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'backend', namespace: 'default' },
        spec: {
          type: 'NodePort',
          selector: { app: 'backend' },
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
          ports: [
            { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 },
            { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 9090 },
          ],
        },
      });
    });

    it('ConfigMap with data, binaryData (base64) and immutable', () => {
      const body = encodeObject('v1', 'ConfigMap', 'ConfigMap', {
        metadata: { name: 'nginx-conf' },
        data: { 'default.conf': 'server { listen 8080; }\n' },
        binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
        immutable: false,
      });
      assert.deepEqual(decodeKubernetesProtobuf(body), {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'nginx-conf' },
        data: { 'default.conf': 'server { listen 8080; }\n' },
        binaryData: { 'logo.png': 'iVBORw==' },
        immutable: false,
      });
    });

    it('DeleteOptions with grace period zero, preconditions and propagation policy', () => {
      const body = encodeObject('meta.k8s.io/v1', 'DeleteOptions', 'DeleteOptions', {
        gracePeriodSeconds: 0,
        preconditions: { uid: '3f1c', resourceVersion: '1234' },
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      });
      assert.deepEqual(decodeKubernetesProtobuf(body), {
        apiVersion: 'meta.k8s.io/v1',
        kind: 'DeleteOptions',
        gracePeriodSeconds: 0,
        preconditions: { uid: '3f1c', resourceVersion: '1234' },
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      });
    });

    it('Namespace and Pod are among the supported kinds, as are Deployment, Service, ConfigMap', () => {
      const kinds = supportedProtobufKinds();
      for (const k of ['apps/v1/Deployment', 'v1/Service', 'v1/Namespace', 'v1/Pod', 'v1/ConfigMap']) assert.ok(kinds.includes(k), k);
    });
  });

  describe('bad input', () => {
    it('rejects a body without the k8s\\0 magic, naming what it got', () => {
      assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Deployment"}')), /does not start with the magic "k8s\\0" \(got 0x7b226b69\)/);
      assert.throws(() => decodeKubernetesProtobuf(new Uint8Array(0)), /does not start with the magic/);
    });

    it('rejects a truncated body', () => {
      const { bin } = fixture('create-deployment');
      for (const cut of [5, 12, 40, bin.length - 3]) {
        assert.throws(() => decodeKubernetesProtobuf(bin.subarray(0, cut)), /Kubernetes protobuf: malformed/, `cut at ${cut}`);
      }
    });

    it('rejects a kind it does not know, listing the ones it does', () => {
      const body = encodeObject('policy/v1', 'PodDisruptionBudget', 'ConfigMap', { metadata: { name: 'x' } });
      assert.throws(() => decodeKubernetesProtobuf(body), /unsupported kind PodDisruptionBudget \(apiVersion policy\/v1\); supported: .*apps\/v1\/Deployment/);
    });

    it('rejects an envelope without type information', () => {
      const unknown = root.lookupType('k8s.Unknown');
      const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown.encode(unknown.fromObject({ raw: Buffer.from([]) })).finish()]);
      assert.throws(() => decodeKubernetesProtobuf(body), /no apiVersion\/kind/);
    });

    it('rejects an encoded payload it cannot read', () => {
      const unknown = root.lookupType('k8s.Unknown');
      const body = Buffer.concat([
        Buffer.from('k8s\0', 'binary'),
        unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw: Buffer.from([1, 2]), contentEncoding: 'gzip' })).finish(),
      ]);
      assert.throws(() => decodeKubernetesProtobuf(body), /unsupported contentEncoding 'gzip'/);
    });

    it('keeps a map key named __proto__ as a plain entry', () => {
      // JSON.parse makes "__proto__" an own key; an object literal would set the prototype instead
      const labels = JSON.parse('{"__proto__":"polluted","app":"x"}') as Record<string, string>;
      const body = encodeObject('v1', 'ConfigMap', 'ConfigMap', { metadata: { name: 'x', labels }, data: JSON.parse('{"__proto__":"v"}') });
      const cm = decodeKubernetesProtobuf(body) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
      assert.equal(Object.getPrototypeOf(cm.metadata.labels), Object.prototype);
      assert.deepEqual(Object.keys(cm.metadata.labels).sort(), ['__proto__', 'app']);
      assert.equal(Object.getOwnPropertyDescriptor(cm.data, '__proto__')?.value, 'v');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('rejects a known field sent with the wrong wire type', () => {
      // Namespace.metadata (field 1) as a varint instead of a length-delimited message
      const unknown = root.lookupType('k8s.Unknown');
      const body = Buffer.concat([
        Buffer.from('k8s\0', 'binary'),
        unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw: Buffer.from([0x08, 0x01]) })).finish(),
      ]);
      assert.throws(() => decodeKubernetesProtobuf(body), /malformed Namespace: Namespace\.metadata: expected wire type 2, got 0/);
    });
  });

  describe('the request-body decoder (http/body.ts)', () => {
    it('reads protobuf by its content type, parameters allowed', () => {
      const { bin, expected } = fixture('create-namespace');
      assert.ok(isKubernetesProtobuf('application/vnd.kubernetes.protobuf; charset=binary'));
      assert.deepEqual(decodeObject('application/vnd.kubernetes.protobuf', bin), expected);
    });

    it('reads JSON, also without a content type, and YAML', () => {
      const body = Buffer.from('{"kind":"Pod","apiVersion":"v1","metadata":{"name":"tmp"}}');
      const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'tmp' } };
      assert.deepEqual(decodeObject('application/json; charset=utf-8', body), pod);
      assert.deepEqual(decodeObject(undefined, body), pod);
      assert.deepEqual(decodeObject('application/yaml', Buffer.from('kind: Pod')), { kind: 'Pod' });
    });

    it('refuses other media types with a 415, and bad JSON or protobuf with a 400 and the reason', () => {
      assert.throws(() => decodeObject('text/yaml', Buffer.from('kind: Pod')), (err: unknown) => err instanceof ApiError && err.code === 415 && /unknown format/.test(err.message));
      assert.throws(() => decodeObject('application/json', Buffer.from('{"kind":')), (err: unknown) => err instanceof ApiError && err.code === 400 && /json parse error/.test(err.message));
      assert.throws(() => decodeObject('application/vnd.kubernetes.protobuf', Buffer.from('nope')), (err: unknown) => err instanceof ApiError && err.code === 400 && /magic/.test(err.message));
    });
  });

  // The captured fixtures pin one kubectl build; this checks the kubectl installed here, end to
  // end: its typed create commands POST protobuf to a local server that decodes them, and the
  // decoded object must equal what the same command prints with --dry-run=client -o json.
  describe('live: the installed kubectl', function () {
    this.timeout(60_000);
    const KUBECTL = findKubectl() ?? '';
    let server: http.Server | undefined;
    let home = '';
    let kubeconfig = '';
    const received: Array<{ path: string; contentType: string | undefined; object: unknown }> = [];

    function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(KUBECTL, args, { env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: kubeconfig }, timeout: 20_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      });
    }

    before(async function () {
      if (!KUBECTL || !existsSync(KUBECTL)) {
        console.warn(`\n    !!! kubectl not found on PATH (or $KUBECTL): the live kubectl protobuf tests are SKIPPED !!!\n`);
        this.skip();
      }
      home = mkdtempSync(path.join(tmpdir(), 'demo-protobuf-kubectl-'));
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const reply = (code: number, body: unknown) => {
            res.writeHead(code, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify(body));
          };
          const url = new URL(req.url ?? '/', 'http://local');
          if (req.method === 'GET' && url.pathname === '/version') return reply(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
          if (req.method !== 'POST') return reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
          try {
            const object = decodeObject(req.headers['content-type'], Buffer.concat(chunks));
            received.push({ path: url.pathname, contentType: req.headers['content-type'], object });
            const created = structuredClone(object) as { metadata?: Record<string, unknown> };
            created.metadata = { ...created.metadata, uid: 'e3b0c442-98fc-1c14-9afb-f4c8996fb924', resourceVersion: '1', creationTimestamp: '2026-11-26T07:00:00Z' };
            reply(201, created);
          } catch (err) {
            reply(400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', message: (err as Error).message, code: 400 });
          }
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      kubeconfig = path.join(home, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: http://127.0.0.1:${port}\nusers:\n- name: t\n  user:\n    token: t\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: t\n    namespace: default\ncurrent-context: t\n`,
      );
    });

    after(async () => {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      if (home) rmSync(home, { recursive: true, force: true });
    });

    const cases = [
      { args: ['create', 'deployment', 'lesson', '--image=nginx:1.28', '--replicas=2', '--port=80'], path: '/apis/apps/v1/namespaces/default/deployments' },
      { args: ['create', 'service', 'nodeport', 'lesson', '--tcp=80:8080', '--node-port=30080'], path: '/api/v1/namespaces/default/services' },
      { args: ['create', 'namespace', 'workshop'], path: '/api/v1/namespaces' },
      { args: ['create', 'configmap', 'settings', '--from-literal=MODE=demo'], path: '/api/v1/namespaces/default/configmaps' },
    ];
    for (const c of cases) {
      it(`kubectl ${c.args.join(' ')}`, async () => {
        received.length = 0;
        const run = await kubectl(c.args);
        assert.equal(run.code, 0, `kubectl failed: ${run.stderr}`);
        assert.match(run.stdout, / created\n$/);
        assert.equal(received.length, 1);
        assert.equal(received[0].path, c.path);
        assert.ok(isKubernetesProtobuf(received[0].contentType), `sent as ${received[0].contentType}`);
        const dry = await kubectl([...c.args, '--dry-run=client', '-o', 'json']);
        assert.equal(dry.code, 0, dry.stderr);
        assert.deepEqual(received[0].object, JSON.parse(dry.stdout));
      });
    }
  });
});

