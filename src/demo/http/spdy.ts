// Just enough SPDY/3.1 for `kubectl port-forward`, which speaks it (tunneled in WebSocket binary
// messages, or after an `Upgrade: SPDY/3.1`): the client opens streams with SYN_STREAM, the
// server answers SYN_REPLY, both send DATA and close their half with FIN; PING is echoed.
// Header blocks are zlib-compressed with the dictionary of the SPDY/3 draft (section 2.6.10.1).
import * as zlib from 'node:zlib';

const DICTIONARY_NAMES = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
  'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
];
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The SPDY/3 header compression dictionary: length-prefixed common names, then common values. */
export const SPDY3_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_NAMES.flatMap((n) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(n.length);
    return [len, Buffer.from(n, 'latin1')];
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;
export const FLAG_FIN = 0x01;
const MAX_DATA_FRAME = 16 * 1024;

export type SpdyFrame =
  | { control: true; type: number; flags: number; data: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

/** Splits a byte stream into frames; keeps a partial frame for the next chunk. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4];
      const data = this.buf.subarray(8, 8 + len);
      if (this.buf[0] & 0x80) frames.push({ control: true, type: this.buf.readUInt16BE(2), flags, data });
      else frames.push({ control: false, streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data });
      this.buf = this.buf.subarray(8 + len);
    }
    return frames;
  }
}

export function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8003, 0); // control bit, version 3
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function dataFrames(streamId: number, data: Buffer, fin: boolean): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  do {
    const part = data.subarray(off, off + MAX_DATA_FRAME);
    off += part.length;
    const head = Buffer.alloc(8);
    head.writeUInt32BE(streamId & 0x7fffffff, 0);
    head[4] = fin && off >= data.length ? FLAG_FIN : 0;
    head.writeUIntBE(part.length, 5, 3);
    out.push(Buffer.concat([head, part]));
  } while (off < data.length);
  return out;
}

/** An uncompressed SPDY/3 header block: count, then length-prefixed names and values. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const kb = Buffer.from(k.toLowerCase(), 'utf8');
    const vb = Buffer.from(v, 'utf8');
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  const n = block.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < n; i++) {
    const kl = block.readUInt32BE(off);
    const k = block.subarray(off + 4, off + 4 + kl).toString('utf8');
    off += 4 + kl;
    const vl = block.readUInt32BE(off);
    out[k] = block.subarray(off + 4, off + 4 + vl).toString('utf8');
    off += 4 + vl;
  }
  return out;
}

/**
 * The receiving half of a connection's header compression: one zlib stream for the whole
 * connection, flushed after each block. Decoded synchronously by inflating everything received
 * so far and keeping the new output (header blocks are few and small).
 */
export class HeaderInflater {
  private compressed: Buffer[] = [];
  private produced = 0;

  inflate(block: Buffer): Buffer {
    this.compressed.push(block);
    const all = zlib.inflateSync(Buffer.concat(this.compressed), { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const fresh = all.subarray(this.produced);
    this.produced = all.length;
    return fresh;
  }
}

/** The sending half: a zlib stream flushed (Z_SYNC_FLUSH) after each block, in order. */
export class HeaderDeflater {
  private readonly z = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private chain: Promise<unknown> = Promise.resolve();

  deflate(block: Buffer): Promise<Buffer> {
    const next = this.chain.then(
      () =>
        new Promise<Buffer>((resolve) => {
          const chunks: Buffer[] = [];
          const onData = (c: Buffer) => chunks.push(c);
          this.z.on('data', onData);
          this.z.write(block);
          this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.z.off('data', onData);
            resolve(Buffer.concat(chunks));
          });
        }),
    );
    this.chain = next;
    return next;
  }

  close(): void {
    this.z.close();
  }
}
