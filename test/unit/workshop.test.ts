// The walkthrough's cluster-dependent texts: the sample manifest written with the IPs of the backend
// Pods running now, the "fixed" check, and the probe Pod, run for real against the demo cluster with
// real kubectl: its log says the Pod IP answers, then fails after a rollout while the Service answers.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { isWrittenSample, probeCommand, renderSampleManifest, sampleFixed, SAMPLE_MARKER } from '../../src/core/workshop';
import { lintText } from '../../src/core/lint';
import { KUBECTL, useKubectl, waitFor } from '../kubectlHarness';

const template = readFileSync(join(__dirname, '..', '..', 'media', 'walkthrough', 'sample-frontend.yaml'), 'utf8');
const at = new Date('2026-12-01T12:03:04Z');

describe('workshop: the sample manifest', () => {
  it('the template is a sample Pod IP Lens may rewrite, and flags two Pod IPs', () => {
    assert.ok(isWrittenSample(template), `the template starts with "${SAMPLE_MARKER}"`);
    assert.ok(!isWrittenSample('apiVersion: v1\nkind: ConfigMap\n'));
  });

  it('puts the running Pods\' IPs where the template had its own, and names the Pods in the header', () => {
    const { text, ips } = renderSampleManifest(template, [{ name: 'backend-abc-1', ip: '10.244.1.9' }, { name: 'backend-abc-2', ip: '10.244.2.4' }], at);
    assert.deepEqual(ips, ['10.244.1.9', '10.244.2.4']);
    assert.ok(text.startsWith(SAMPLE_MARKER));
    assert.match(text, /through the IPs of Pods backend-abc-1 and backend-abc-2,/);
    assert.match(text, /at 12:03:04 UTC/);
    assert.match(text, /value: "http:\/\/10\.244\.1\.9:80\/api"/);
    assert.match(text, /proxy_pass http:\/\/10\.244\.2\.4:80;/);
    assert.doesNotMatch(text, /10\.244\.1\.2\b|10\.244\.2\.2\b/, 'none of the template\'s own IPs is left');
    const findings = lintText(text).findings.filter((f) => f.rule === 'ip-literal');
    assert.deepEqual(findings.map((f) => f.ip).sort(), ['10.244.1.9', '10.244.2.4']);
  });

  it('with one Pod, both literals get its IP', () => {
    const { text, ips } = renderSampleManifest(template, [{ name: 'backend-x', ip: '10.244.3.3' }], at);
    assert.deepEqual(ips, ['10.244.3.3']);
    assert.equal(text.match(/10\.244\.3\.3/g)?.length, 2, 'BACKEND_URL and proxy_pass');
    assert.match(text, /through the IP of Pod backend-x,/);
    assert.throws(() => renderSampleManifest(template, [], at), /no backend Pod/);
  });

  it('is fixed once none of its Pod IPs is left (other IPs do not matter)', () => {
    const { text, ips } = renderSampleManifest(template, [{ name: 'a', ip: '10.244.1.9' }, { name: 'b', ip: '10.244.2.4' }], at);
    assert.equal(sampleFixed(text, ips), false);
    const half = text.replace('http://10.244.1.9:80', 'http://backend.default.svc.cluster.local:80');
    assert.equal(sampleFixed(half, ips), false);
    const done = half.replace('http://10.244.2.4:80', 'http://backend.default.svc.cluster.local:80');
    assert.equal(sampleFixed(`${done}\n# resolver 10.96.0.10\n`, ips), true);
    assert.equal(sampleFixed(done, []), false, 'no IPs recorded: nothing to call fixed');
  });

  it('the probe command refuses what is not an IP or a Service name (it goes to a shell)', () => {
    assert.throws(() => probeCommand("10.0.0.1'; rm -rf /", 'backend'), /not an IP/);
    assert.throws(() => probeCommand('10.0.0.1', 'backend; reboot'), /not a Service name/);
    assert.match(probeCommand('10.244.1.2', 'backend'), /^kubectl run probe -n default --image=busybox:1\.36 --restart=Never -- sh -c '.*http:\/\/10\.244\.1\.2\/.*http:\/\/backend\/.*'$/);
  });
});

describe('workshop: the probe Pod against the demo cluster (real kubectl)', function () {
  this.timeout(120_000);
  const h = useKubectl('workshop probe', 10);
  const sh = (command: string) =>
    new Promise<void>((resolve, reject) =>
      // The walkthrough sends this line to a terminal's shell; so does this test (asynchronously:
      // the cluster runs in this process).
      execFile('/bin/sh', ['-c', command], { env: { ...h.env, PATH: `${join(KUBECTL, '..')}:${process.env.PATH}` } }, (err, _out, stderr) => (err ? reject(new Error(`${command}: ${stderr}`)) : resolve())),
    );

  it('logs the Pod IP answering, then failing after a rollout while the Service answers', async () => {
    await h.ok('create', 'deployment', 'backend', '--image=nginx:1.28', '--replicas=1');
    const ip = await waitFor('a backend Pod with an IP', async () => {
      const out = await h.ok('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[0].status.podIP}');
      return out.trim() || undefined;
    });
    await h.ok('expose', 'deployment', 'backend', '--port=80', '--target-port=80');
    await sh(probeCommand(ip, 'backend'));
    const logs = async () => (await h.kubectl(['logs', 'probe'])).stdout;
    await waitFor('the probe to reach the Pod IP and the Service', async () => {
      const l = await logs();
      return l.includes(`Pod IP ${ip}: answers`) && l.includes('Service backend: answers');
    }, 30_000, 500);
    await h.ok('set', 'image', 'deployment/backend', 'nginx=nginx:1.25');
    await waitFor('the old Pod to be gone', async () => {
      const out = await h.ok('get', 'pods', '-l', 'app=backend', '-o', 'jsonpath={.items[*].status.podIP}');
      return !out.split(/\s+/).includes(ip) && out.trim() !== '';
    }, 30_000, 500);
    const after = await waitFor('the probe to fail on the Pod IP', async () => {
      const l = await logs();
      const cut = l.lastIndexOf(`Pod IP ${ip}: answers`);
      const tail = l.slice(cut + 1);
      return tail.includes(`Pod IP ${ip}: FAILED`) && /Service backend: answers/.test(tail.slice(tail.indexOf(`Pod IP ${ip}: FAILED`))) ? tail : undefined;
    }, 45_000, 500);
    assert.doesNotMatch(after.slice(after.indexOf('FAILED')), /Service backend: FAILED/, 'the Service kept answering through the rollout');
  });
});
