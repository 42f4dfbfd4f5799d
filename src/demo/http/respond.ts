// Writing answers: JSON bodies, metav1.Status errors.
import type { ServerResponse } from 'node:http';
import { ApiError } from '../store';

export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export function success(code: number, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code };
}

export function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', extraHeaders: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

/** An ApiError as its Status; anything else is a 500 whose stack goes to the log, not the client. */
export function sendError(res: ServerResponse, e: unknown, log: (line: string) => void): void {
  if (e instanceof ApiError) {
    send(res, e.code, status(e.code, e.reason, e.message, e.details), 'application/json', e.code === 413 ? { Connection: 'close' } : {});
    return;
  }
  if (e instanceof URIError) {
    send(res, 400, status(400, 'BadRequest', `malformed request path: ${e.message}`));
    return;
  }
  const msg = e instanceof Error ? e.message : String(e);
  log(`internal error: ${e instanceof Error && e.stack ? e.stack : msg}`);
  send(res, 500, status(500, 'InternalError', `Internal error occurred: ${msg}`));
}
