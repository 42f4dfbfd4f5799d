// Why is this IP literal here? The linter reports an address only when something *connects* to it
// (a client target). An address that defines the network (pools, gateways, peers, resolvers, bind
// addresses, registry records, DNS records, policy blocks) or that only appears in prose
// (comments, schema descriptions, query label matchers) is not a hard-coded dependency on a Pod.
//
// The decision is made from evidence, nearest first:
//   1. regions that settle it for everything inside: a CRD schema, `status`, a resource kind that
//      declares the network (ServiceEntry, BGPPeer, IPAddressPool…), a storage source the kubelet
//      mounts, a prose field (description, message…);
//   2. the literal's own text: a comment line of an embedded config file, a query label matcher,
//      a hosts-file line, an ICMP probe URL;
//   3. names, innermost first: the key inside the value (`--flag=`, `host=`, `server …;`, `"gw":`),
//      then the YAML key or env var name that holds it, then its ancestors. The first name that
//      says anything decides; a name that says nothing (`value`, `spec`) passes to its parent.
// Where nothing decides, the literal is not reported: a reviewer would be unsure too.
import type { PathSegment } from './rules';

export type Role = 'target' | 'declaration' | 'prose' | 'unknown';

export interface RoleVerdict {
  role: Role;
  /** A few words on the evidence, for tests and `--explain`-style diagnostics. */
  why: string;
}

/** One level of the path: a map key (with the map's `name` field, if any) or a sequence index. */
export interface PathLevel {
  key: PathSegment;
  /** The `name` of the map that holds `key` (`env[].name`, CoreDNS `plugins[].name`). */
  mapName?: string;
  /** For a sequence index: the scalar item just before it (`args: ["--host", "10.0.0.5"]`). */
  previousItem?: string;
  /** The `type` of the map that holds `key` (`persistence: {type: nfs, server: …}`). */
  mapType?: string;
}

export interface LiteralSite {
  kind?: string;
  levels: readonly PathLevel[];
  /** The whole document text, and the scalar that holds the literal. */
  doc: string;
  valueStart: number;
  valueEnd: number;
  /** The literal itself (address with port and brackets). */
  start: number;
  end: number;
  /** The scalar spans several lines (an embedded config file or script). */
  multiline: boolean;
  port?: number;
  /** Per-scalar memo shared by the literals of one scalar. */
  memo?: ScalarMemo;
}

/** Line structure of one multi-line scalar, computed once for all of its literals. */
export interface ScalarMemo {
  lines?: EmbeddedLine[];
}

interface EmbeddedLine {
  start: number;
  end: number;
  indent: number;
  /** `key:` / `"key":` / `key {` that opens this line, if any. */
  key?: string;
}

/** 3 outranks all; 2 a connection word; 1.5 the owner's own; 1.25 URL syntax; 1.2 an unqualified address name; 1 weak. */
type Strength = number;
interface Evidence {
  role: 'target' | 'declaration';
  strength: Strength;
  why: string;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Strengths: 3 a declaration word that outranks everything (`bind`, `gateway`);
// 2 a connection word (`host`, `server`, `endpoint`); 1.5 a word that makes an address the
// owner's own (`node`, `pod`, `public`, `registry`); 1 a weak connection word (`url`), and the
// address words `ip`/`addr` where they name what a program is given (env vars, flags).

const DECL_STRONG = new Set([
  'bind', 'binds', 'listen', 'listens', 'listener', 'listeners', 'advertise', 'advertised', 'advertises',
  'announce', 'announced', 'candidate', 'candidates', 'gateway', 'gateways', 'gw', 'router', 'routers',
  'routerid', 'route', 'routes', 'dst', 'nexthop', 'subnet', 'subnets', 'cidr', 'cidrs', 'range', 'ranges',
  'rangestart', 'rangeend', 'pool', 'pools', 'prefix', 'prefixes', 'netmask', 'mask', 'broadcast', 'network',
  'networks', 'vip', 'vips', 'floatingip', 'loadbalancer', 'loadbalancerip', 'loadbalancerips', 'lb', 'lbip',
  'lbipam', 'ipam', 'cni', 'clusterip', 'clusterips', 'externalip', 'externalips', 'nameserver', 'nameservers',
  'resolver', 'resolvers', 'dns', 'ntp', 'allow', 'allowed', 'allowlist', 'whitelist', 'deny', 'denied',
  'denylist', 'blacklist', 'blocklist', 'trusted', 'exclude', 'excluded', 'except', 'noproxy', 'bypass',
  'peeraddress', 'peerip', 'peeraddr', 'neighbor', 'neighbors', 'neighbour', 'neighbours', 'bgp', 'asn',
  'vtep', 'hostalias', 'hostaliases', 'icmp', 'ping', 'fping', 'smokeping', 'reserved', 'reservation',
  'reservations', 'realip', 'nfs', 'iscsi', 'rbd', 'ceph', 'cephfs', 'gluster', 'glusterfs', 'smb', 'cifs', 'sourceaddress', 'sourceip', 'hostip', 'nodeip', 'podip', 'podips', 'selfip', 'myip',
]);
const DECL_OWN = new Set(['local', 'self', 'node', 'nodes', 'pod', 'public', 'private', 'external', 'source', 'src', 'registry', 'registries', 'mirror', 'mirrors', 'interface', 'iface', 'nic', 'monitor', 'monitors', 'mon', 'mons', 'portal', 'portals', 'targetportal']);
const TARGET_STRONG = new Set([
  'host', 'hosts', 'hostname', 'server', 'servers', 'endpoint', 'endpoints', 'upstream', 'upstreams', 'backend',
  'backends', 'remote', 'master', 'masters', 'primary', 'broker', 'brokers', 'seed', 'seeds', 'join', 'api',
  'apiserver', 'proxy', 'proxypass', 'dest', 'destination', 'connect', 'connection', 'dsn', 'target', 'targets',
  'webhook', 'callback', 'collector', 'datasource', 'datasources', 'sink', 'replicaof', 'slaveof', 'sentinel',
  'externalname', 'controlplaneendpoint', 'h',
]);
const TARGET_WEAK = new Set(['url', 'urls', 'uri', 'uris', 'href', 'link']);
/** Address words: what they mean depends on whose address it is. */
const ADDRESS_WORDS = new Set(['ip', 'ips', 'addr', 'addrs', 'address', 'addresses', 'ipaddress', 'ipaddr', 'ipv4', 'ipv6', 'ip4', 'ip6', 'ipv4address', 'ipv6address']);
/** Keys that hold words, not configuration. */
const PROSE_KEYS = new Set(['description', 'descriptions', 'message', 'messages', 'summary', 'help', 'note', 'notes', 'releasenotes', 'comment', 'comments', 'documentation', 'doc', 'docs', 'example', 'examples', 'title', 'expr', 'query', 'alias', 'legendformat']);
/** Long words found inside run-together keys (`dns01recursivenameservers`, `resturl`). */
const DECL_INFIXES = ['nameserver', 'resolver', 'loadbalancer', 'gateway', 'advertise', 'listen', 'subnet', 'ipam', 'cidr', 'netmask', 'nexthop', 'routerid', 'whitelist', 'allowlist', 'blacklist', 'blocklist', 'denylist', 'noproxy', 'smokeping'];
const TARGET_INFIXES = ['endpoint', 'upstream', 'apiserver', 'backend', 'server', 'hostname'];

/** Commands whose arguments are where they connect, probe or resolve. */
const CLIENT_COMMANDS = new Set(['nc', 'ncat', 'netcat', 'telnet', 'curl', 'wget', 'ssh', 'scp', 'sftp', 'rsync', 'psql', 'mysql', 'mongo', 'mongosh', 'redis-cli', 'grpcurl', 'openssl', 'socat', 'http', 'httpie', 'kubectl', 'etcdctl']);
const PROBE_COMMANDS = new Set(['ping', 'ping6', 'fping', 'arping', 'traceroute', 'tracepath', 'mtr', 'nslookup', 'dig', 'drill', 'host']);

/** Keys that say nothing about the address (they pass to their parent). */
const GENERIC_KEYS = new Set(['value', 'values', 'spec', 'data', 'stringdata', 'config', 'configuration', 'items', 'item', 'env', 'envs', 'args', 'command', 'template', 'metadata', 'containers', 'initcontainers', 'ephemeralcontainers', 'parameters', 'params', 'settings', 'options', 'default', 'defaults', 'list', 'entries', 'entry', 'content', 'contents', 'text', 'raw', 'yaml', 'json', 'toml', 'ini', 'conf', 'cfg', 'properties', 'extraargs', 'extraenv', 'extraenvvars', 'static', 'staticconfigs', 'staticconfig', 'app', 'main']);

/** Keys whose meaning is the `name` beside them: env vars, CoreDNS plugins, SNMP params. */
export const NAMED_VALUE_KEYS = new Set(['value', 'values', 'parameters', 'params']);

/** Path segments under which values are a program's own configuration (env vars, flags, scripts). */
const PROGRAM_CONFIG = /^(?:env|envs|envvars|extraenv|extraenvvars|environment|args|extraargs|command|flags|cmd)$/i;

// ---------------------------------------------------------------------------------------------
// Regions.

/**
 * Kinds whose addresses *are* the network: service-registry entries, routing and load-balancer
 * pools, policy, DNS records, certificates' subject names. Core, Istio, Calico, Cilium, MetalLB,
 * Multus/whereabouts, Gateway API, external-dns, cert-manager.
 */
const DECLARATION_KINDS = new Set([
  // core / networking.k8s.io
  'Endpoints', 'EndpointSlice', 'NetworkPolicy', 'Node', 'IPAddress', 'ServiceCIDR', 'ClusterCIDR',
  // Istio
  'ServiceEntry', 'WorkloadEntry', 'WorkloadGroup', 'AuthorizationPolicy', 'PeerAuthentication',
  // Calico
  'BGPPeer', 'BGPConfiguration', 'BGPFilter', 'IPPool', 'IPReservation', 'IPAMBlock', 'IPAMConfig', 'IPAMHandle',
  'BlockAffinity', 'HostEndpoint', 'GlobalNetworkSet', 'NetworkSet', 'GlobalNetworkPolicy', 'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy', 'StagedKubernetesNetworkPolicy', 'FelixConfiguration', 'CalicoNodeStatus', 'Tier',
  // Cilium
  'CiliumLoadBalancerIPPool', 'CiliumBGPPeeringPolicy', 'CiliumBGPClusterConfig', 'CiliumBGPPeerConfig',
  'CiliumBGPAdvertisement', 'CiliumBGPNodeConfig', 'CiliumBGPNodeConfigOverride', 'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy', 'CiliumEgressGatewayPolicy', 'CiliumL2AnnouncementPolicy', 'CiliumPodIPPool',
  'CiliumNode', 'CiliumEndpoint', 'CiliumCIDRGroup', 'CiliumExternalWorkload', 'CiliumLocalRedirectPolicy',
  // MetalLB
  'IPAddressPool', 'AddressPool', 'BGPAdvertisement', 'L2Advertisement', 'Community', 'BFDProfile',
  // Multus / whereabouts
  'NetworkAttachmentDefinition', 'OverlappingRangeIPReservation', 'NodeSlicePool',
  // external-dns, cert-manager
  'DNSEndpoint', 'Certificate', 'CertificateRequest',
]);

/** In-tree volume sources: the kubelet mounts them from the node, before (and without) cluster DNS. */
const STORAGE_SOURCES = new Set(['nfs', 'iscsi', 'rbd', 'cephfs', 'glusterfs', 'quobyte', 'flocker', 'fc', 'flexVolume', 'flexvolume', 'scaleIO', 'scaleio', 'storageos', 'portworxVolume', 'cinder', 'csi', 'smb', 'cifs']);

function keyOf(level: PathLevel): string | undefined {
  return typeof level.key === 'string' ? level.key : undefined;
}

function regionVerdict(site: LiteralSite): RoleVerdict | undefined {
  const { kind, levels } = site;
  if (kind === 'CustomResourceDefinition') return { role: 'prose', why: 'CRD schema' };
  if (kind && DECLARATION_KINDS.has(kind)) return { role: 'declaration', why: `${kind} declares the network` };
  const first = keyOf(levels[0] ?? { key: 0 });
  if (first === 'status') return { role: 'declaration', why: 'status (reported by the cluster)' };
  for (let i = 0; i < levels.length; i++) {
    const k = keyOf(levels[i]);
    if (k === undefined) continue;
    if (k === 'managedFields' || k === 'kubectl.kubernetes.io/last-applied-configuration') return { role: 'declaration', why: 'kubectl’s copy of the object' };
    const lower = k.toLowerCase();
    if (PROSE_KEYS.has(lower) || lower === 'x-kubernetes-validations' || lower === 'openapiv3schema') return { role: 'prose', why: `${k} (prose)` };
    if (STORAGE_SOURCES.has(k) && k !== 'csi' && k !== 'fc') return { role: 'declaration', why: `${k} storage (mounted by the kubelet)` };
    if ((k === 'csi' || k === 'fc') && (kind === 'PersistentVolume' || levels.some((l) => l.key === 'volumes'))) return { role: 'declaration', why: `${k} volume (mounted by the kubelet)` };
    const type = levels[i].mapType?.toLowerCase();
    if (type && STORAGE_SOURCES.has(type)) return { role: 'declaration', why: `a ${type} volume (mounted by the kubelet)` };
    if (kind === 'Service' && i === 1 && first === 'spec' && /^(?:clusterIPs?|externalIPs|loadBalancerIP|loadBalancerSourceRanges)$/.test(k)) return { role: 'declaration', why: `Service ${k}` };
    if (kind === 'Gateway' && i === 1 && first === 'spec' && k === 'addresses') return { role: 'declaration', why: 'Gateway addresses' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Names.

const wordCache = new Map<string, Evidence | null>();

/** Splits `k8sServiceHost`, `PLEX_ADVERTISE_URL`, `--opnsense.address` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * What a name says about the address it holds. `programConfig`: the name is an env var or flag
 * of a program, so a qualified address word (`MYSQL_SERVICE_IP`, `--db.address`) is where that
 * program connects; an unqualified one (`address`, `IP`) is the owner's own.
 */
function nameEvidence(name: string, programConfig: boolean): Evidence | undefined {
  const cacheKey = `${programConfig ? 'p' : 'o'}${name}`;
  const hit = wordCache.get(cacheKey);
  if (hit !== undefined) return hit ?? undefined;
  const ev = computeNameEvidence(name, programConfig);
  if (wordCache.size > 5000) wordCache.clear();
  wordCache.set(cacheKey, ev ?? null);
  return ev;
}

function computeNameEvidence(name: string, programConfig: boolean): Evidence | undefined {
  const ws = words(name);
  if (ws.length === 0) return undefined;
  let best: Evidence | undefined;
  const consider = (role: Evidence['role'], strength: Strength, w: string): void => {
    if (!best || strength > best.strength || (strength === best.strength && role === 'declaration' && best.role === 'target')) best = { role, strength, why: `“${name}” (${w})` };
  };
  const used = new Set<number>();
  // Two words that mean something together first (`load balancer`, `name server`, `host IP`).
  for (let i = 0; i + 1 < ws.length; i++) {
    const pair = ws[i] + ws[i + 1];
    if (DECL_STRONG.has(pair)) consider('declaration', 3, pair);
    else if (TARGET_STRONG.has(pair)) consider('target', 2, pair);
    else if (DECL_OWN.has(pair)) consider('declaration', 1.5, pair);
    else continue;
    used.add(i).add(i + 1);
  }
  let addressWords = 0;
  let qualifiers = 0;
  ws.forEach((w, i) => {
    if (used.has(i)) return;
    if (DECL_STRONG.has(w)) consider('declaration', 3, w);
    else if (TARGET_STRONG.has(w)) consider('target', 2, w);
    else if (DECL_OWN.has(w)) consider('declaration', 1.5, w);
    else if (TARGET_WEAK.has(w)) consider('target', 1, w);
    else if (ADDRESS_WORDS.has(w)) addressWords++;
    else if (w.length > 4) {
      const decl = DECL_INFIXES.find((x) => w.includes(x));
      if (decl) consider('declaration', 3, decl);
      else {
        const target = TARGET_INFIXES.find((x) => w.includes(x));
        if (target) consider('target', 2, target);
        else if (/(?:url|uri)s?$/.test(w)) consider('target', 1, 'url');
        else if (/(?:addr|address|ip)$/.test(w)) addressWords++;
        else qualifiers++;
      }
    } else if (!GENERIC_KEYS.has(w) && !/^\d+$/.test(w)) qualifiers++;
  });
  if (!best && addressWords > 0) {
    // `address:` alone is the owner's own address (a record, a bind flag); `MYSQL_SERVICE_IP` in
    // a program's env is the address of something it talks to.
    // A URL under it (`address: ipmi://…`) is still where something connects (1.25 beats 1.2).
    if (qualifiers === 0) return { role: 'declaration', strength: 1.2, why: `“${name}” (the owner’s own address)` };
    if (programConfig) return { role: 'target', strength: 1, why: `“${name}” (an address given to a program)` };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// The literal's own text.

const URL_BEFORE_RE = /([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^\s/@"'`]*@)?\[?$/;
const DNS_SCHEMES = new Set(['dns', 'tls', 'doh', 'dot', 'udp']);
const PROBE_SCHEMES = new Set(['icmp', 'ping']);
/** `{job="x", host="10.0.7.1"`: a label matcher in a PromQL/LogQL query or a series name. */
const LABEL_MATCHER_RE = /\{[^{}]*[A-Za-z_]\w*\s*(?:=~|!~|!=|=)\s*\\?["'`]$/;
const FLAG_EQ_RE = /(?:^|[\s"'`,[(])--?([A-Za-z][\w.-]*)=$/;
const FLAG_RE = /(?:^|[\s"'`,[(])--?([A-Za-z][\w.-]*)$/;
const ASSIGN_RE = /([A-Za-z_][\w.-]*)["']?\s*(?:=>|=|:)\s*["'`[({]?$/;
/**
 * What may stand between a key and this literal: other literals of the same list. A literal
 * token starts with a digit or `[` right after a non-word character, so the split is unique.
 */
const LIST_TAIL_RE = /(?:[\s"'`[\](){},;|]|(?<![\w.-])[0-9[][0-9A-Fa-f.:%/\]]*)*$/;
/** How far back on its line the text of a value is read. */
const WINDOW = 240;

interface TextEvidence {
  verdict?: RoleVerdict;
  evidence?: Evidence;
  innerKey?: string;
}

/** Evidence in the text of the value itself: before the literal on its line, and right after it. */
function textEvidence(site: LiteralSite): TextEvidence {
  const { doc, start, end } = site;
  let lineStart = doc.lastIndexOf('\n', start - 1) + 1;
  if (lineStart < site.valueStart) lineStart = site.valueStart;
  const fromLineStart = start - lineStart <= WINDOW;
  const before = doc.slice(fromLineStart ? lineStart : start - WINDOW, start);
  if (site.multiline && fromLineStart && /^\s*(?:#|\/\/|;|--\s|!|\*|rem\s)/i.test(before)) return { verdict: { role: 'prose', why: 'a comment line' } };
  if (/(?:^|\s)#(?!\{)/.test(before)) return { verdict: { role: 'prose', why: 'a comment' } };
  if (LABEL_MATCHER_RE.test(before)) return { verdict: { role: 'prose', why: 'a label matcher in a query' } };
  let lineEnd = doc.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = doc.length;
  const after = doc.slice(end, Math.min(lineEnd, end + WINDOW));
  // A hosts file line: the address first, then the names it resolves.
  if (site.multiline && fromLineStart && /^\s*$/.test(before) && /^[ \t]+[A-Za-z][\w.-]*(?:[ \t]|$)/.test(after)) {
    return { verdict: { role: 'declaration', why: 'a hosts-file record' } };
  }
  // A comment after the literal that names its role (`- 10.0.7.1   # gateway`).
  const hash = /(?:^|\s)#\s*([^#]*)$/.exec(after);
  if (hash) {
    const ev = computeNameEvidence(hash[1].replace(/[^\w\s-]/g, ' '), false);
    if (ev && ev.role === 'declaration' && ev.strength === 3) return { verdict: { role: 'declaration', why: `its comment says ${ev.why}` } };
  }

  let rest = before;
  let url: string | undefined;
  const u = URL_BEFORE_RE.exec(before);
  if (u) {
    url = u[1].toLowerCase();
    // Other URLs of the same list say nothing about this one (`https://name:443,http://10.0.0.5`).
    rest = before.slice(0, u.index).replace(/[A-Za-z][\w+.-]*:\/\/[^\s,;"'`]*/g, ' ');
    if (PROBE_SCHEMES.has(url)) return { verdict: { role: 'declaration', why: `${url}:// (a reachability probe)` } };
  }
  let evidence: Evidence | undefined;
  if (url && (DNS_SCHEMES.has(url) || site.port === 53 || site.port === 853)) evidence = { role: 'declaration', strength: 3, why: `${url}:// to a DNS port` };
  else if (url) evidence = { role: 'target', strength: 1.25, why: `a ${url}:// URL` };
  else if (site.port === 53 || site.port === 853) evidence = { role: 'declaration', strength: 3, why: `port ${site.port} (DNS)` };
  // `10.0.0.5:8080`: an authority, what a client dials (the name holding it may still say otherwise).
  else if (site.port !== undefined) evidence = { role: 'target', strength: 1, why: 'a host:port authority' };

  // The nearest key inside the value: `--flag=`, `key=` / `"key":`, a command, a config directive.
  const head = rest.slice(0, rest.search(LIST_TAIL_RE));
  const flagEq = FLAG_EQ_RE.exec(head);
  if (flagEq) return { evidence, innerKey: flagEq[1] };
  const assign = ASSIGN_RE.exec(head);
  if (assign) return { evidence, innerKey: assign[1] };
  if (site.multiline || /\s/.test(head.trim())) {
    // `until nc -z 10.1.2.3 5432`, `ping -c 1 10.0.0.5`, `server 10.0.0.5:80;`, `bind 1.2.3.4 10.0.0.1`
    const statement = head.split(/;|&&|\|\||\||\bthen\b|\bdo\b/).pop() ?? '';
    const ws = statement.split(/[\s"'`]+/).filter((w) => /^[A-Za-z][\w.-]*$/.test(w));
    const cmd = ws.find((w) => CLIENT_COMMANDS.has(w) || PROBE_COMMANDS.has(w));
    if (cmd && PROBE_COMMANDS.has(cmd)) return { verdict: { role: 'declaration', why: `${cmd} (a probe or lookup)` } };
    if (cmd) return { evidence: { role: 'target', strength: 2, why: `${cmd} connects to it` } };
    const flag = FLAG_RE.exec(head.trimEnd());
    if (flag) return { evidence, innerKey: flag[1] };
    if (ws.length > 0 && /^\s*["'`]?[A-Za-z]/.test(statement)) return { evidence, innerKey: ws[0] };
  } else {
    const flag = FLAG_RE.exec(head.trimEnd());
    if (flag) return { evidence, innerKey: flag[1] };
  }
  return { evidence };
}

function embeddedLines(site: LiteralSite): EmbeddedLine[] {
  const memo = site.memo ?? (site.memo = {});
  if (memo.lines) return memo.lines;
  const lines: EmbeddedLine[] = [];
  const { doc, valueStart, valueEnd } = site;
  for (let s = valueStart; s < valueEnd; ) {
    let e = doc.indexOf('\n', s);
    if (e < 0 || e > valueEnd) e = valueEnd;
    const text = doc.slice(s, e);
    const indent = /^[ \t]*(?:-[ \t]+)*/.exec(text)![0].length;
    const m = /^[ \t]*(?:-[ \t]+)*["']?([A-Za-z_][\w.-]*)["']?[ \t]*(?::(?!\/\/)|[ \t]*\{[ \t]*$)/.exec(text) ?? /^[ \t]*([A-Za-z_][\w.-]*)[ \t]+[^{}\n]*\{[ \t]*$/.exec(text);
    lines.push({ start: s, end: e, indent, key: m?.[1] });
    s = e + 1;
  }
  memo.lines = lines;
  return lines;
}

/** Keys of the lines enclosing the literal's line in an embedded config file, nearest first. */
function embeddedParents(site: LiteralSite): string[] {
  const lines = embeddedLines(site);
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].start <= site.start) lo = mid;
    else hi = mid - 1;
  }
  const out: string[] = [];
  let indent = lines[lo]?.indent ?? 0;
  // Bounded: a parent further up than this in one scalar is not worth the time.
  for (let i = lo - 1; i >= 0 && i >= lo - 400 && out.length < 4; i--) {
    const l = lines[i];
    if (l.key !== undefined && l.indent < indent) {
      out.push(l.key);
      indent = l.indent;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function decide(ev: Evidence): RoleVerdict {
  return { role: ev.role, why: ev.why };
}

function strongest(a: Evidence | undefined, b: Evidence | undefined): Evidence | undefined {
  if (!a) return b;
  if (!b) return a;
  if (b.strength > a.strength || (b.strength === a.strength && b.role === 'declaration')) return b;
  return a;
}

/** The role of one literal at its place. */
export function literalRole(site: LiteralSite): RoleVerdict {
  const region = regionVerdict(site);
  if (region) return region;
  const text = textEvidence(site);
  if (text.verdict) return text.verdict;

  const { levels } = site;
  const inProgram = levels.some((l) => typeof l.key === 'string' && PROGRAM_CONFIG.test(l.key));
  // Syntax (a URL, a client command) joins the nearest name: `PLEX_ADVERTISE_URL: https://…` is
  // the advertised address, not a client's.
  let pending = text.evidence;
  const named = (name: string | undefined, programConfig: boolean): RoleVerdict | undefined => {
    if (name === undefined) return undefined;
    const ev = strongest(pending, nameEvidence(name, programConfig));
    pending = undefined;
    return ev && ev.strength >= 1 ? decide(ev) : undefined;
  };
  if (text.innerKey !== undefined) {
    const v = named(text.innerKey, true);
    if (v) return v;
  }
  if (site.multiline) {
    for (const k of embeddedParents(site)) {
      const v = named(k, true);
      if (v) return v;
    }
  }
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    if (typeof level.key === 'number') {
      if (level.previousItem !== undefined && i === levels.length - 1) {
        const flag = /^--?([A-Za-z][\w.-]*)$/.exec(level.previousItem);
        if (flag) {
          const v = named(flag[1], true);
          if (v) return v;
        }
      }
      continue;
    }
    const programConfig = inProgram && levels.slice(0, i).some((l) => typeof l.key === 'string' && PROGRAM_CONFIG.test(l.key));
    // `env: [{name: DB_HOST, value: …}]`: the entry's name is the key that matters.
    const name = level.mapName !== undefined && NAMED_VALUE_KEYS.has(level.key) ? level.mapName : level.key;
    if (GENERIC_KEYS.has(name.toLowerCase()) && pending === undefined) continue;
    const v = named(name, programConfig || (PROGRAM_CONFIG.test(level.key) && level.mapName === undefined));
    if (v) return v;
  }
  if (pending) return decide(pending);
  return { role: 'unknown', why: 'nothing says something connects to it' };
}
