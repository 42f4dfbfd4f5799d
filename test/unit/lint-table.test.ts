// The detection table: each case is a manifest in which ⟦…⟧ marks exactly the text that must be
// flagged (the markers are removed before linting). A case without markers is a trap: nothing in
// it may be flagged. Ranges are compared exactly, so an off-by-one in any mapping fails here.
import { strict as assert } from 'node:assert';
import { lintText, type RuleId } from '../../src/core/lint';
import { unmark } from './marked';

interface Case {
  name: string;
  text: string;
  rule?: RuleId;
}

/** A Pod whose one container has an env var with this (raw YAML) value. */
function env(value: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: app
      env:
        - name: BACKEND_HOST
          value: ${value}
`;
}

/** A resource of this kind with the given YAML body under it. */
function res(kind: string, body: string): string {
  return `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: r\n${body}`;
}

const flagged: Case[] = [
  { name: 'plain IPv4', text: env('⟦10.244.1.7⟧') },
  { name: 'IPv4 with port', text: env('⟦10.244.1.7:8080⟧') },
  { name: 'double-quoted', text: env('"⟦10.244.1.7:8080⟧"') },
  { name: 'single-quoted', text: env("'⟦10.244.1.7⟧'") },
  { name: 'after an escape in a double-quoted string', text: env('"a\\t⟦10.244.1.7⟧\\n"') },
  { name: 'after an escaped quote', text: env('"say \\"⟦10.1.1.1⟧\\""') },
  { name: 'URL host', text: env('http://⟦10.244.1.7⟧/healthz') },
  { name: 'URL host and port', text: env('"https://⟦10.244.1.7:8443⟧/api/v1"') },
  { name: 'URL path that looks like a prefix length', text: env('http://⟦10.0.0.7⟧/24') },
  { name: 'connection string with credentials', text: env('postgres://u:p@⟦10.0.0.7:5432⟧/db') },
  { name: 'redis URL', text: env('redis://:secret@⟦10.1.2.3:6379⟧/0') },
  { name: 'JDBC URL', text: env('jdbc:mysql://⟦10.9.8.7:3306⟧/shop?useSSL=false') },
  { name: 'comma list', text: env('"⟦10.0.0.1:2379⟧,⟦10.0.0.2:2379⟧,⟦10.0.0.3:2379⟧"') },
  { name: 'space list', text: env('"⟦10.0.0.1⟧ ⟦10.0.0.2⟧"') },
  { name: 'semicolon list', text: env('"⟦10.0.0.1⟧;⟦10.0.0.2⟧"') },
  { name: 'key=value option', text: env('--peer=⟦10.1.2.3:7000⟧') },
  { name: 'end of sentence', text: env('"connect to ⟦10.1.2.3⟧."') },
  { name: 'in parentheses', text: env('"(⟦10.1.2.3⟧)"') },
  { name: 'docker-style bind', text: env('"-p ⟦10.0.0.7:8080⟧:80"') },
  { name: 'public address', text: env('⟦52.94.236.248⟧') },
  { name: 'CGNAT address', text: env('⟦100.64.0.10⟧') },
  { name: 'IPv6 compressed', text: env('"⟦fd00:10:244::7⟧"') },
  { name: 'IPv6 full', text: env('"⟦fd00:0db8:0000:0000:0000:ff00:0042:8329⟧"') },
  { name: 'IPv6 bracketed with port', text: env('"⟦[fd00:db8::1]:8080⟧"') },
  { name: 'IPv6 bracketed in URL', text: env('"http://⟦[fd00:db8::1]⟧/x"') },
  { name: 'IPv6 zone id', text: env('"⟦fd00::1%eth0⟧"') },
  { name: 'IPv6 zone id URL-encoded in URL', text: env('"http://⟦[fd00::1%25eth0]:80⟧/"') },
  { name: 'IPv4-mapped IPv6', text: env('"⟦::ffff:10.1.2.3⟧"') },
  { name: 'IPv6 at end of sentence', text: env('"use ⟦fd00:db8::1⟧."') },
  { name: 'plain scalar with spaces', text: env('connect ⟦10.1.2.3⟧ now') },
  {
    name: 'block literal scalar (nginx.conf)',
    text: res('ConfigMap', 'data:\n  nginx.conf: |\n    upstream b {\n      server ⟦10.244.1.7:8080⟧;\n    }\n'),
  },
  { name: 'folded block scalar', text: res('ConfigMap', 'data:\n  cmd: >-\n    curl\n    http://⟦10.1.2.3⟧/\n') },
  { name: 'flow sequence', text: res('Pod', 'spec:\n  containers: [{name: c, args: [--backend, ⟦10.1.2.3⟧, "--upstream=⟦10.1.2.4:80⟧"]}]\n') },
  { name: 'shell command', text: res('Pod', 'spec:\n  containers:\n    - name: c\n      command: ["sh", "-c", "until nc -z ⟦10.1.2.3⟧ 5432; do sleep 1; done"]\n') },
  { name: 'liveness probe host', text: res('Pod', 'spec:\n  containers:\n    - name: c\n      livenessProbe:\n        httpGet: {host: ⟦10.1.2.3⟧, port: 80, path: /}\n') },
  { name: 'ConfigMap data', text: res('ConfigMap', 'data:\n  DB_HOST: ⟦10.1.2.3⟧\n') },
  { name: 'Secret stringData', text: res('Secret', 'stringData:\n  url: amqp://⟦10.1.2.3:5672⟧\n') },
  { name: 'annotation carrying an endpoint', text: res('Deployment', '  annotations:\n    example.com/upstream: ⟦10.1.2.3:9000⟧\n') },
  { name: 'Service externalName is not an IP field', text: res('Service', 'spec:\n  type: ExternalName\n  externalName: ⟦10.1.2.3⟧\n') },
  {
    name: 'JSON document',
    text: '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},\n "spec": {"containers": [{"name": "c", "args": ["--server=⟦10.1.2.3:80⟧"]}]}}\n',
  },
  {
    name: 'concatenated JSON watch events (kubectl get -w -o json)',
    text: '{"type": "ADDED", "object": {"kind": "Pod", "spec": {"containers": [{"args": ["--server=⟦10.1.2.3:80⟧"]}]}, "status": {"podIP": "10.244.1.7"}}}\n{\n  "type": "MODIFIED",\n  "object": {"kind": "Pod", "status": {"podIP": "10.244.1.8"}, "spec": {"containers": [{"args": ["--server", "⟦10.1.2.4⟧"]}]}}\n}\n',
  },
  { name: 'second document of a stream', text: `${res('ConfigMap', 'data: {a: b}\n')}---\n${env('⟦10.1.2.3⟧')}` },
  { name: 'item of a List', text: 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    data: {h: ⟦10.1.2.3⟧}\n' },
  { name: 'Secret data, base64 (the whole value is marked)', text: res('Secret', 'data:\n  url: ⟦MTAuMC4wLjc6NTQzMg==⟧\n') },
  { name: 'Secret data, base64 in quotes', text: res('Secret', 'data:\n  url: "⟦cG9zdGdyZXM6Ly8xMC4xLjIuMy9kYg==⟧"\n') },
  { name: 'CRLF line endings', text: env('"⟦10.244.1.7:8080⟧"').replace(/\n/g, '\r\n') },
  { name: 'byte order mark', text: `\uFEFF${env('⟦10.244.1.7⟧')}` },
  {
    name: 'Service loadBalancerIP: a deprecation hint, not an ip-literal',
    rule: 'load-balancer-ip',
    text: res('Service', 'spec:\n  type: LoadBalancer\n  ⟦loadBalancerIP: 203.0.113.8⟧\n'),
  },
  { name: 'hostNetwork', rule: 'host-network', text: res('Pod', 'spec:\n  ⟦hostNetwork: true⟧\n  containers: []\n') },
  {
    name: 'hostNetwork in a Deployment template',
    rule: 'host-network',
    text: res('Deployment', 'spec:\n  template:\n    spec:\n      ⟦hostNetwork: true⟧\n'),
  },
  { name: 'hostNetwork in JSON', rule: 'host-network', text: '{"kind": "Pod", "spec": {⟦"hostNetwork": true⟧}}\n' },
  {
    name: 'hostPort',
    rule: 'host-port',
    text: res('Pod', 'spec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: 80\n          ⟦hostPort: 8080⟧\n'),
  },
  {
    name: 'Helm template that is not valid YAML falls back to a line scan',
    text: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: {{ .Values.a }}\n{{ include "x" . }}\n  upstream: ⟦10.1.2.3:80⟧\n',
  },
];

const traps: Case[] = [
  { name: 'loopback', text: env('127.0.0.1') },
  { name: 'link-local (cloud metadata)', text: env('169.254.169.254') },
  { name: 'link-local with a zone id', text: env('"http://[fe80::1%25eth0]:80/"') },
  { name: 'documentation range (RFC 5737)', text: env('203.0.113.7') },
  { name: 'documentation range (RFC 3849)', text: env('"[2001:db8::1]:8080"') },
  { name: 'multicast', text: env('239.1.2.3') },
  { name: 'broadcast', text: env('255.255.255.255') },
  { name: 'loopback with port', text: env('"127.0.0.1:9000"') },
  { name: 'IPv6 loopback', text: env('"[::1]:80"') },
  { name: 'unspecified', text: env('0.0.0.0') },
  { name: 'unspecified with port', text: env('"0.0.0.0:8080"') },
  { name: 'IPv6 unspecified', text: env('"::"') },
  { name: 'IPv4-mapped loopback', text: env('"::ffff:127.0.0.1"') },
  { name: 'CIDR', text: env('10.0.0.0/8') },
  { name: 'CIDR list', text: env('"10.0.0.0/8,192.168.0.0/16"') },
  { name: 'IPv6 CIDR', text: env('"fd00::/8"') },
  { name: 'version string', text: env('v1.2.3.4') },
  { name: 'version flag', text: env('--version=1.2.3.4') },
  { name: 'semver', text: env('1.2.3') },
  { name: 'semver pre-release', text: env('1.2.3-rc.1') },
  { name: 'four-part version with pre-release', text: env('1.2.3.4-beta1') },
  { name: 'four-part version with build', text: env('1.2.3.4+build5') },
  { name: 'OID', text: env('1.3.6.1.4.1.311') },
  { name: 'five-part number', text: env('10.0.0.7.1') },
  { name: 'IP inside a longer dotted name', text: env('node.10.0.0.7.1') },
  { name: 'date', text: env('2024.01.15') },
  { name: 'ISO timestamp', text: env('2024-01-15T10:30:00Z') },
  { name: 'time', text: env('"10:30:45"') },
  { name: 'MAC address', text: env('00:1a:2b:3c:4d:5e') },
  { name: 'MAC with upper case', text: env('00:1A:2B:3C:4D:5E') },
  { name: 'sha256 digest', text: env('sha256:ab12cd34ef56') },
  { name: 'C++ scope', text: env('"std::cout"') },
  { name: 'word of hex letters with ::', text: env('"cafe::babe"') },
  { name: 'leading-zero octets (not an address)', text: env('010.001.002.003') },
  { name: 'octet over 255', text: env('10.0.0.256') },
  { name: 'three octets', text: env('10.0.0') },
  { name: 'letters glued to the end', text: env('10.0.0.7abc') },
  { name: 'image tag', text: res('Pod', 'spec:\n  containers:\n    - name: c\n      image: registry.local/app:1.2.3.4\n') },
  { name: 'image tag inside a command', text: env('"docker pull nginx:1.2.3.4"') },
  { name: 'comment', text: res('ConfigMap', '# talk to 10.1.2.3\ndata: {a: b} # or 10.1.2.4\n') },
  { name: 'Service clusterIP', text: res('Service', 'spec:\n  clusterIP: 10.96.0.10\n  clusterIPs: [10.96.0.10, "fd00::10"]\n') },
  { name: 'Service externalIPs', text: res('Service', 'spec:\n  externalIPs:\n    - 203.0.113.7\n') },
  { name: 'Service loadBalancerSourceRanges', text: res('Service', 'spec:\n  loadBalancerSourceRanges: [203.0.113.0/24]\n') },
  { name: 'NetworkPolicy ipBlock', text: res('NetworkPolicy', 'spec:\n  egress:\n    - to:\n        - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.2.3/32]}\n') },
  { name: 'EndpointSlice addresses', text: res('EndpointSlice', 'endpoints:\n  - addresses: [10.244.1.7]\n') },
  { name: 'Endpoints subsets', text: res('Endpoints', 'subsets:\n  - addresses:\n      - ip: 10.244.1.7\n') },
  { name: 'hostAliases ip', text: res('Pod', 'spec:\n  hostAliases:\n    - ip: 10.1.2.3\n      hostnames: [a]\n') },
  { name: 'dnsConfig nameservers', text: res('Pod', 'spec:\n  dnsConfig:\n    nameservers: [10.96.0.10]\n') },
  { name: 'status', text: res('Pod', 'status:\n  podIP: 10.244.1.7\n  hostIP: 192.168.1.10\n') },
  { name: 'Node podCIDR', text: res('Node', 'spec:\n  podCIDR: 10.244.1.0/24\n') },
  { name: 'version label', text: res('Pod', '  labels: {app.kubernetes.io/version: "1.2.3.4"}\n') },
  { name: 'appVersion field', text: res('ConfigMap', 'data:\n  appVersion: 1.2.3.4\n') },
  { name: 'key holding an IP (keys are not values)', text: res('ConfigMap', 'data:\n  "10.1.2.3": x\n') },
  { name: 'empty loadBalancerIP', text: res('Service', 'spec:\n  loadBalancerIP: ""\n') },
  { name: 'loadBalancerIP outside a Service spec', text: res('ConfigMap', 'data:\n  loadBalancerIP: x\n') },
  { name: 'hostNetwork false', text: res('Pod', 'spec:\n  hostNetwork: false\n') },
  { name: 'hostPort outside ports', text: res('ConfigMap', 'data:\n  hostPort: "8080"\n') },
  { name: 'Helm template placeholder', text: env('"{{ .Values.backendIp }}"') },
  { name: 'suppressed by comment', text: res('ConfigMap', 'data:\n  # pod-ip-lens-disable-next-line\n  a: 10.1.2.3\n') },
  { name: 'suppressed for this rule', text: res('ConfigMap', 'data:\n  # pod-ip-lens-disable-next-line ip-literal\n  a: 10.1.2.3\n') },
  { name: 'Secret data, base64 of a loopback address', text: res('Secret', 'data:\n  redis: MTI3LjAuMC4xOjYzNzk=\n') },
  { name: 'Secret data, base64 of a version', text: res('Secret', 'data:\n  v: djEuMi4zLjQ=\n') },
  { name: 'Secret data that is not base64', text: res('Secret', 'data:\n  v: not-base64!\n') },
  { name: 'address range', text: res('ConfigMap', 'data:\n  pool: 192.168.1.240-192.168.1.250\n') },
  {
    name: 'kubectl last-applied-configuration annotation',
    text: res('Service', '  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {"spec":{"clusterIP":"10.96.0.10"}}\nspec:\n  clusterIP: 10.96.0.10\n'),
  },
  { name: 'status in JSON Lines watch events', text: '{"type":"ADDED","object":{"kind":"Pod","status":{"podIP":"10.244.1.7","hostIP":"172.18.0.3"}}}\n{"type":"DELETED","object":{"kind":"Pod","status":{"podIP":"10.244.1.7"}}}\n' },
  { name: 'status in a List item', text: 'apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    status: {podIP: 10.244.1.7}\n' },
];

describe('lint detection table', () => {
  it('has at least 80 cases, half of them traps', () => {
    assert.ok(flagged.length + traps.length >= 80, `${flagged.length + traps.length} cases`);
    assert.ok(traps.length * 2 >= flagged.length + traps.length, `${traps.length} traps of ${flagged.length + traps.length}`);
  });

  for (const c of flagged) {
    it(`flags: ${c.name}`, () => {
      const { text, ranges } = unmark(c.text);
      assert.ok(ranges.length > 0, 'a flagged case needs a ⟦marker⟧');
      const got = lintText(text).findings.map((f) => [f.rule, text.slice(f.start, f.end), f.start, f.end]);
      const want = ranges.map(([s, e]) => [c.rule ?? 'ip-literal', text.slice(s, e), s, e]);
      assert.deepEqual(got, want);
    });
  }

  for (const c of traps) {
    it(`does not flag: ${c.name}`, () => {
      const { text, ranges } = unmark(c.text);
      assert.equal(ranges.length, 0);
      const got = lintText(text).findings.map((f) => `${f.rule} ${text.slice(f.start, f.end)} at ${f.path}`);
      assert.deepEqual(got, []);
    });
  }
});
