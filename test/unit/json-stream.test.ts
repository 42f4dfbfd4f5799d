// The concatenated-JSON reader behind `pod-ip-lens timeline`: the same values, positions and
// errors whether the text comes at once or in pieces cut anywhere.
import * as assert from 'node:assert/strict';
import { ConcatenatedJsonReader, parseConcatenatedJson } from '../../src/core/lifecycle/jsonStream';

function inPieces(text: string, cuts: number[]) {
  const r = new ConcatenatedJsonReader();
  const values = [];
  let from = 0;
  for (const c of [...cuts, text.length]) {
    values.push(...r.push(text.slice(from, c)));
    from = c;
  }
  return { values, error: r.end() };
}

const SAMPLE = '\ufeff{\n  "type": "ADDED",\n  "object": {"a": "x\\"}{y", "b": ["\\\\", 2]}\n}\n[1, {"c": "line\\nnext"}]  {"d":\n "e"}\n';

describe('concatenated JSON reader', () => {
  it('reads the same values at the same positions whatever the pieces', () => {
    const whole = parseConcatenatedJson(SAMPLE);
    assert.equal(whole.error, undefined);
    assert.deepEqual(whole.values.map((v) => [v.line, v.column, v.offset]), [
      [1, 2, 1],
      [5, 1, 68],
      [5, 27, 94],
    ]);
    assert.deepEqual(whole.values[0].value, { type: 'ADDED', object: { a: 'x"}{y', b: ['\\', 2] } });
    for (let a = 0; a <= SAMPLE.length; a++) {
      for (const b of [a, Math.min(SAMPLE.length, a + 1), Math.min(SAMPLE.length, a + 7)]) {
        const r = inPieces(SAMPLE, [a, b]);
        assert.equal(r.error, undefined, `cut at ${a}, ${b}`);
        assert.deepEqual(r.values, whole.values, `cut at ${a}, ${b}`);
      }
    }
  });

  it('says where the input stops being JSON, in pieces as at once', () => {
    const cases: [string, RegExp, number, number][] = [
      ['{"a": 1}\n{"b": ', /^line 2, column 7: input ends inside the JSON value that starts at line 2, column 1 \(truncated\?\)$/, 2, 7],
      // What follows is shown as far as it has arrived.
      ['{"a": 1}\n  nope', /^line 2, column 3: expected the start of a JSON object \('\{'\), found "n/, 2, 3],
      ['{"a": 1}\n{"b": tru}', /^line 2, column 1: invalid JSON: Unexpected token/, 2, 1],
    ];
    for (const [text, message, line, column] of cases) {
      for (let cut = 0; cut <= text.length; cut++) {
        const r = inPieces(text, [cut]);
        assert.match(r.error?.message ?? '', message, `${JSON.stringify(text)} cut at ${cut}`);
        assert.deepEqual([r.error?.line, r.error?.column], [line, column], `${JSON.stringify(text)} cut at ${cut}: ${r.error?.message}`);
        assert.equal(r.values.length, 1, 'the value before the problem is kept');
      }
    }
  });
});
