import * as assert from 'node:assert/strict';
import { jsonForScript, timelineCsp, timelinePageHtml } from '../../src/core/protocol';

describe('protocol: the timeline page shell', () => {
  const nonce = 'abcdefghijklmnopqrstuvwx';

  it('embeds cluster strings as JSON that cannot leave its script element', () => {
    const evil = { pod: '</script><script>alert(1)</script><!--', sep: '\u2028' };
    const json = jsonForScript(evil);
    assert.ok(!json.includes('<') && !json.includes('>'));
    assert.deepEqual(JSON.parse(json), evil);
  });

  it('allows scripts and styles only by nonce (no unsafe-inline, no unsafe-eval)', () => {
    const csp = timelineCsp(nonce, 'https://webview.example');
    assert.equal(csp, "default-src 'none'; img-src https://webview.example blob: data:; style-src https://webview.example 'nonce-abcdefghijklmnopqrstuvwx'; font-src https://webview.example; script-src 'nonce-abcdefghijklmnopqrstuvwx'");
    assert.ok(!/unsafe/.test(csp));
  });

  it('puts the nonce on every script and style, and escapes inlined code that would close its element', () => {
    const html = timelinePageHtml({
      nonce,
      title: 'a <b> & "c"',
      script: { inline: 'const s = "</script><img src=x>";' },
      style: { inline: 'a::after { content: "</style>" }' },
      embedded: { type: 'snapshot', now: '2026-01-01T00:00:00Z', live: false, snapshot: { scope: { context: '</script>', labelSelector: '' }, connection: 'stopped', events: [], pods: [], services: [] } },
    });
    assert.equal((html.match(/<\/script>/g) ?? []).length, 2); // the JSON block and the code block, nothing else
    assert.equal((html.match(/<\/style>/g) ?? []).length, 1);
    for (const tag of html.match(/<(script|style|link)\b[^>]*>/g) ?? []) {
      if (tag.includes('type="application/json"')) continue;
      assert.ok(tag.includes(`nonce="${nonce}"`), `${tag} carries the nonce`);
    }
    assert.ok(html.includes('<title>a &#60;b&#62; &#38; &#34;c&#34;</title>'));
    assert.throws(() => timelinePageHtml({ nonce: 'short', title: '', script: { src: 'x' }, style: { href: 'y' } }), /nonce/);
  });
});
