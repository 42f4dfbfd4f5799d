// Why is the IP there? Each case is a manifest in which ⟦…⟧ marks exactly the literals a client
// connects to (reported); every other IP in it is a declaration of the network, prose, or an
// address that is never a client's pinned dependency (not reported). Written for the principle:
// one or two cases per role, key style and resource kind, with traps beside look-alikes.
import { strict as assert } from 'node:assert';
import { lintText, type Finding } from '../../src/core/lint';
import { unmark } from './marked';

interface Case {
  name: string;
  text: string;
}

const meta = (kind: string, apiVersion = 'v1') => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: r\n  namespace: shop\n`;

/** A Deployment whose container has these (raw YAML) lines under it, indented for the container. */
function container(lines: string): string {
  return `${meta('Deployment', 'apps/v1')}spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/app:1.2\n${lines.replace(/^/gm, '          ')}\n`;
}
const envs = (pairs: [string, string][]) => container(`env:\n${pairs.map(([n, v]) => `  - name: ${n}\n    value: ${v}`).join('\n')}`);
const configMap = (key: string, body: string) => `${meta('ConfigMap')}data:\n  ${key}: |\n${body.replace(/^/gm, '    ')}\n`;

const targets: Case[] = [
  { name: 'env var named for a host', text: envs([['DB_HOST', '⟦10.20.0.5⟧']]) },
  { name: 'env var with a qualified address word', text: envs([['MYSQL_SERVICE_IP', '"⟦10.20.0.6⟧"'], ['CACHE_ADDR', '⟦10.20.0.7:6379⟧']]) },
  { name: 'env var holding a connection URL', text: envs([['QUEUE_URL', 'amqp://user:pw@⟦10.20.0.8:5672⟧/vh'], ['DATABASE', 'postgres://⟦10.20.0.9⟧/shop']]) },
  { name: 'flag with =', text: container('args: ["--upstream=⟦10.20.1.1:8080⟧", "--metrics.endpoint=http://⟦10.20.1.2:9090⟧/push"]') },
  { name: 'flag and value as two items', text: container('args:\n  - --server\n  - ⟦10.20.1.3⟧\n  - --log-level\n  - info') },
  { name: 'qualified address flag', text: container('args: ["--nas.address=⟦10.20.1.4:1443⟧"]') },
  { name: 'shell loop that waits for a port', text: container('command: ["sh", "-c", "until nc -z ⟦10.20.1.5⟧ 5432; do sleep 1; done"]') },
  { name: 'curl in a CronJob script', text: `${meta('CronJob', 'batch/v1')}spec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: c\n              command: ["/bin/sh", "-c", "curl -fsS -X POST ⟦10.20.1.6:8080⟧/backup"]\n` },
  { name: 'JVM system property inside an env var', text: envs([['JAVA_OPTS', '"-Xmx1g -Dorders.db.host=⟦10.20.1.7⟧ -Dfile.encoding=UTF-8"']]) },
  {
    name: 'nginx: proxy_pass and upstream servers, not listen or allow',
    text: configMap('nginx.conf', 'upstream app {\n  server ⟦10.20.2.1:8080⟧ weight=5;\n  server ⟦10.20.2.2:8080⟧;\n}\nserver {\n  listen 10.20.2.3:80;\n  allow 10.20.2.4;\n  set_real_ip_from 10.20.2.5;\n  location /api { proxy_pass http://⟦10.20.2.6:9000⟧; }\n}'),
  },
  { name: 'haproxy backend servers', text: configMap('haproxy.cfg', 'frontend fe\n  bind 10.20.3.1:80\nbackend be\n  server web1 ⟦10.20.3.2:80⟧ check\n  server web2 ⟦10.20.3.3:80⟧ check') },
  {
    name: 'Prometheus scrape targets and an alertmanager',
    text: configMap('prometheus.yml', "global:\n  scrape_interval: 30s\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['⟦10.20.4.1:9093⟧']\nscrape_configs:\n  - job_name: nodes\n    static_configs:\n      - targets: ['⟦10.20.4.2:9100⟧', '⟦10.20.4.3:9100⟧']\n        labels:\n          rack: r1"),
  },
  { name: 'Grafana datasource in a provisioning file', text: configMap('datasources.yaml', 'apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://⟦10.20.4.4:9090⟧\n    access: proxy') },
  { name: 'redis replica and sentinel config', text: configMap('redis.conf', 'bind 0.0.0.0\nreplicaof ⟦10.20.5.1⟧ 6379\n# replicaof 10.20.5.2 6379\nsentinel monitor mymaster ⟦10.20.5.3⟧ 6379 2') },
  { name: 'kubeconfig in a Secret', text: `${meta('Secret')}stringData:\n  kubeconfig: |\n    apiVersion: v1\n    clusters:\n      - name: remote\n        cluster:\n          server: https://⟦10.20.6.1:6443⟧\n` },
  { name: 'webhook client URL', text: `${meta('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1')}webhooks:\n  - name: v.example.com\n    clientConfig:\n      url: https://⟦10.20.6.2:8443⟧/validate\n` },
  { name: 'chart values in a HelmRelease: a database host, scrape endpoints', text: `${meta('HelmRelease', 'helm.toolkit.fluxcd.io/v2')}spec:\n  values:\n    externalDatabase:\n      host: ⟦10.20.7.1⟧\n      port: 5432\n    kubeScheduler:\n      endpoints:\n        - ⟦10.20.7.2⟧\n        - ⟦10.20.7.3⟧\n` },
  { name: 'ExternalName Service pointed at an IP', text: `${meta('Service')}spec:\n  type: ExternalName\n  externalName: ⟦10.20.8.1⟧\n` },
  { name: 'StorageClass provisioner REST URL (a controller calls it)', text: `${meta('StorageClass', 'storage.k8s.io/v1')}provisioner: kubernetes.io/glusterfs\nparameters:\n  resturl: "http://⟦10.20.8.2:8080⟧"\n  restuser: admin\n` },
  { name: 'kubeadm control plane endpoint', text: 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\ncontrolPlaneEndpoint: "⟦10.20.8.3:6443⟧"\nnetworking:\n  podSubnet: 10.244.0.0/16\n' },
  { name: 'a host:port authority (what a client dials), whatever the name', text: envs([['WORKER', '⟦10.20.8.5:9090⟧'], ['MODE', '"fast ⟦10.20.8.6:80⟧"']]) },
  { name: 'ConfigMap key naming an endpoint', text: `${meta('ConfigMap')}data:\n  ELASTICSEARCH_HOSTS: "http://⟦10.20.8.4:9200⟧"\n  LOG_LEVEL: info\n` },
  { name: 'the same env var in two containers: one finding, the other place related', text: `${meta('Deployment', 'apps/v1')}spec:\n  template:\n    spec:\n      initContainers:\n        - name: wait\n          env: [{name: API_SERVER_HOST, value: "⟦10.20.9.1⟧"}]\n        - name: migrate\n          env: [{name: API_SERVER_HOST, value: "10.20.9.1"}]\n` },
  { name: 'JSON manifest', text: '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "env": [{"name": "BROKER_URL", "value": "tcp://⟦10.20.9.2:1883⟧"}]}]}}\n' },
  { name: 'a URL under an unqualified address key is still dialled', text: `${meta('BareMetalHost', 'metal.example/v1')}spec:\n  bmc:\n    address: ipmi://⟦10.20.9.5:6230⟧\n    credentialsName: bmc-secret\n` },
  { name: 'template that is not YAML (line scan), env by name', text: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: c\n      env:\n{{- if .Values.x }}\n        - name: SMTP_HOST\n          value: ⟦10.20.9.3⟧\n{{- end }}\n        - name: BIND_ADDR\n          value: 10.20.9.4\n` },
];

const declarations: Case[] = [
  { name: 'bind, listen and advertise addresses', text: envs([['BIND_ADDRESS', '10.30.0.1'], ['LISTEN_ADDR', '10.30.0.2:8080'], ['ADVERTISE_URL', 'http://10.30.0.3:8080'], ['EXTERNAL_URL', 'https://10.30.0.4/']]) },
  { name: 'bind flags', text: container('args: ["--bind-address=10.30.0.5", "--advertise-address", "10.30.0.6", "--node-ip=10.30.0.7", "--address=10.30.0.8"]') },
  { name: 'the owner’s own address (unqualified name)', text: envs([['address', '10.30.0.9'], ['POD_IP', '10.30.0.10'], ['NODE_IP', '10.30.0.11'], ['vip_address', '10.30.0.12']]) },
  { name: 'resolvers and nameservers', text: container('env:\n  - name: DNS_SERVER\n    value: 10.30.1.1\n  - name: UPSTREAM_NAMESERVERS\n    value: "10.30.1.2,10.30.1.3"\nargs: ["--dns=10.30.1.4", "--resolver=udp://10.30.1.5:53"]') },
  { name: 'a DNS port is a resolver', text: envs([['HEALTH_TARGET', '10.30.1.6:53']]) },
  { name: 'public resolvers used as resolvers and probed', text: `${configMap('smokeping.yaml', 'targets:\n  - hosts:\n      - 1.1.1.1\n      - 8.8.8.8\n      - 2001:4860:4860::8888')}` },
  { name: 'ICMP probes and ping', text: `${configMap('gatus.yaml', 'endpoints:\n  - name: router\n    url: icmp://10.30.2.1\n    interval: 1m')}---\n${container('command: ["sh", "-c", "ping -c 3 10.30.2.2 && traceroute 10.30.2.3"]')}` },
  { name: 'gateways, routes and pools in a CNI config', text: `${meta('NetworkAttachmentDefinition', 'k8s.cni.cncf.io/v1')}spec:\n  config: '{"cniVersion": "0.3.1", "type": "macvlan", "ipam": {"type": "static", "addresses": [{"address": "10.30.3.10/24", "gateway": "10.30.3.1"}], "routes": [{"dst": "0.0.0.0/0", "gw": "10.30.3.1"}]}}'\n` },
  { name: 'secondary network request on a Pod', text: `${meta('Pod')}  annotations:\n    k8s.v1.cni.cncf.io/networks: '[{"name": "lan", "ips": ["10.30.3.11"]}]'\nspec:\n  containers: [{name: c, image: x}]\n` },
  { name: 'load-balancer IP requests (annotations and chart values)', text: `${meta('Service')}  annotations:\n    metallb.universe.tf/loadBalancerIPs: 10.30.4.1\n    lbipam.cilium.io/ips: "10.30.4.2"\n    kube-vip.io/loadbalancerIPs: 10.30.4.3\nspec:\n  type: LoadBalancer\n---\n${meta('HelmRelease', 'helm.toolkit.fluxcd.io/v2')}spec:\n  values:\n    service:\n      main:\n        type: LoadBalancer\n        loadBalancerIP: 10.30.4.4\n        externalIPs: [10.30.4.5]\n      dns:\n        clusterIP: 10.30.4.6\n` },
  { name: 'DNS record targets', text: `${meta('Ingress', 'networking.k8s.io/v1')}  annotations:\n    external-dns.alpha.kubernetes.io/target: 10.30.5.1\nspec:\n  rules: []\n---\n${meta('DNSEndpoint', 'externaldns.k8s.io/v1alpha1')}spec:\n  endpoints:\n    - dnsName: app.example.org\n      recordType: A\n      targets: [10.30.5.2]\n` },
  { name: 'kinds that declare the network: pools, peers, policy, registry entries', text: `${meta('IPAddressPool', 'metallb.io/v1beta1')}spec:\n  addresses: [10.30.6.10-10.30.6.20, 10.30.6.30/32]\n---\n${meta('BGPPeer', 'metallb.io/v1beta2')}spec:\n  peerAddress: 10.30.6.1\n  peerASN: 64512\n---\n${meta('CiliumLoadBalancerIPPool', 'cilium.io/v2alpha1')}spec:\n  blocks:\n    - start: 10.30.6.40\n      stop: 10.30.6.50\n---\n${meta('ServiceEntry', 'networking.istio.io/v1')}spec:\n  hosts: [db.legacy]\n  endpoints:\n    - address: 10.30.6.60\n---\n${meta('AuthorizationPolicy', 'security.istio.io/v1')}spec:\n  rules:\n    - from:\n        - source:\n            ipBlocks: [10.30.6.70]\n---\n${meta('Certificate', 'cert-manager.io/v1')}spec:\n  ipAddresses: [10.30.6.80]\n` },
  { name: 'BGP speaker settings in env and embedded config', text: `${envs([['BGP_PEERS', '"10.30.7.1:65000::false"'], ['BGP_ROUTERID', '10.30.7.2']])}---\n${configMap('config', 'peers:\n  - peer-address: 10.30.7.3\n    peer-asn: 64512\n    source-address: 10.30.7.4\n    router-id: 10.30.7.5')}` },
  { name: 'allow and deny lists, trusted proxies, no_proxy', text: envs([['TRUSTED_PROXIES', '"10.30.8.1,10.30.8.2"'], ['NO_PROXY', '"10.30.8.3,.svc"'], ['ALLOWED_IPS', '10.30.8.4'], ['IP_WHITELIST', '10.30.8.5']]) },
  { name: 'storage the kubelet mounts from the node', text: `${meta('Pod')}spec:\n  containers: [{name: c, image: x}]\n  volumes:\n    - name: share\n      nfs: {server: 10.30.9.1, path: /exports}\n    - name: lun\n      iscsi: {targetPortal: "10.30.9.2:3260", portals: ["10.30.9.3:3260"], iqn: iqn.x, lun: 0}\n---\n${meta('PersistentVolume')}spec:\n  cephfs:\n    monitors: [10.30.9.4:6789]\n` },
  { name: 'storage protocols in chart values and provisioner settings (the node mounts them)', text: `${meta('HelmRelease', 'helm.toolkit.fluxcd.io/v2')}spec:\n  values:\n    persistence:\n      media:\n        type: nfs\n        server: 10.30.9.20\n        path: /media\n    nfs:\n      server: 10.30.9.21\n---\n${envs([['NFS_SERVER', '10.30.9.22'], ['CEPH_MONITORS', '"10.30.9.23:6789,10.30.9.24:6789"']])}---\n${meta('StorageClass', 'storage.k8s.io/v1')}parameters:\n  targetPortal: 10.30.9.25:3260\n  monitors: 10.30.9.26:6789\n` },
  { name: 'image registries and mirrors (the node pulls, without cluster DNS)', text: envs([['REGISTRY', '10.30.9.5:5000'], ['MIRROR_ADDR', '10.30.9.6:5000']]) },
  { name: 'WebRTC candidates the server advertises', text: configMap('go2rtc.yaml', 'webrtc:\n  listen: ":8555"\n  candidates:\n    - 10.30.9.7:8555\n    - stun:8555') },
  { name: 'a hosts file', text: configMap('hosts', '10.30.9.8  db.internal db\n10.30.9.9  cache.internal') },
  { name: 'an address named by a comment as a gateway', text: configMap('targets.yaml', 'hosts:\n  - 10.30.9.10   # upstream gateway') },
  { name: 'substitution variables defining addresses (no consumer in sight)', text: `${meta('ConfigMap')}data:\n  SVC_INGRESS_ADDR: 10.30.9.11\n  GATEWAY_IP: 10.30.9.12\n` },
  { name: 'records with an ip field (Endpoints-like lists in a custom resource)', text: `${meta('ObjectStore', 'example.io/v1')}spec:\n  gateway:\n    externalEndpoints:\n      - ip: 10.30.9.13\n` },
  { name: 'hostAliases and dnsConfig', text: `${meta('Pod')}spec:\n  hostAliases:\n    - ip: 10.30.9.14\n      hostnames: [legacy]\n  dnsConfig:\n    nameservers: [10.30.9.15]\n  containers: [{name: c, image: x}]\n` },
];

const prose: Case[] = [
  { name: 'CRD schema descriptions, examples and CEL rules', text: `${meta('CustomResourceDefinition', 'apiextensions.k8s.io/v1')}spec:\n  versions:\n    - name: v1\n      schema:\n        openAPIV3Schema:\n          properties:\n            endpoint:\n              description: 'Where to connect, e.g. "10.40.0.1:8080".'\n              default: 10.40.0.2\n              x-kubernetes-validations:\n                - rule: "!self.startsWith('10.40.0.3')"\n` },
  { name: 'alert text and query label matchers', text: `${meta('PrometheusRule', 'monitoring.coreos.com/v1')}spec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          expr: up{instance="10.40.1.1:9100", job=~"node"} == 0\n          annotations:\n            description: "Host 10.40.1.2 is down"\n            summary: probe of 10.40.1.3 failed\n` },
  { name: 'a dashboard series in an embedded JSON', text: `${meta('ConfigMap')}data:\n  dash.json: |\n    {"targets": [{"expr": "rate(http_requests_total{instance=\\"10.40.2.1:9091\\"}[5m])", "legendFormat": "10.40.2.2"}]}\n` },
  { name: 'comment lines inside an embedded config', text: configMap('app.conf', '# upstream 10.40.3.1:80\n; server = 10.40.3.2\n// proxy_pass http://10.40.3.3;\nserver = my-backend.shop.svc:80   # was 10.40.3.4') },
  { name: 'a comment inside a shell script', text: container('command:\n  - /bin/sh\n  - -c\n  - |\n    # e.g. 10.40.4.1\n    echo start  # talks to 10.40.4.2 later\n    exec app') },
  { name: 'release notes', text: 'apiVersion: release-notes/v2\nkind: bug-fix\nreleaseNotes:\n  - Fixed connections to 10.40.5.1 timing out.\n' },
];

const neverReported: Case[] = [
  { name: 'loopback, unspecified, link-local metadata', text: envs([['DB_HOST', '127.0.0.1'], ['SERVER_URL', 'http://0.0.0.0:8080'], ['METADATA_URL', 'http://169.254.169.254/latest'], ['PEER_HOST', '"[::1]:80"']]) },
  { name: 'documentation and multicast addresses', text: envs([['DB_HOST', '192.0.2.10'], ['API_URL', 'http://198.51.100.7/'], ['BACKEND_HOST', '2001:db8::7'], ['GROUP_ADDR', '239.1.1.1']]) },
  { name: 'an env var whose name says nothing, with a bare address', text: envs([['FOO', '10.50.0.1'], ['PEERS', '"10.50.0.2 10.50.0.3"']]) },
  { name: 'a plain key in a ConfigMap', text: `${meta('ConfigMap')}data:\n  primary: "yes"\n  a: 10.50.0.3\n` },
];

function check(c: Case): void {
  const { text, ranges } = unmark(c.text);
  const got = lintText(text).findings.filter((f) => f.rule === 'ip-literal').map((f) => `${text.slice(f.start, f.end)} @${f.start} (${f.path}: ${f.why})`);
  const want = ranges.map(([s, e]) => text.slice(s, e) + ` @${s}`);
  assert.deepEqual(got.map((g) => g.replace(/ \(.*$/, '')), want, got.join('\n'));
}

describe('lint roles: client targets are reported', () => {
  for (const c of targets) it(c.name, () => check(c));
});
describe('lint roles: declarations of the network are not', () => {
  for (const c of declarations) it(c.name, () => check(c));
});
describe('lint roles: prose is not', () => {
  for (const c of prose) it(c.name, () => check(c));
});
describe('lint roles: addresses that are never a pinned dependency, or where nothing says so', () => {
  for (const c of neverReported) it(c.name, () => check(c));
});

describe('lint address class: message and severity', () => {
  const find = (text: string, options?: Parameters<typeof lintText>[1]): Finding[] => lintText(text, options).findings;
  it('a private address: the Pod message at the rule’s severity', () => {
    const [f] = find(envs([['DB_HOST', '10.60.0.1']]));
    assert.equal(f.severity, 'warning');
    assert.equal(f.audience, 'cluster');
    assert.match(f.message, /^Hard-coded IP 10\.60\.0\.1 — Pod IPs change whenever a Pod is replaced/);
  });
  it('a public address: its own message at info, with its own setting', () => {
    const text = envs([['API_URL', 'https://52.94.236.248/v1'], ['DB_HOST', '10.60.0.2']]);
    const [ext, priv] = find(text);
    assert.equal(ext.severity, 'info');
    assert.equal(ext.audience, 'external');
    assert.doesNotMatch(ext.message, /Pod/);
    assert.match(ext.message, /^Hard-coded external address 52\.94\.236\.248 — .*DNS name.*ExternalName/);
    assert.equal(priv.severity, 'warning');
    assert.deepEqual(find(text, { externalSeverity: 'error' }).map((f) => f.severity), ['error', 'warning']);
    assert.deepEqual(find(text, { externalSeverity: 'off' }).map((f) => f.ip), ['10.60.0.2']);
    assert.deepEqual(find(text, { rules: { 'ip-literal': 'off' } }), []);
    assert.match(lintText(text, { externalSeverity: 'loud' as never }).problems[0], /loud/);
  });
  it('a public resolver is a client target only when reached over HTTP, not as a resolver', () => {
    const text = envs([['HOOK_URL', 'https://1.1.1.1:8443/hook'], ['DOH_URL', 'https://1.1.1.1/dns-query'], ['DNS_HOST', '8.8.8.8']]);
    assert.deepEqual(find(text).map((f) => f.literal), ['1.1.1.1:8443']);
  });
  it('IPv6 literals read clearly in the message', () => {
    const [f] = find(envs([['PEER_HOST', '"fd00::1"']]));
    assert.match(f.message, /^Hard-coded IP fd00::1 — /);
  });
  it('repeats: one finding per literal and field, the other places related, a fix for all', () => {
    const text = `${meta('ConfigMap')}data:\n  routes.json: |\n${Array.from({ length: 5 }, () => '    {"upstream": "10.60.1.1:80"}').join('\n')}\n  other: |\n    upstream: 10.60.1.1:80\n`;
    const fs = find(text);
    assert.equal(fs.length, 2);
    assert.equal(fs[0].related?.length, 4);
    for (const r of fs[0].related!) assert.equal(text.slice(r.start, r.end), '10.60.1.1:80');
    assert.equal(fs[1].related, undefined);
  });
});
