// Settings, suppression, the per-document cache, the Helm fallback and document bookkeeping.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { manifestVerdict } from '../../src/core/manifest';
import { LineIndex, ManifestIndex, ManifestLinter, findingsIn, lintText, looksLikeManifest, planServiceReplacements, splitDocuments } from '../../src/core/lint';

const pod = (value: string, name = 'p') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: c
      env:
        - {name: BACKEND_HOST, value: "${value}"}
`;

describe('lint settings', () => {
  it('turns a rule off or changes its severity', () => {
    const text = `${pod('10.1.2.3')}  hostNetwork: true\n`;
    assert.deepEqual(lintText(text).findings.map((f) => [f.rule, f.severity]), [['ip-literal', 'warning'], ['host-network', 'warning']]);
    assert.deepEqual(lintText(text, { rules: { 'ip-literal': 'off' } }).findings.map((f) => f.rule), ['host-network']);
    assert.deepEqual(lintText(text, { rules: { 'host-network': 'error' } }).findings.map((f) => f.severity), ['warning', 'error']);
  });

  it('ignores IPs inside configured ranges, and reports ranges it cannot read', () => {
    const text = pod('10.1.2.3 172.16.5.5 fd00::5');
    assert.deepEqual(lintText(text, { ignoreCidrs: ['172.16.0.0/12', 'fd00::/8'] }).findings.map((f) => f.ip), ['10.1.2.3']);
    const r = lintText(text, { ignoreCidrs: ['10.0.0.0/33'], rules: { bogus: 'off' } as never });
    assert.equal(r.findings.length, 3);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0], /bogus/);
    assert.match(r.problems[1], /10\.0\.0\.0\/33/);
  });

  it('skips a text over the size limit with a message', () => {
    const text = pod('10.1.2.3');
    const r = lintText(text, { maxLength: 100 });
    assert.equal(r.findings.length, 0);
    assert.match(r.skipped ?? '', /over the 1 KB limit/);
    assert.equal(lintText(text, { maxLength: text.length }).findings.length, 1);
  });
});

describe('lint suppression', () => {
  it('applies a disable comment to the next line only, and only to the rules it names', () => {
    const text = [
      'apiVersion: v1', 'kind: ConfigMap', 'data:',
      '  # pod-ip-lens-disable-next-line',
      '  a_host: 10.0.0.1', '  b_host: 10.0.0.2',
      '  # pod-ip-lens-disable-next-line host-network',
      '  c_host: 10.0.0.3',
      '  # pod-ip-lens-disable-next-line host-port, ip-literal',
      '  d_host: 10.0.0.4', '',
    ].join('\n');
    assert.deepEqual(lintText(text).findings.map((f) => f.ip), ['10.0.0.2', '10.0.0.3']);
  });
});

describe('lint documents', () => {
  it('splits a stream exactly as the yaml parser does', () => {
    const text = 'a: 1\n---\nb: 2\n--- # c\nc: 3\n...\n---\nd: "---"\n';
    const slices = splitDocuments(text);
    const docs = parseAllDocuments(text) as unknown as { range: number[] }[];
    assert.equal(slices.length, docs.length);
    for (let i = 0; i < docs.length; i++) assert.ok(slices[i].start <= docs[i].range[0] && docs[i].range[1] <= slices[i].end, `doc ${i}`);
  });

  it('reports the document index, kind, name, namespace and field path', () => {
    const text = `${pod('x')}---\n${pod('10.1.2.3', 'second')}`;
    const [f] = lintText(text).findings;
    assert.equal(f.document, 1);
    assert.equal(f.kind, 'Pod');
    assert.equal(f.name, 'second');
    assert.equal(f.path, 'spec.containers[0].env[0].value');
    const pos = new LineIndex(text).position(f.start);
    assert.equal(text.split('\n')[pos.line].slice(pos.character, pos.character + 8), '10.1.2.3');
  });

  it('recognises manifests', () => {
    assert.ok(looksLikeManifest(pod('x')));
    assert.ok(looksLikeManifest('{"apiVersion": "v1", "kind": "Pod"}'));
    assert.ok(!looksLikeManifest('name: ci\non: push\n'));
  });

  it('exports the findings of a text for other consumers', () => {
    assert.deepEqual(findingsIn(pod('10.1.2.3:80')).map((f) => f.literal), ['10.1.2.3:80']);
  });
});

describe('lint cache', () => {
  it('re-analyses only the documents whose text changed', () => {
    const docs = Array.from({ length: 50 }, (_, i) => pod(`10.0.${i}.1`, `p${i}`));
    const linter = new ManifestLinter();
    const first = linter.lint(docs.join('---\n'));
    assert.equal(first.findings.length, 50);
    assert.equal(linter.analysed, 50);
    docs[20] = pod('10.9.9.9', 'p20');
    const second = linter.lint(docs.join('---\n'));
    assert.equal(linter.analysed, 51);
    assert.deepEqual(second.findings.map((f) => f.ip).slice(19, 22), ['10.0.19.1', '10.9.9.9', '10.0.21.1']);
    // Offsets of later documents moved by the edit's length difference.
    const text = docs.join('---\n');
    for (const f of second.findings) assert.equal(text.slice(f.start, f.end), f.ip);
  });

  it('re-applies changed settings to cached documents', () => {
    const linter = new ManifestLinter();
    const text = pod('10.1.2.3');
    assert.equal(linter.lint(text).findings.length, 1);
    linter.setOptions({ ignoreCidrs: ['10.0.0.0/8'] });
    assert.equal(linter.lint(text).findings.length, 0);
    assert.equal(linter.analysed, 1);
  });
});

describe('lint Helm templates', () => {
  it('falls back to a line scan for a template that is not YAML, keeping the context rules', () => {
    const text = readFileSync('test/fixtures/manifests/tree/nested/helm-deployment.yaml', 'utf8');
    const f = lintText(text).findings;
    assert.equal(f.length, 1);
    assert.equal(f[0].literal, '10.244.5.5:5672');
    assert.ok(f[0].lineScan);
    assert.equal(f[0].path, 'spec.template.spec.containers.env.value');
    // The line scan still knows which fields are legitimate and what is a comment or block scalar.
    const svc = 'apiVersion: v1\nkind: Service\nspec:\n  {{- if .Values.ip }}\n  clusterIP: 10.96.0.9 # not 10.1.1.1\n  {{- end }}\n';
    assert.deepEqual(lintText(svc).findings, []);
    const cm = 'kind: ConfigMap\ndata:\n  {{ .Values.x }}\n  conf: |\n    backend: 10.1.2.3\n  hostNetwork: true\n';
    assert.deepEqual(lintText(cm).findings.map((x) => [x.rule, x.literal]), [['ip-literal', '10.1.2.3']]);
  });

  it('lints a template that is valid YAML through the parser', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "{{ .Values.a }}"\n  backend: 10.1.2.3\n';
    const f = lintText(text).findings;
    assert.equal(f.length, 1);
    assert.equal(f[0].lineScan, false);
  });
});

describe('lint Secret data', () => {
  it('decodes base64 values, names the decoded IP, and offers no in-place replacement', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\ndata:\n  url: MTAuMC4wLjc6NTQzMg==\n';
    const [f] = lintText(text).findings;
    assert.equal(f.ip, '10.0.0.7');
    assert.equal(f.port, 5432);
    assert.equal(f.encoding, 'base64');
    assert.match(f.message, /^Hard-coded IP 10\.0\.0\.7:5432 \(base64 in Secret data\) — /);
    const index = new ManifestIndex();
    index.update('s.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: shop}\nspec: {ports: [{port: 5432}]}\n');
    assert.deepEqual(planServiceReplacements(f, index.serviceCandidates(5432, 'shop')), []);
  });
});

describe('lint manifest detection with a byte order mark', () => {
  it('still sees apiVersion and kind', () => {
    assert.ok(looksLikeManifest('\uFEFFapiVersion: v1\nkind: Pod\n'));
  });
});

describe('one notion of a manifest', () => {
  it('knows block YAML, JSON and flow-style YAML manifests, and what is not one', () => {
    assert.ok(manifestVerdict('a.yaml', 'apiVersion: v1\nkind: Pod\n').manifest);
    assert.ok(manifestVerdict('a.json', '{"apiVersion": "v1", "kind": "Pod"}').manifest);
    assert.ok(manifestVerdict('a.yaml', '---\n# a DaemonSet\n{\n  apiVersion: "apps/v1",\n  # comment\n  kind: "DaemonSet",\n}\n').manifest);
    assert.ok(manifestVerdict('templates/_svc.tpl', 'apiVersion: v1\nkind: Service\n').manifest);
    assert.deepEqual(manifestVerdict('values.yaml', 'image:\n  apiVersion: x\n  kind: y\n'), { manifest: false, reason: 'no top-level apiVersion and kind (not a Kubernetes manifest)' });
    assert.deepEqual(manifestVerdict('notes.txt', 'apiVersion: v1\nkind: Pod\n'), { manifest: false, reason: 'not a .yaml, .yml, .json or .tpl file' });
    assert.ok(manifestVerdict('Dockerfile.conf', 'apiVersion: v1\nkind: Pod\n', 'yaml').manifest, 'the editor language counts');
  });
});
