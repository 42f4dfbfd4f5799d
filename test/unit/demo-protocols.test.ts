// The wire details of the demo API server, unit by unit: boolean query parameters read like
// the API server reads them, the request-body decoder's limits, the channel framing of exec
// streams, SPDY framing and header compression (port-forward), and cron schedules.
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { boolParam, dryRunParam, optionalBoolParam } from '../../src/demo/http/query';
import { MAX_BODY_DEPTH, decodeObject, decodePatch, depthExceeds } from '../../src/demo/http/body';
import { CLOSE, ERROR, STDIN, STDOUT, exitStatus, frame, parseFrame, parseResize, pickProtocol } from '../../src/demo/http/channels';
import { FLAG_FIN, FrameReader, HeaderDeflater, HeaderInflater, SPDY3_DICTIONARY, SYN_STREAM, controlFrame, dataFrames, decodeHeaderBlock, encodeHeaderBlock } from '../../src/demo/http/spdy';
import { nextRun, parseSchedule, runsBetween } from '../../src/demo/cron';
import { ApiError } from '../../src/demo/store';

const q = (s: string) => new URLSearchParams(s);

describe('demo API server wire details', () => {
  describe('boolean query parameters', () => {
    it('reads every value but 0 and false (any case) as true, like apimachinery', () => {
      for (const v of ['true', 'True', 'TRUE', '1', 'yes', 'on', 'x', '']) assert.equal(boolParam(q(`watch=${v}`), 'watch'), true, `watch=${v}`);
      for (const v of ['false', 'False', 'FALSE', 'fAlSe', '0']) assert.equal(boolParam(q(`watch=${v}`), 'watch'), false, `watch=${v}`);
      assert.equal(boolParam(q(''), 'watch'), false, 'absent');
      assert.equal(boolParam(q('follow'), 'follow'), true, 'a bare ?follow');
      // The first value decides, as Convert_Slice_string_To_bool takes in[0].
      assert.equal(boolParam(q('watch=false&watch=true'), 'watch'), false);
      assert.equal(optionalBoolParam(q(''), 'sendInitialEvents'), undefined);
      assert.equal(optionalBoolParam(q('sendInitialEvents=False'), 'sendInitialEvents'), false);
    });

    it('takes dryRun=All only', () => {
      assert.equal(dryRunParam(q('')), false);
      assert.equal(dryRunParam(q('dryRun=All')), true);
      assert.throws(() => dryRunParam(q('dryRun=true')), (e: unknown) => e instanceof ApiError && e.code === 400 && /Unsupported value: "true": supported values: "All"/.test(e.message));
    });
  });

  describe('request bodies', () => {
    const nested = (n: number) => Buffer.from(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
    it('refuses a body nested deeper than any object is with a 400, JSON and YAML alike', () => {
      assert.doesNotThrow(() => decodeObject('application/json', nested(MAX_BODY_DEPTH - 1)));
      for (const body of [nested(2000), nested(20000)]) {
        assert.throws(() => decodeObject('application/json', body), (e: unknown) => e instanceof ApiError && e.code === 400 && /nested too deeply/.test(e.message));
      }
      const yaml = Buffer.from(`${'['.repeat(3000)}${']'.repeat(3000)}`);
      assert.throws(() => decodeObject('application/yaml', yaml), (e: unknown) => e instanceof ApiError && e.code === 400 && /nested too deeply/.test(e.message));
      assert.throws(() => decodePatch('application/merge-patch+json', nested(5000)), (e: unknown) => e instanceof ApiError && e.code === 400);
      assert.equal(depthExceeds({ a: [{ b: 1 }] }, 3), false);
      assert.equal(depthExceeds({ a: [{ b: {} }] }, 3), true);
    });

    it('answers 415 for media types the API server does not take', () => {
      assert.throws(() => decodeObject('text/plain', Buffer.from('x')), (e: unknown) => e instanceof ApiError && e.code === 415);
      assert.throws(() => decodePatch('application/apply-patch+cbor', Buffer.from('x')), (e: unknown) => e instanceof ApiError && e.code === 415);
      assert.deepEqual(decodePatch('application/apply-patch+yaml', Buffer.from('metadata: {labels: {a: b}}')), { type: 'apply', patch: { metadata: { labels: { a: 'b' } } } });
    });
  });

  describe('exec stream framing (channel.k8s.io)', () => {
    it('prefixes every message with its channel and parses it back', () => {
      const f = frame(STDOUT, 'hello\n');
      assert.deepEqual([...f.subarray(0, 1)], [1]);
      assert.equal(f.subarray(1).toString(), 'hello\n');
      assert.deepEqual(parseFrame(frame(STDIN, Buffer.from([0, 1, 2]))), { channel: 0, data: Buffer.from([0, 1, 2]) });
      assert.deepEqual(parseFrame(Buffer.from([CLOSE, STDIN])), { channel: 255, data: Buffer.from([0]) });
      assert.equal(parseFrame(Buffer.alloc(0)), undefined);
      assert.deepEqual(parseResize(Buffer.from('{"Width":120,"Height":40}')), { width: 120, height: 40 });
      assert.equal(parseResize(Buffer.from('nope')), undefined);
    });

    it('picks v5 over v4 and nothing older', () => {
      assert.equal(pickProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v5.channel.k8s.io');
      assert.equal(pickProtocol([' v4.channel.k8s.io']), 'v4.channel.k8s.io');
      assert.equal(pickProtocol(['channel.k8s.io', 'base64.channel.k8s.io']), undefined);
    });

    it('reports exit codes as the kubelet does on the error channel', () => {
      assert.deepEqual(exitStatus(0, ['true']), { metadata: {}, status: 'Success' });
      const s = exitStatus(3, ['sh', '-c', 'exit 3']) as { reason: string; details: { causes: { reason: string; message: string }[] }; message: string };
      assert.equal(s.reason, 'NonZeroExitCode');
      assert.deepEqual(s.details.causes, [{ reason: 'ExitCode', message: '3' }]);
      assert.match(s.message, /\[sh -c exit 3\], exit code 3/);
      assert.equal(frame(ERROR, '{}')[0], 3);
    });
  });

  describe('SPDY/3.1 (port-forward)', () => {
    it('builds the 1423-byte SPDY/3 header dictionary', () => {
      assert.equal(SPDY3_DICTIONARY.length, 1423);
      assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
      assert.ok(SPDY3_DICTIONARY.toString('latin1').endsWith('enq=0.'));
    });

    it('splits frames across chunk boundaries and round-trips data and control frames', () => {
      const reader = new FrameReader();
      const bytes = Buffer.concat([...dataFrames(3, Buffer.from('GET / HTTP/1.1\r\n\r\n'), false), controlFrame(6, 0, Buffer.from([0, 0, 0, 1])), ...dataFrames(3, Buffer.alloc(0), true)]);
      const frames = [...reader.push(bytes.subarray(0, 5)), ...reader.push(bytes.subarray(5, 30)), ...reader.push(bytes.subarray(30))];
      assert.equal(frames.length, 3);
      assert.deepEqual(frames[0], { control: false, streamId: 3, flags: 0, data: Buffer.from('GET / HTTP/1.1\r\n\r\n') });
      assert.equal(frames[1].control && frames[1].type, 6);
      assert.equal(frames[2].flags, FLAG_FIN);
      assert.equal(dataFrames(1, Buffer.alloc(40_000), true).length, 3, 'large writes split into 16 KiB frames');
    });

    it('compresses header blocks with one zlib stream per direction and the dictionary', async () => {
      const out = new HeaderDeflater();
      const inn = new HeaderInflater();
      const a = await out.deflate(encodeHeaderBlock({ streamType: 'error', port: '80', requestID: '0' }));
      const b = await out.deflate(encodeHeaderBlock({ streamType: 'data', port: '80', requestID: '0' }));
      out.close();
      assert.deepEqual(decodeHeaderBlock(inn.inflate(a)), { streamtype: 'error', port: '80', requestid: '0' });
      assert.deepEqual(decodeHeaderBlock(inn.inflate(b)), { streamtype: 'data', port: '80', requestid: '0' });
      // A stream compressed without the dictionary is not one this side can read.
      assert.throws(() => new HeaderInflater().inflate(zlib.deflateSync(encodeHeaderBlock({ a: 'b' }), { dictionary: Buffer.from('other') })));
      assert.equal(controlFrame(SYN_STREAM, 0, Buffer.alloc(10)).readUInt16BE(0), 0x8003);
    });
  });

  describe('cron schedules', () => {
    const at = (s: string) => Date.parse(s);
    it('parses the standard fields, names and macros, and refuses TZ prefixes', () => {
      const s = parseSchedule('*/15 9-17 * * mon-fri');
      assert.deepEqual([...s.minute], [0, 15, 30, 45]);
      assert.deepEqual([...s.dow], [1, 2, 3, 4, 5]);
      assert.deepEqual([...parseSchedule('@hourly').minute], [0]);
      assert.throws(() => parseSchedule('* * * *'), /expected exactly 5 fields/);
      assert.throws(() => parseSchedule('61 * * * *'), /above maximum/);
      assert.throws(() => parseSchedule('TZ=UTC * * * * *'), /use timeZone field/);
    });

    it('finds the next run and the runs missed in an interval', () => {
      assert.equal(nextRun(parseSchedule('*/5 * * * *'), at('2026-01-01T10:02:30Z')), at('2026-01-01T10:05:00Z'));
      assert.equal(nextRun(parseSchedule('0 0 1 1 *'), at('2026-03-01T00:00:00Z')), at('2027-01-01T00:00:00Z'));
      // Day of month and day of week both restricted: either matches (cron's rule).
      assert.equal(nextRun(parseSchedule('0 12 13 * fri'), at('2026-02-01T00:00:00Z')), at('2026-02-06T12:00:00Z'));
      assert.deepEqual(runsBetween(parseSchedule('* * * * *'), at('2026-01-01T10:00:00Z'), at('2026-01-01T10:03:00Z')), [at('2026-01-01T10:01:00Z'), at('2026-01-01T10:02:00Z'), at('2026-01-01T10:03:00Z')]);
    });
  });
});
