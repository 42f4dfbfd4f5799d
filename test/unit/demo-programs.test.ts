// The commands simulated containers run (curl, wget, sleep, pipes, && / ||, while loops) and the
// network they see: Pod IPs answer while a running Pod holds them, Services while they have
// ready endpoints, and an IP nobody holds is unreachable.
import * as assert from 'node:assert/strict';
import { NetworkView, Step, connect, programOf, runPipeline } from '../../src/demo/controllers/programs';
import { InteractiveShell, ScriptRunner, ShellContext, scriptOf } from '../../src/demo/shell';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const nginxPod = (name: string, ip: string) => ({ metadata: { name }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] }, status: { podIP: ip } });

function net(opts: { pods?: Record<string, { pod: Any; ready: boolean }>; services?: Any[]; endpoints?: Record<string, Any[]> } = {}): NetworkView {
  return {
    podByIp: (ip) => opts.pods?.[ip],
    serviceByIp: (ip) => opts.services?.find((s) => s.spec.clusterIP === ip),
    serviceByName: (name, ns) => opts.services?.find((s) => s.metadata.name === name && s.metadata.namespace === ns),
    podByHostname: (host, sub) => (host === 'web-0' && sub === 'web' ? { pod: nginxPod('web-0', '10.244.1.9'), ready: true } : undefined),
    readyEndpoints: (svc) => opts.endpoints?.[svc.metadata.name] ?? [],
    nodeIps: () => ['172.18.0.2'],
  };
}

const backendSvc = { metadata: { name: 'backend', namespace: 'default' }, spec: { clusterIP: '10.96.5.5', ports: [{ port: 80, targetPort: 80 }] } };
const texts = (steps: Step[]) => steps.filter((s) => s.kind === 'print').map((s) => (s as Any).text);
const codes = (steps: Step[]) => steps.filter((s) => s.kind === 'print').map((s) => (s as Any).exitCode);

describe('demo container programs', () => {
  it('parses commands: servers run forever, shell images without a command exit, loops and statements', () => {
    assert.equal(programOf({ image: 'nginx:1.28' }), undefined);
    assert.deepEqual(programOf({ image: 'busybox' }), { loop: false, prelude: [], body: [] });
    const p = programOf({ image: 'busybox', command: ['sh', '-c', "echo start; while true; do wget -qO- http://10.244.1.2 | grep -o 'Welcome to nginx' || echo FAILED; sleep 1; done"] })!;
    assert.equal(p.loop, true);
    assert.deepEqual(p.prelude, [{ first: [['echo', 'start']], rest: [] }]);
    assert.deepEqual(p.body[0], { first: [['wget', '-qO-', 'http://10.244.1.2'], ['grep', '-o', 'Welcome to nginx']], rest: [{ op: '||', pipeline: [['echo', 'FAILED']] }] });
    assert.deepEqual(p.body[1], { first: [['sleep', '1']], rest: [] });
    // Commands this simulation does not know are servers that run until stopped.
    assert.equal(programOf({ image: 'registry.k8s.io/coredns/coredns:v1.11.3', args: ['-conf', '/etc/coredns/Corefile'] }), undefined);
    assert.equal(programOf({ image: 'nginx', command: ['nginx', '-g', 'daemon off;'] }), undefined);
    assert.equal(programOf({ image: 'python:3', command: ['sh', '-c', 'pip install x && python app.py'] }), undefined);
    // kubectl run x --image=curlimages/curl -- curl -s http://backend
    assert.deepEqual(programOf({ image: 'curlimages/curl', args: ['curl', '-s', 'http://backend'] })!.body, [{ first: [['curl', '-s', 'http://backend']], rest: [] }]);
  });

  it('a Pod IP answers while a running Pod holds it; refused while not running; unreachable once nobody does', () => {
    const up = net({ pods: { '10.244.1.2': { pod: nginxPod('a', '10.244.1.2'), ready: true } } });
    const ok = runPipeline([['curl', '-s', 'http://10.244.1.2']], up, 'default', 'me');
    assert.match(texts(ok)[0], /Welcome to nginx!/);
    assert.deepEqual(codes(ok), [0]);
    const starting = net({ pods: { '10.244.1.2': { pod: nginxPod('a', '10.244.1.2'), ready: false } } });
    assert.deepEqual(texts(runPipeline([['curl', 'http://10.244.1.2']], starting, 'default', 'me')), ["curl: (7) Failed to connect to 10.244.1.2 port 80 after 1 ms: Couldn't connect to server"]);
    const gone = runPipeline([['wget', '-qO-', '10.244.1.2']], net(), 'default', 'me');
    assert.deepEqual(texts(gone), ["wget: can't connect to remote host (10.244.1.2): No route to host"]);
    assert.deepEqual(codes(gone), [1]);
    assert.equal((gone[0] as Any).delayMs, 3000, 'an unanswered ARP takes a while');
    const timeout = runPipeline([['curl', '-m', '2', 'http://10.244.1.2']], net(), 'default', 'me');
    assert.deepEqual(texts(timeout), ['curl: (28) Connection timed out after 2000 milliseconds']);
    assert.equal(connect(up, 'default', { host: '10.244.1.2', port: 8080 }).ok, false, 'nothing listens on 8080');
  });

  it('a Service answers by name (short, namespaced, FQDN) or ClusterIP while it has ready endpoints', () => {
    const withPods = net({ services: [backendSvc], endpoints: { backend: [nginxPod('b1', '10.244.2.2')] } });
    for (const url of ['http://backend', 'backend.default', 'backend.default.svc.cluster.local', 'http://10.96.5.5:80/']) {
      assert.deepEqual(codes(runPipeline([['curl', '-s', url]], withPods, 'default', 'me')), [0], url);
    }
    assert.deepEqual(texts(runPipeline([['curl', 'http://backend']], withPods, 'other', 'me')), ['curl: (6) Could not resolve host: backend']);
    assert.deepEqual(codes(runPipeline([['curl', '-s', 'http://web-0.web.default.svc.cluster.local']], withPods, 'default', 'me')), [0], 'a StatefulSet Pod by name');
    const empty = net({ services: [backendSvc] });
    assert.deepEqual(codes(runPipeline([['curl', 'http://backend']], empty, 'default', 'me')), [7]);
    assert.deepEqual(texts(runPipeline([['wget', '-qO-', 'nope']], empty, 'default', 'me')), ["wget: bad address 'nope'"]);
  });

  it('pipes filter standard output; errors bypass the pipe', () => {
    const up = net({ pods: { '10.244.1.2': { pod: nginxPod('a', '10.244.1.2'), ready: true } } });
    const grep = runPipeline([['wget', '-qO-', 'http://10.244.1.2'], ['grep', '-o', 'Welcome to nginx']], up, 'default', 'me');
    // The page has it in <title> and <h1>: two matches, as with real grep -o.
    assert.deepEqual([texts(grep), codes(grep)], [['Welcome to nginx\nWelcome to nginx'], [0]]);
    const head = runPipeline([['curl', '-s', 'http://10.244.1.2'], ['head', '-n', '4'], ['tail', '-n', '1']], up, 'default', 'me');
    assert.deepEqual(texts(head), ['<title>Welcome to nginx!</title>']);
    const failed = runPipeline([['wget', '-qO-', 'http://10.244.9.9'], ['grep', '-o', 'Welcome']], up, 'default', 'me');
    assert.deepEqual(texts(failed), ["wget: can't connect to remote host (10.244.9.9): No route to host"]);
    assert.deepEqual(codes(failed), [1], 'grep saw nothing');
    assert.deepEqual(texts(runPipeline([['frobnicate']], up, 'default', 'me')), ['sh: frobnicate: not found']);
    const quiet = runPipeline([['wget', '-qO-', 'http://10.244.1.2', '>/dev/null', '2>&1']], up, 'default', 'me');
    assert.deepEqual([texts(quiet), codes(quiet)], [[''], [0]], 'output discarded, exit code kept');
    const quietFail = runPipeline([['wget', '-qO-', 'http://10.244.9.9', '>', '/dev/null', '2>&1']], up, 'default', 'me');
    assert.deepEqual([texts(quietFail), codes(quietFail)], [[''], [1]]);
  });
});

describe('the simulated shell of kubectl exec', () => {
  const ctx = (over: Partial<ShellContext> = {}): ShellContext => ({
    net: () => net({ services: [backendSvc], endpoints: { backend: [nginxPod('backend-1', '10.244.1.5')] }, pods: { '10.244.1.5': { pod: nginxPod('backend-1', '10.244.1.5'), ready: true } } }),
    namespace: 'default',
    podName: 'frontend-abc',
    extras: { env: { HOSTNAME: 'frontend-abc' }, files: { '/etc/hostname': 'frontend-abc\n' } },
    prompt: '/ # ',
    ...over,
  });
  const collect = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
  };

  it('runs scripts: $? is the previous statement\'s code, variables expand, exit ends the script', async () => {
    const c = collect();
    const r = new ScriptRunner(ctx(), c.io, false);
    assert.equal(await r.run('false; echo "code $?"; echo $HOSTNAME; cat /etc/hostname; exit 4; echo never'), 4);
    assert.equal(c.out.join(''), 'code 1\nfrontend-abc\nfrontend-abc\n');
  });

  it('resolves and reaches cluster names: nslookup, getent, wget of a Service; an unknown command is 127', async () => {
    const c = collect();
    const r = new ScriptRunner(ctx(), c.io, false);
    assert.equal(await r.run('nslookup backend'), 0);
    assert.match(c.out.join(''), /Name:\tbackend\.default\.svc\.cluster\.local\nAddress: 10\.96\.5\.5/);
    assert.equal(await r.run('getent hosts 10-244-1-5.default.pod'), 0);
    assert.match(c.out.join(''), /10\.244\.1\.5\s+10-244-1-5\.default\.pod\.cluster\.local/);
    assert.equal(await r.run('wget -qO- http://backend | grep -o "Welcome to nginx" | head -1'), 0);
    assert.equal(await r.run('python3 app.py'), 127);
    assert.match(c.err.join(''), /sh: python3: not found/);
  });

  it('an interrupt cuts a sleep short with 130', async () => {
    const r = new ScriptRunner(ctx(), collect().io, false);
    const started = Date.now();
    const done = r.run('sleep 30; echo late');
    setTimeout(() => r.interrupt(), 50);
    assert.equal(await done, 130);
    assert.ok(Date.now() - started < 5000);
  });

  it('interactive with a terminal: prompt, echo, backspace, Ctrl-C drops the line, exit ends it', async () => {
    const c = collect();
    const sh = new InteractiveShell(ctx(), c.io, true);
    sh.start();
    sh.input('echo hix\u007f\r');
    await new Promise((r) => setTimeout(r, 20));
    sh.input('nope\u0003');
    sh.input('exit 2\r');
    assert.equal(await sh.done, 2);
    assert.equal(c.out.join(''), '/ # echo hix\b \b\r\nhi\r\n/ # nope^C\r\n/ # exit 2\r\n');
  });

  it('interactive from a pipe: runs each line, ends at end of input with the last code', async () => {
    const c = collect();
    const sh = new InteractiveShell(ctx(), c.io, false);
    sh.start();
    sh.input('echo a\nfal');
    sh.input('se\n');
    sh.endOfInput();
    assert.equal(await sh.done, 1);
    assert.equal(c.out.join(''), 'a\n');
  });

  it('exec argv becomes a script; a bare shell is interactive', () => {
    assert.equal(scriptOf(['wget', '-qO-', 'http://x y']), "wget -qO- 'http://x y'");
    assert.equal(scriptOf(['sh', '-c', 'echo $HOME']), 'echo $HOME');
    assert.equal(scriptOf(['sh']), undefined);
    assert.equal(scriptOf(['/bin/bash']), undefined);
  });
});
