// What a simulated container runs when it is not a server: the handful of commands workshop
// Pods use to probe the network (`curl`, `wget`, `sleep`, `echo`, `sh -c '… while true; do …; done'`).
// Their network is the cluster's: a Pod IP answers while a Ready Pod holds it, a Service name or
// ClusterIP answers while it has ready endpoints, and an IP nobody holds any more is unreachable.
// This is how a demo shows code that targets a Pod IP breaking after a rollout.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface NetworkView {
  /** The Pod currently holding this IP (not terminating), if any, and whether it is Ready. */
  podByIp(ip: string): { pod: Any; ready: boolean } | undefined;
  serviceByIp(ip: string): Any | undefined;
  serviceByName(name: string, namespace: string): Any | undefined;
  /** A Pod by its DNS identity `<hostname>.<subdomain>` (StatefulSet Pods behind a headless Service). */
  podByHostname(hostname: string, subdomain: string, namespace: string): { pod: Any; ready: boolean } | undefined;
  /** Ready endpoint Pods of a Service. */
  readyEndpoints(svc: Any): Any[];
  nodeIps(): string[];
}

export type Step =
  | { kind: 'print'; text: string; stream: 'out' | 'err'; exitCode: number; delayMs: number }
  | { kind: 'sleep'; ms: number }
  | { kind: 'exit'; code: number };

/** `a | b | c` */
export type Pipeline = string[][];

/** `p1 && p2 || p3`: each pipeline after the first runs depending on the previous exit code. */
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface Program {
  /** Run once, or forever (a `while true` loop). */
  loop: boolean;
  /** Statements before the loop (or the whole script). */
  prelude: AndOr[];
  body: AndOr[];
}

const KNOWN_COMMANDS = new Set(['curl', 'wget', 'sleep', 'echo', 'true', 'false', ':', 'exit', 'date', 'hostname', 'nslookup', 'getent', 'ping', 'cat', 'env', 'printenv', 'pwd', 'id', 'whoami', 'uname']);
const FILTERS = new Set(['grep', 'head', 'tail', 'wc', 'cat']);

const SHELL_IMAGES = /(^|\/)(busybox|alpine|curl|curlimages\/curl|netshoot|nicolaka\/netshoot|ubuntu|debian)(:|@|$)/;

/** Shell variables for `$NAME` / `${NAME}` expansion (outside single quotes); none: no expansion. */
export type Vars = Record<string, string> | undefined;

/** Splits a shell word list, honouring single and double quotes; expands variables when given. */
function words(s: string, vars?: Vars): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (vars && ch === '$' && quote !== "'") {
      const m = s.slice(i).match(/^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\?))/);
      if (m && m[0].length > 1) {
        cur += m[3] !== undefined ? (vars['?'] ?? '0') : (vars[m[1] ?? m[2]] ?? '');
        has = true;
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (cur || has) out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (cur || has) out.push(cur);
  return out;
}

/** Splits at top-level (unquoted) occurrences of the separators, keeping which one matched. */
function splitTop(s: string, seps: string[]): { part: string; sep?: string }[] {
  const out: { part: string; sep?: string }[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
      continue;
    }
    const sep = seps.find((x) => s.startsWith(x, i));
    if (sep) {
      out.push({ part: cur, sep });
      cur = '';
      i += sep.length - 1;
      continue;
    }
    cur += ch;
  }
  out.push({ part: cur });
  return out;
}

/** A script's statements: `;`- and newline-separated, each `a | b && c || d`. */
export function statements(script: string, vars?: Vars): AndOr[] {
  const out: AndOr[] = [];
  for (const { part } of splitTop(script, [';', '\n'])) {
    if (part.trim() === '') continue;
    const pieces = splitTop(part, ['&&', '||']);
    const pipeline = (x: string): Pipeline => splitTop(x, ['|']).map((c) => words(c.part.trim(), vars)).filter((w) => w.length > 0);
    const first = pipeline(pieces[0].part);
    if (!first.length) continue;
    const rest: AndOr['rest'] = [];
    for (let i = 1; i < pieces.length; i++) rest.push({ op: pieces[i - 1].sep as '&&' | '||', pipeline: pipeline(pieces[i].part) });
    out.push({ first, rest: rest.filter((r) => r.pipeline.length > 0) });
  }
  return out;
}

/** A script as a program: statements, or a prelude and a `while true; do …; done` body. */
export function parseScript(script: string, vars?: Vars): Program {
  const m = script.match(/^([\s\S]*?)\bwhile\s+(?:true|:)\s*;?\s*do\b([\s\S]*?)\bdone\b/);
  return m ? { loop: true, prelude: statements(m[1], vars), body: statements(m[2], vars) } : { loop: false, prelude: [], body: statements(script, vars) };
}

/** Whether every command of a program is one the simulation runs (else: a server, run until stopped). */
export function knownProgram(prog: Program): boolean {
  // `cat` without a file reads its standard input: it waits, like a server.
  const readsStdin = (p: Pipeline) => p[0]?.[0] === 'cat' && !p[0].slice(1).some((a) => !a.startsWith('-'));
  return [...prog.prelude, ...prog.body].every((st) =>
    !readsStdin(st.first) &&
    [st.first, ...st.rest.map((r) => r.pipeline)].every((p) => KNOWN_COMMANDS.has(p[0]?.[0] ?? '') && p.slice(1).every((f) => FILTERS.has(f[0] ?? ''))),
  );
}

/**
 * What the container runs, or undefined for a long-running server (nginx and the like, or an
 * image this simulation does not know).
 */
export function programOf(container: Any): Program | undefined {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length === 0) {
    // A shell image with no command runs its shell, which exits at once without a terminal
    // (and waits for input with one: `kubectl run -it --image=busybox`).
    if (container.stdin === true) return undefined;
    return SHELL_IMAGES.test(container.image ?? '') ? { loop: false, prelude: [], body: [] } : undefined;
  }
  let script: string;
  if ((argv[0] === 'sh' || argv[0] === '/bin/sh' || argv[0] === 'bash' || argv[0] === '/bin/bash') && argv[1] === '-c') script = argv.slice(2).join(' ');
  else script = argv.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
  const prog = parseScript(script);
  // Anything else (`nginx -g …`, `/coredns -conf …`, `python app.py`) is taken for a server
  // that runs until stopped, which is what such containers do.
  return knownProgram(prog) ? prog : undefined;
}

export const NGINX_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>`;

interface Target {
  host: string;
  port: number;
}

function parseTarget(arg: string): Target | undefined {
  const m = arg.match(/^(?:https?:\/\/)?([A-Za-z0-9.-]+)(?::(\d+))?(?:\/.*)?$/);
  if (!m || !/[A-Za-z0-9]/.test(m[1])) return undefined;
  return { host: m[1], port: m[2] ? Number(m[2]) : arg.startsWith('https://') ? 443 : 80 };
}

/** The page a Pod serves on a port, or undefined when nothing listens there. */
export function serve(pod: Any, port: number): string | undefined {
  const containers: Any[] = pod.spec?.containers ?? [];
  const declared = containers.some((c) => (c.ports ?? []).some((p: Any) => p.containerPort === port));
  const nginx = containers.find((c) => /(^|\/)nginx(:|@|$)/.test(c.image ?? ''));
  if (nginx && (port === 80 || declared)) return NGINX_PAGE;
  if (declared) return `hello from ${pod.metadata.name}`;
  return undefined;
}

/** What cluster DNS (CoreDNS's kubernetes plugin) answers for a name, seen from `namespace`. */
export interface Resolved {
  fqdn: string;
  addresses: string[];
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;
export const CLUSTER_DNS_IP = '10.96.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * Resolves `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]` (a ClusterIP, or the ready Pods of a
 * headless Service), `pod.subdomain[.ns…]` (a StatefulSet Pod) and `a-b-c-d.ns.pod[.cluster.local]`.
 * Names outside the cluster do not resolve: the demo cluster has no upstream DNS.
 */
export function resolveName(net: NetworkView, namespace: string, host: string): Resolved | undefined {
  const name = host.replace(/\.$/, '').toLowerCase();
  if (IPV4.test(name)) return { fqdn: name, addresses: [name] };
  let parts = name.split('.');
  if (parts.length >= 2 && parts.slice(-2).join('.') === CLUSTER_DOMAIN) parts = parts.slice(0, -2);
  if (parts.length === 3 && parts[2] === 'pod' && /^\d+-\d+-\d+-\d+$/.test(parts[0])) {
    return { fqdn: `${parts.join('.')}.${CLUSTER_DOMAIN}`, addresses: [parts[0].replace(/-/g, '.')] };
  }
  if (parts.length >= 2 && (parts.length === 2 || parts.length === 3 || (parts.length === 4 && parts[3] === 'svc'))) {
    const ns = parts[2] ?? namespace;
    const pod = net.podByHostname(parts[0], parts[1], ns);
    if (pod?.pod.status?.podIP) return { fqdn: `${parts[0]}.${parts[1]}.${ns}.svc.${CLUSTER_DOMAIN}`, addresses: [pod.pod.status.podIP] };
  }
  if (parts.length === 1 || parts.length === 2 || (parts.length === 3 && parts[2] === 'svc')) {
    const ns = parts[1] ?? namespace;
    const svc = net.serviceByName(parts[0], ns);
    if (!svc) return undefined;
    const headless = svc.spec?.clusterIP === 'None';
    const addresses: string[] = headless ? net.readyEndpoints(svc).map((p: Any) => p.status?.podIP).filter(Boolean) : (svc.spec?.clusterIPs ?? [svc.spec?.clusterIP]).filter(Boolean);
    if (!addresses.length) return undefined;
    return { fqdn: `${parts[0]}.${ns}.svc.${CLUSTER_DOMAIN}`, addresses };
  }
  return undefined;
}

/** The name a cluster IP has in DNS (a Service's ClusterIP), for reverse lookups. */
function reverseName(net: NetworkView, ip: string): string | undefined {
  const svc = net.serviceByIp(ip);
  return svc ? `${svc.metadata.name}.${svc.metadata.namespace}.svc.${CLUSTER_DOMAIN}` : undefined;
}

/** Whether an IP answers ICMP echo: a Pod sandbox or node holds it. ClusterIPs are virtual (kube-proxy forwards TCP/UDP ports only). */
function answersPing(net: NetworkView, ip: string): boolean {
  return net.podByIp(ip) !== undefined || net.nodeIps().includes(ip) || ip.startsWith('127.');
}

/** What `exec` and container programs can see besides the network. */
export interface ExecExtras {
  /** Files `cat` can read (resolv.conf, hostname, the service account token…). */
  files?: Record<string, string>;
  /** The container's environment. */
  env?: Record<string, string>;
}

type Outcome = { ok: true; body: string } | { ok: false; kind: 'resolve' | 'refused' | 'unreachable'; ms: number };

export function connect(net: NetworkView, namespace: string, t: Target): Outcome {
  const ipv4 = /^\d+\.\d+\.\d+\.\d+$/.test(t.host);
  if (ipv4) {
    const holder = net.podByIp(t.host);
    if (holder) {
      const body = holder.ready ? serve(holder.pod, t.port) : undefined;
      return body !== undefined ? { ok: true, body } : { ok: false, kind: 'refused', ms: 1 };
    }
    const svc = net.serviceByIp(t.host);
    if (svc) return viaService(net, svc, t.port);
    if (net.nodeIps().includes(t.host)) return { ok: false, kind: 'refused', ms: 1 };
    // Nobody holds the address (any more): the node's bridge gets no ARP answer.
    return { ok: false, kind: 'unreachable', ms: 3000 };
  }
  const parts = t.host.replace(/\.$/, '').split('.');
  // web-0.nginx[.ns[.svc[.cluster.local]]]: one Pod of a StatefulSet, by its stable name.
  if (parts.length >= 2 && (parts.length === 2 || parts.length === 3 || parts[3] === 'svc')) {
    const pod = net.podByHostname(parts[0], parts[1], parts[2] ?? namespace);
    if (pod) {
      const body = pod.ready ? serve(pod.pod, t.port) : undefined;
      return body !== undefined ? { ok: true, body } : { ok: false, kind: 'refused', ms: 1 };
    }
  }
  const svc =
    parts.length === 1 || (parts.length >= 2 && (parts.length === 2 || parts[2] === 'svc'))
      ? net.serviceByName(parts[0], parts.length >= 2 ? parts[1] : namespace)
      : undefined;
  if (!svc) return { ok: false, kind: 'resolve', ms: 5 };
  return viaService(net, svc, t.port);
}

function viaService(net: NetworkView, svc: Any, port: number): Outcome {
  const sp = (svc.spec?.ports ?? []).find((p: Any) => p.port === port);
  if (!sp) return { ok: false, kind: 'unreachable', ms: 3000 };
  const ready = net.readyEndpoints(svc);
  if (!ready.length) return { ok: false, kind: 'refused', ms: 1 };
  // kube-proxy picks a backend at random.
  const pod = ready[Math.floor(Math.random() * ready.length)];
  const target = typeof sp.targetPort === 'number' ? sp.targetPort : sp.port;
  const body = serve(pod, target);
  return body !== undefined ? { ok: true, body } : { ok: false, kind: 'refused', ms: 1 };
}

function optionValue(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (n.startsWith('--') && args[i].startsWith(`${n}=`)) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/** Options that take a value, so the value is not mistaken for the URL. */
const VALUE_OPTIONS = new Set(['-T', '-O', '-o', '-m', '-w', '-H', '-X', '-d', '-U', '--timeout', '--max-time', '--connect-timeout', '--output', '--header', '--request', '--data', '-Y', '-e']);

/** Runs one command: what it prints, its exit code and how long it takes. */
export function execute(argv: string[], net: NetworkView, namespace: string, podName: string, extras: ExecExtras = {}): Step[] {
  const [cmd, ...args] = argv;
  const out = (text: string, exitCode = 0, delayMs = 0): Step => ({ kind: 'print', text, stream: 'out', exitCode, delayMs });
  const err = (text: string, exitCode: number, delayMs = 0): Step => ({ kind: 'print', text, stream: 'err', exitCode, delayMs });
  switch (cmd) {
    case 'sleep': {
      const n = Number(String(args[0] ?? '0').replace(/s$/, ''));
      return [{ kind: 'sleep', ms: Number.isFinite(n) && n >= 0 ? n * 1000 : 0 }];
    }
    case 'echo':
      return [out(args.filter((a) => a !== '-n' && a !== '-e').join(' '))];
    case 'true':
    case ':':
      return [out('', 0)];
    case 'false':
      return [out('', 1)];
    case 'exit':
      return [{ kind: 'exit', code: Number(args[0] ?? 0) || 0 }];
    case 'date':
      return [out(new Date().toUTCString().replace('GMT', 'UTC'))];
    case 'hostname':
      return [out(podName)];
    case 'curl':
    case 'wget': {
      const positional: string[] = [];
      for (let i = 0; i < args.length; i++) {
        if (VALUE_OPTIONS.has(args[i])) i++;
        else if (!args[i].startsWith('-')) positional.push(args[i]);
      }
      const urlArg = positional.find((a) => /^https?:\/\//.test(a)) ?? positional.find((a) => parseTarget(a));
      const target = urlArg ? parseTarget(urlArg) : undefined;
      if (!target) {
        return cmd === 'curl'
          ? [err("curl: try 'curl --help' or 'curl --manual' for more information", 2)]
          : [err('BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [-O FILE] URL', 1)];
      }
      const timeoutS = Number(optionValue(args, cmd === 'curl' ? ['-m', '--max-time', '--connect-timeout'] : ['-T', '--timeout']));
      const timeoutMs = Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS * 1000 : undefined;
      const r = connect(net, namespace, target);
      if (r.ok) {
        const headOnly = cmd === 'curl' && args.some((a) => a === '-I' || a === '--head');
        return [out(headOnly ? 'HTTP/1.1 200 OK\nServer: nginx\nContent-Type: text/html' : r.body, 0, 20)];
      }
      const timedOut = r.kind === 'unreachable' && timeoutMs !== undefined && timeoutMs < r.ms;
      const ms = timedOut ? timeoutMs! : r.ms;
      if (cmd === 'curl') {
        // -s without -S keeps errors quiet, as curl does.
        const silent = args.some((a) => /^-[a-zA-Z]*s/.test(a)) && !args.some((a) => /^-[a-zA-Z]*S/.test(a));
        const msg =
          r.kind === 'resolve'
            ? `curl: (6) Could not resolve host: ${target.host}`
            : timedOut
              ? `curl: (28) Connection timed out after ${ms} milliseconds`
              : `curl: (7) Failed to connect to ${target.host} port ${target.port} after ${ms} ms: Couldn't connect to server`;
        return [err(silent ? '' : msg, r.kind === 'resolve' ? 6 : timedOut ? 28 : 7, ms)];
      }
      const msg =
        r.kind === 'resolve'
          ? `wget: bad address '${target.host}${target.port !== 80 ? `:${target.port}` : ''}'`
          : timedOut
            ? 'wget: download timed out'
            : `wget: can't connect to remote host (${target.host}): ${r.kind === 'refused' ? 'Connection refused' : 'No route to host'}`;
      return [err(msg, 1, ms)];
    }
    case 'nslookup': {
      const name = args.find((a) => !a.startsWith('-'));
      if (!name) return [err('BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]', 1)];
      const head = `Server:\t\t${CLUSTER_DNS_IP}\nAddress:\t${CLUSTER_DNS_IP}:53\n`;
      if (IPV4.test(name)) {
        const ptr = reverseName(net, name);
        const arpa = `${name.split('.').reverse().join('.')}.in-addr.arpa`;
        return ptr ? [out(`${head}\n${arpa}\tname = ${ptr}\n`, 0, 2)] : [out(`${head}\n** server can't find ${arpa}: NXDOMAIN\n`, 1, 2)];
      }
      const r = resolveName(net, namespace, name);
      if (!r) return [out(`${head}\n** server can't find ${name.includes('.') ? name : `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`}: NXDOMAIN\n`, 1, 2)];
      return [out(`${head}\nName:\t${r.fqdn}\n${r.addresses.map((a) => `Address: ${a}`).join('\n')}\n`, 0, 2)];
    }
    case 'getent': {
      if (args[0] !== 'hosts' && args[0] !== 'ahosts') return [err(`getent: unknown database: ${args[0] ?? ''}`, 1)];
      const name = args[1];
      if (!name) return [out('', 2)];
      if (IPV4.test(name)) {
        const ptr = reverseName(net, name);
        return ptr ? [out(`${name.padEnd(15)} ${ptr}`, 0, 2)] : [out('', 2, 2)];
      }
      const r = resolveName(net, namespace, name);
      return r ? [out(r.addresses.map((a) => `${a.padEnd(15)} ${r.fqdn}`).join('\n'), 0, 2)] : [out('', 2, 2)];
    }
    case 'ping': {
      const count = Number(optionValue(args, ['-c']) ?? NaN);
      const host = args.find((a, i) => !a.startsWith('-') && !['-c', '-W', '-w', '-i', '-s'].includes(args[i - 1]));
      if (!host) return [err('BusyBox v1.36.1 multi-call binary.\n\nUsage: ping [OPTIONS] HOST', 1)];
      const r = resolveName(net, namespace, host);
      if (!r) return [err(`ping: bad address '${host}'`, 1, 5)];
      const ip = r.addresses[0];
      // Without -c, ping runs until interrupted: 1000 packets stand in for "forever".
      const n = Number.isInteger(count) && count > 0 ? Math.min(count, 1000) : 1000;
      const steps: Step[] = [out(`PING ${host} (${ip}): 56 data bytes`)];
      const replies = answersPing(net, ip);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = Math.round((0.05 + Math.random() * 0.1) * 1000) / 1000;
        if (replies) {
          times.push(t);
          steps.push(out(`64 bytes from ${ip}: seq=${i} ttl=${ip === r.addresses[0] && net.podByIp(ip) ? 63 : 64} time=${t.toFixed(3)} ms`, 0, i === 0 ? 0 : 1000));
        } else if (i > 0) steps.push({ kind: 'sleep', ms: 1000 });
      }
      const got = times.length;
      const stats = `\n--- ${host} ping statistics ---\n${n} packets transmitted, ${got} packets received, ${Math.round(((n - got) / n) * 100)}% packet loss`;
      const rtt = got ? `\nround-trip min/avg/max = ${Math.min(...times).toFixed(3)}/${(times.reduce((a, b) => a + b, 0) / got).toFixed(3)}/${Math.max(...times).toFixed(3)} ms` : '';
      steps.push(out(stats + rtt, got ? 0 : 1, got ? 0 : 1000));
      return steps;
    }
    case 'cat': {
      const files = args.filter((a) => !a.startsWith('-'));
      const texts: string[] = [];
      for (const f of files) {
        const text = extras.files?.[f];
        if (text === undefined) return [...(texts.length ? [out(texts.join(''))] : []), err(`cat: can't open '${f}': No such file or directory`, 1)];
        texts.push(text);
      }
      return [out(texts.join('').replace(/\n$/, ''))];
    }
    case 'env':
    case 'printenv': {
      const env = extras.env ?? {};
      if (cmd === 'printenv' && args.length) {
        const v = args.map((a) => env[a]).filter((x) => x !== undefined);
        return [out(v.join('\n'), v.length === args.length ? 0 : 1)];
      }
      return [out(Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n'))];
    }
    case 'pwd':
      return [out('/')];
    case 'id':
      return [out('uid=0(root) gid=0(root) groups=0(root),10(wheel)')];
    case 'whoami':
      return [out('root')];
    case 'uname':
      return [out(args.includes('-a') ? `Linux ${podName} 6.8.0-pod-ip-lens #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux` : 'Linux')];
    default:
      return [err(`sh: ${cmd}: not found`, 127)];
  }
}

/** Filters a pipeline's standard output through `grep`, `head`, `tail`, `wc -l`; returns text and exit code. */
function filter(argv: string[], input: string): { text: string; exitCode: number } | undefined {
  const [cmd, ...args] = argv;
  const lines = input === '' ? [] : input.split('\n');
  const num = (fallback: number) => {
    const n = optionValue(args, ['-n']) ?? args.find((a) => /^-\d+$/.test(a))?.slice(1);
    return n !== undefined && /^\d+$/.test(n) ? Number(n) : fallback;
  };
  switch (cmd) {
    case 'grep': {
      const onlyMatching = args.some((a) => /^-[a-zA-Z]*o/.test(a));
      const quiet = args.some((a) => /^-[a-zA-Z]*q/.test(a));
      const invert = args.some((a) => /^-[a-zA-Z]*v/.test(a));
      const ignoreCase = args.some((a) => /^-[a-zA-Z]*i/.test(a));
      const pattern = args.find((a) => !a.startsWith('-'));
      if (pattern === undefined) return { text: 'Usage: grep [-HhnlLoqvsrRiwFE] PATTERN [FILE]...', exitCode: 2 };
      let re: RegExp;
      try {
        re = new RegExp(pattern, ignoreCase ? 'i' : '');
      } catch {
        re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), ignoreCase ? 'i' : '');
      }
      const hits = lines.filter((l) => re.test(l) !== invert);
      const text = quiet ? '' : onlyMatching && !invert ? hits.map((l) => l.match(re)![0]).join('\n') : hits.join('\n');
      return { text, exitCode: hits.length ? 0 : 1 };
    }
    case 'head':
      return { text: lines.slice(0, num(10)).join('\n'), exitCode: 0 };
    case 'tail':
      return { text: lines.slice(Math.max(0, lines.length - num(10))).join('\n'), exitCode: 0 };
    case 'wc':
      return { text: String(args.includes('-c') ? input.length : lines.length), exitCode: 0 };
    case 'cat':
      return { text: input, exitCode: 0 };
    default:
      return undefined;
  }
}

/** Removes `>/dev/null`, `2>/dev/null`, `2>&1`, `&>/dev/null` from a command; says what is discarded. */
function redirections(argv: string[]): { argv: string[]; dropOut: boolean; dropErr: boolean } {
  const rest: string[] = [];
  let out: 'keep' | 'null' = 'keep';
  let errTo: 'keep' | 'null' | 'out' = 'keep';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const target = (inline: string) => (inline !== '' ? inline : argv[++i]);
    let m: RegExpMatchArray | null;
    if ((m = a.match(/^(?:1)?>(.*)$/))) out = target(m[1]) === '/dev/null' ? 'null' : 'keep';
    else if ((m = a.match(/^2>&1$/))) errTo = 'out';
    else if ((m = a.match(/^2>(.*)$/))) errTo = target(m[1]) === '/dev/null' ? 'null' : 'keep';
    else if ((m = a.match(/^&>(.*)$/))) {
      out = target(m[1]) === '/dev/null' ? 'null' : 'keep';
      errTo = 'out';
    } else rest.push(a);
  }
  return { argv: rest, dropOut: out === 'null', dropErr: errTo === 'null' || (errTo === 'out' && out === 'null') };
}

/** Runs `a | b | c`: the first command for real, the rest as filters of its standard output. */
export function runPipeline(pipeline: Pipeline, net: NetworkView, namespace: string, podName: string, extras: ExecExtras = {}): Step[] {
  const r = redirections(pipeline[0]);
  const steps = execute(r.argv, net, namespace, podName, extras).map((s) =>
    s.kind === 'print' && ((s.stream === 'out' && r.dropOut) || (s.stream === 'err' && r.dropErr)) ? { ...s, text: '' } : s,
  );
  if (pipeline.length === 1) return steps;
  return steps.map((s) => {
    if (s.kind !== 'print' || s.stream !== 'out') {
      if (s.kind === 'print') {
        // The error goes to the terminal; the filters see no input.
        let code = s.exitCode;
        for (const f of pipeline.slice(1)) code = filter(f, '')?.exitCode ?? 127;
        return { ...s, exitCode: code };
      }
      return s;
    }
    let text = s.text;
    let exitCode = s.exitCode;
    for (const f of pipeline.slice(1)) {
      const r = filter(f, text);
      if (!r) return { kind: 'print', text: `sh: ${f[0]}: not found`, stream: 'err', exitCode: 127, delayMs: s.delayMs } as Step;
      text = r.text;
      exitCode = r.exitCode;
    }
    return { ...s, text, exitCode };
  });
}
