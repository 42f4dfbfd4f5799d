import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { generateDemoTls } from '../../src/demo/tls';
import { KubeClient, KubeError, kubeconfigFiles, listContexts, loadKubeConfig, redact } from '../../src/kube';

function kubeconfigYaml(o: { contexts: { name: string; cluster: string; user: string; namespace?: string }[]; clusters: { name: string; server: string; ca?: string }[]; users: { name: string; user: object }[]; current?: string }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: o.clusters.map((c) => ({ name: c.name, cluster: { server: c.server, ...(c.ca ? { 'certificate-authority-data': Buffer.from(c.ca).toString('base64') } : {}) } })),
    users: o.users,
    contexts: o.contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user, namespace: c.namespace } })),
    'current-context': o.current,
  });
}

describe('kube: kubeconfig as kubectl reads it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pil-kc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('merges KUBECONFIG files with the first one winning, and skips missing files', () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(
      a,
      kubeconfigYaml({
        clusters: [{ name: 'shared', server: 'https://first.example:6443' }],
        users: [{ name: 'u1', user: { token: 'tok-aaaaaaaaaaaa' } }],
        contexts: [{ name: 'dev', cluster: 'shared', user: 'u1', namespace: 'team-a' }],
        current: 'dev',
      }),
    );
    writeFileSync(
      b,
      kubeconfigYaml({
        clusters: [
          { name: 'shared', server: 'https://second.example:6443' },
          { name: 'prod', server: 'https://prod.example:6443' },
        ],
        users: [{ name: 'u2', user: { token: 'tok-bbbbbbbbbbbb' } }],
        contexts: [
          { name: 'prod', cluster: 'prod', user: 'u2' },
          { name: 'dev', cluster: 'prod', user: 'u2' },
        ],
        current: 'prod',
      }),
    );
    const env = { KUBECONFIG: [join(dir, 'missing.yaml'), a, b].join(delimiter) };
    assert.deepEqual(kubeconfigFiles({ env }), { files: [a, b], missing: [join(dir, 'missing.yaml')] });
    const kc = loadKubeConfig({ env });
    assert.equal(kc.currentContext, 'dev', 'current-context from the first file that sets it');
    const ctx = listContexts(kc);
    assert.deepEqual(
      ctx.map((c) => [c.name, c.server, c.namespace, c.current]),
      [
        ['dev', 'https://first.example:6443', 'team-a', true],
        ['prod', 'https://prod.example:6443', undefined, false],
      ],
    );
    const client = new KubeClient(kc);
    assert.equal(client.namespace, 'team-a');
    assert.equal(new KubeClient(kc, 'prod').namespace, 'default');
  });

  it('reads ~/.kube/config without KUBECONFIG, and says where it looked when nothing is there', () => {
    const home = join(dir, 'home');
    assert.throws(() => loadKubeConfig({ env: {}, home }), (e: KubeError) => e.kind === 'kubeconfig' && e.message.includes(join(home, '.kube', 'config')));
  });

  it('names the known contexts when asked for an unknown one', () => {
    const kc = loadKubeConfig({
      text: kubeconfigYaml({ clusters: [{ name: 'c', server: 'https://x:1' }], users: [{ name: 'u', user: {} }], contexts: [{ name: 'kind-a', cluster: 'c', user: 'u' }], current: 'kind-a' }),
    });
    assert.throws(() => new KubeClient(kc, 'kind-b'), (e: KubeError) => e.kind === 'unknown-context' && /Context 'kind-b' is not in the kubeconfig; known contexts: kind-a/.test(e.message));
  });

  it('redacts tokens from messages, known ones and recognisable ones', () => {
    loadKubeConfig({ text: kubeconfigYaml({ clusters: [{ name: 'c', server: 'https://x:1' }], users: [{ name: 'u', user: { token: 'zz-very-private-token' } }], contexts: [{ name: 'k', cluster: 'c', user: 'u' }], current: 'k' }) });
    const msg = redact('failed: zz-very-private-token; Authorization: Bearer abc.def-ghi123456 and eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl token=plain123456');
    assert.ok(!/zz-very-private|abc\.def|eyJhbGci|plain123456/.test(msg), msg);
    const err = new KubeError('server', 'echo Bearer abcdefghijklmnop');
    assert.equal(err.message, 'echo Bearer [redacted]');
  });

  describe('exec credential plugins', function () {
    this.timeout(20000);
    let server: https.Server;
    let url = '';
    let ca = '';
    const seen: string[] = [];
    const rejected = new Set<string>();
    before(async () => {
      const tls = await generateDemoTls();
      ca = tls.caCert;
      server = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (req, res) => {
        seen.push(String(req.headers.authorization));
        if (rejected.has(String(req.headers.authorization))) {
          res.writeHead(401, { 'Content-Type': 'application/json' });
          return void res.end(JSON.stringify({ kind: 'Status', code: 401, message: 'Unauthorized' }));
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '1' }, items: [] }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => new Promise<void>((r) => server.close(() => r())));

    it('runs the plugin for a token, and again once the token has expired', async () => {
      const counter = join(dir, 'count');
      writeFileSync(counter, '0');
      const plugin = join(dir, 'plugin.js');
      // Counts how often it runs. Its first token has already expired; the second is good for an hour.
      // So the order of tokens says both that an expired token is not used twice and that a valid one
      // is cached, whatever the machine's speed.
      writeFileSync(
        plugin,
        `const fs=require('fs');const n=Number(fs.readFileSync(${JSON.stringify(counter)},'utf8'))+1;fs.writeFileSync(${JSON.stringify(counter)},String(n));` +
          `const expires=new Date(Date.now()+(n===1?-60000:3600000)).toISOString();` +
          `process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'exec-token-'+n,expirationTimestamp:expires}}));`,
      );
      const kc = loadKubeConfig({
        text: kubeconfigYaml({
          clusters: [{ name: 'c', server: url, ca }],
          users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' } } }],
          contexts: [{ name: 'k', cluster: 'c', user: 'u' }],
          current: 'k',
        }),
      });
      const client = new KubeClient(kc);
      const ctx = client.requestContext('list', 'pods', undefined, 'default');
      for (let i = 0; i < 4; i++) await client.getJson('/api/v1/namespaces/default/pods', {}, ctx);
      assert.deepEqual(seen.slice(-4), ['Bearer exec-token-1', 'Bearer exec-token-2', 'Bearer exec-token-2', 'Bearer exec-token-2'], 'the expired token is replaced at the next request, the valid one cached');
      assert.equal(readFileSync(counter, 'utf8'), '2');
    });

    it('runs the plugin again after a 401, even if the cached token claims to be valid (as kubectl does)', async () => {
      const counter = join(dir, 'count');
      writeFileSync(counter, '0');
      const plugin = join(dir, 'plugin.js');
      writeFileSync(
        plugin,
        `const fs=require('fs');const n=Number(fs.readFileSync(${JSON.stringify(counter)},'utf8'))+1;fs.writeFileSync(${JSON.stringify(counter)},String(n));` +
          `process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'revocable-'+n,expirationTimestamp:new Date(Date.now()+3600e3).toISOString()}}));`,
      );
      rejected.add('Bearer revocable-1');
      const kc = loadKubeConfig({
        text: kubeconfigYaml({
          clusters: [{ name: 'c', server: url, ca }],
          users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' } } }],
          contexts: [{ name: 'k', cluster: 'c', user: 'u' }],
          current: 'k',
        }),
      });
      const client = new KubeClient(kc);
      const ctx = client.requestContext('list', 'pods', undefined, 'default');
      await assert.rejects(client.getJson('/api/v1/namespaces/default/pods', {}, ctx), (e: KubeError) => e.kind === 'unauthorized' && !e.message.includes('revocable'));
      await client.getJson('/api/v1/namespaces/default/pods', {}, ctx);
      assert.equal(seen.at(-1), 'Bearer revocable-2');
      await client.getJson('/api/v1/namespaces/default/pods', {}, ctx);
      assert.equal(seen.at(-1), 'Bearer revocable-2', 'and caches the new one');
      assert.equal(readFileSync(counter, 'utf8'), '2');
    });

    it('reports a failing plugin as a credentials problem', async () => {
      const kc = loadKubeConfig({
        text: kubeconfigYaml({
          clusters: [{ name: 'c', server: url, ca }],
          users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', 'process.stderr.write("login required");process.exit(3)'], interactiveMode: 'Never' } } }],
          contexts: [{ name: 'k', cluster: 'c', user: 'u' }],
          current: 'k',
        }),
      });
      const client = new KubeClient(kc);
      await assert.rejects(client.getJson('/api/v1/pods', {}, client.requestContext('list', 'pods', undefined, undefined)), (e: KubeError) => {
        assert.equal(e.kind, 'unauthorized');
        assert.match(e.message, /Could not get credentials for context 'k'/);
        return true;
      });
    });
  });
});
