// A suite whose tool is missing skips loudly on a developer's machine and fails under CI.
import { strict as assert } from 'node:assert';
import { inCi, skipOrFail } from '../skip';

describe('skipping a suite for a missing tool', () => {
  it('reads CI like CI services set it', () => {
    assert.equal(inCi({ CI: 'true' }), true);
    assert.equal(inCi({ CI: '1' }), true);
    assert.equal(inCi({ CI: 'false' }), false);
    assert.equal(inCi({ CI: '0' }), false);
    assert.equal(inCi({}), false);
  });

  it('skips outside CI and fails under it, saying why', () => {
    let skipped = 0;
    const ctx = { skip: () => (skipped++, undefined) } as unknown as Mocha.Context;
    const warn = console.warn;
    console.warn = () => {};
    try {
      skipOrFail(ctx, 'kubectl not found', {});
    } catch {
      assert.fail('outside CI it skips, it does not throw');
    } finally {
      console.warn = warn;
    }
    assert.equal(skipped, 1);
    assert.throws(() => skipOrFail(ctx, 'kubectl not found', { CI: 'true' }), /kubectl not found: CI must run this suite/);
    assert.equal(skipped, 1);
  });
});
