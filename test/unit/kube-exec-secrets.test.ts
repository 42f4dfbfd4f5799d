// Exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin, kubelogin…) print secrets:
// the credential itself on stdout, and sometimes refresh tokens or cloud keys in their error
// messages on stderr. None of it may reach a message (log, pop-up, hover), and a token a plugin
// issued is redacted wherever it shows up later.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoTls } from '../../src/demo/tls';
import { KubeClient, KubeError, loadKubeConfig, redact } from '../../src/kube';
import { redactPluginOutput } from '../../src/kube/errors';

const REFRESH = '1//0gLxRefreshTokenAbCdEfGh123456789';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const STDOUT_SECRET = 'stdout-only-Secret-9f8e7d6c';
/** Issued by the plugin; short and plain, so only registration can catch it. */
const ISSUED = 'issued-q9w8e7';

describe('exec credential plugins and secrets', function () {
  this.timeout(30_000);
  let dir: string;
  let server: https.Server;
  let url: string;
  let ca: string;
  const seen: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pod-ip-lens-exec-'));
    const tls = await generateDemoTls();
    ca = Buffer.from(tls.caCert).toString('base64');
    // An API server that, like some proxies, quotes what it was sent in its error.
    server = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (req, res) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen.push(token);
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', message: `upstream refused credential ${token} for ${req.url}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function clientWithPlugin(name: string, script: string): KubeClient {
    const path = join(dir, `${name}.sh`);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o700);
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "${url}", certificate-authority-data: ${ca}}}]`,
      `users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: "${path}", args: ["--password", "arg-Secret-1234"], interactiveMode: Never}}}]`,
      'contexts: [{name: k, context: {cluster: c, user: u}}]',
      'current-context: k',
    ].join('\n');
    return new KubeClient(loadKubeConfig({ text: kubeconfig }));
  }

  const failure = async (client: KubeClient): Promise<KubeError> => {
    try {
      await client.getJson('/api/v1/pods', {}, client.requestContext('list', 'pods', undefined, undefined));
    } catch (e) {
      assert.ok(e instanceof KubeError, String(e));
      return e;
    }
    throw new Error('the request did not fail');
  };

  const assertClean = (message: string) => {
    for (const s of [REFRESH, AWS_SECRET, AWS_KEY_ID, STDOUT_SECRET, ISSUED, 'arg-Secret-1234']) assert.ok(!message.includes(s), `"${s}" leaked: ${message}`);
  };

  it('a failing plugin: its stderr is shown redacted, its stdout and arguments never', async () => {
    const client = clientWithPlugin('failing', [
      `echo '{"status": {"token": "${STDOUT_SECRET}"}}'`,
      `echo "error: refresh token ${REFRESH} was revoked" >&2`,
      `echo "aws_secret_access_key = ${AWS_SECRET}" >&2`,
      `echo "AWS_ACCESS_KEY_ID=${AWS_KEY_ID} (run aws sso login)" >&2`,
      'exit 1',
    ].join('\n'));
    const e = await failure(client);
    assert.equal(e.kind, 'unauthorized');
    assert.match(e.message, /exec credential plugin failing\.sh failed: error: refresh token \[redacted\] was revoked/);
    assert.match(e.message, /run aws sso login/, 'the advice in the error stays readable');
    assertClean(e.message);
  });

  it('a plugin that prints something other than an ExecCredential: nothing of it is echoed', async () => {
    const client = clientWithPlugin('garbage', [`echo "token: ${STDOUT_SECRET} (not JSON)"`, `echo "warning: cached ${REFRESH}" >&2`].join('\n'));
    const e = await failure(client);
    assert.match(e.message, /exec credential plugin garbage\.sh printed something that is not an ExecCredential on its standard output \(not shown: it may hold credentials\)/);
    assertClean(e.message);
    const noStatus = await failure(clientWithPlugin('nostatus', `echo '{"kind": "ExecCredential", "spec": {"x": "${STDOUT_SECRET}"}}'`));
    assert.match(noStatus.message, /not an ExecCredential/);
    assertClean(noStatus.message);
  });

  it('a token the plugin issued is redacted wherever it appears later', async () => {
    const client = clientWithPlugin('issuing', [
      `echo "debug: refreshed with ${REFRESH}" >&2`,
      `echo '{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "${ISSUED}"}}'`,
    ].join('\n'));
    const e = await failure(client);
    assert.ok(seen.includes(ISSUED), 'the plugin ran and its token was sent');
    assert.match(e.message, /upstream refused credential \[redacted\]/);
    assertClean(e.message);
    assert.equal(redact(`later: ${ISSUED}`), 'later: [redacted]');
  });

  it('a missing plugin says so, with the kubeconfig install hint', async () => {
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "${url}", certificate-authority-data: ${ca}}}]`,
      'users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: no-such-plugin-xyz, installHint: "install it with: brew install xyz", interactiveMode: Never}}}]',
      'contexts: [{name: k, context: {cluster: c, user: u}}]',
      'current-context: k',
    ].join('\n');
    const e = await failure(new KubeClient(loadKubeConfig({ text: kubeconfig })));
    assert.match(e.message, /exec credential plugin no-such-plugin-xyz was not found \(install it with: brew install xyz\)/);
  });

  it('redactPluginOutput removes keys and tokens but keeps words and advice', () => {
    const out = redactPluginOutput(
      `client_secret=abc123XYZ password: hunter2hunter2 "id_token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghij" ${AWS_KEY_ID} ghp_abcdefghijklmnopqrstuvwxyz0123456789 -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- please run gcloud auth login`,
    );
    for (const s of ['abc123XYZ', 'hunter2hunter2', 'eyJhbGci', AWS_KEY_ID, 'ghp_abcdefghij', 'MIIEow']) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
    assert.match(out, /please run gcloud auth login$/);
  });
});
