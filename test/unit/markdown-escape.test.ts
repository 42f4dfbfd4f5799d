// The helpers every cluster, kubeconfig and error string goes through before it reaches Markdown
// (hovers) or a notification. The rendered result is checked in VS Code itself by
// test/integration/trust.test.ts; these pin the escaping rules.
import * as assert from 'node:assert/strict';
import { mdCode, mdText, plainMessage } from '../../src/features/markdown';

describe('Markdown escaping of cluster strings', () => {
  it('mdText backslash-escapes every ASCII punctuation character and flattens line breaks', () => {
    assert.equal(mdText('[x](command:a) ![i](https://e/p.png) <b>&amp;</b> $(alert) *_~`#|'), '\\[x\\]\\(command\\:a\\) \\!\\[i\\]\\(https\\:\\/\\/e\\/p\\.png\\) \\<b\\>\\&amp\\;\\<\\/b\\> \\$\\(alert\\) \\*\\_\\~\\`\\#\\|');
    assert.equal(mdText('a\n\n# b\u2028c\u001b[31m'), 'a \\# b c \\[31m');
    assert.equal(mdText('plain words 123 ünï'), 'plain words 123 ünï');
  });

  it('mdCode makes a code span no backtick inside can close', () => {
    assert.equal(mdCode('backend-7d9f'), '`backend-7d9f`');
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('x ``` y'), '````x ``` y````');
    assert.equal(mdCode('`start'), '`` `start ``');
    assert.equal(mdCode('end`'), '`` end` ``');
    assert.equal(mdCode('two\n\nlines'), '`two lines`', 'a blank line would end the span and the paragraph');
    assert.equal(mdCode(''), '\\"\\"');
  });

  it('plainMessage breaks the link syntax notifications render', () => {
    assert.equal(plainMessage('failed: [Sign in](https://evil.example) or [run](command:x)'), 'failed: [Sign in] (https://evil.example) or [run] (command:x)');
    assert.equal(plainMessage('line one\nline two'), 'line one line two');
  });
});
