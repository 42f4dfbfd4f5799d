// The one request-body decoder: reads a body within the size limit and decodes it by its
// Content-Type (JSON, YAML, Kubernetes protobuf; the four patch types), refusing bodies nested
// deeper than any Kubernetes object is, so nothing later recurses off the stack.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../store';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from '../protobuf';
import type { PatchType } from '../api';

/** Like the API server's 3 MiB request limit (etcd's object size limit is 1.5 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Real objects nest a few dozen levels; a deeper body is an attack or a bug. */
export const MAX_BODY_DEPTH = 500;

export const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Reads the whole body. Past the limit it stops buffering and throws 413; the connection is
 * marked to close once that answer is sent, so a client still uploading is not read further.
 */
export function readRaw(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        (req as IncomingMessage & { tooLarge?: boolean }).tooLarge = true;
        reject(new ApiError(413, 'RequestEntityTooLarge', `the request body is larger than the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!over) reject(e);
    });
  });
}

/** Depth of a parsed JSON value, measured without recursion; stops counting past `max`. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

function tooDeep(): ApiError {
  return new ApiError(400, 'BadRequest', `the request body is nested too deeply: more than ${MAX_BODY_DEPTH} levels`);
}

function parseJson(text: string, what: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'BadRequest', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (depthExceeds(v, MAX_BODY_DEPTH)) throw tooDeep();
  return v;
}

function parseYamlText(text: string, what: string): unknown {
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch (e) {
    if (e instanceof RangeError || /call stack/i.test(String((e as Error)?.message))) throw tooDeep();
    throw new ApiError(400, 'BadRequest', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (depthExceeds(v, MAX_BODY_DEPTH)) throw tooDeep();
  return v;
}

const OBJECT_TYPES = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

/** An object for create/update/subresource POSTs (JSON, YAML or Kubernetes protobuf). Empty: `{}`. */
export function decodeObject(contentType: string | undefined, raw: Buffer): unknown {
  const ct = mediaType(contentType) || 'application/json';
  if (isKubernetesProtobuf(ct)) {
    try {
      return decodeKubernetesProtobuf(raw);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', e instanceof Error ? e.message : String(e));
    }
  }
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (ct === 'application/json') return parseJson(text, "couldn't get version/kind; json parse error");
  if (ct === 'application/yaml' || ct === 'application/x-yaml') return parseYamlText(text, "couldn't get version/kind; yaml parse error");
  throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${OBJECT_TYPES}`);
}

/** A patch by its Content-Type; 415 for a type the API server does not take (CBOR apply included). */
export function decodePatch(contentType: string | undefined, raw: Buffer): { type: PatchType; patch: unknown } {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (!type) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`);
  }
  const text = raw.toString('utf8');
  const patch = type === 'apply' ? parseYamlText(text, 'error decoding patch') : parseJson(text, 'error decoding patch');
  return { type, patch };
}

/** DeleteOptions (JSON or protobuf) of a DELETE; `{}` when there is no body. */
export function decodeDeleteOptions(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  if (!raw.length) return {};
  let v: unknown;
  if (isKubernetesProtobuf(contentType)) {
    try {
      v = decodeKubernetesProtobuf(raw);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', `error decoding DeleteOptions: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else v = parseJson(raw.toString('utf8'), 'error decoding DeleteOptions');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'BadRequest', 'error decoding DeleteOptions: not an object');
  return v as Record<string, unknown>;
}
