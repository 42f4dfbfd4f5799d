// Turns whatever went wrong talking to the API server into one actionable sentence, and makes
// sure no credential ever reaches a message or a log line.

export type KubeErrorKind =
  | 'unknown-context'
  | 'kubeconfig'
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'invalid-selector'
  | 'bad-request'
  | 'expired'
  | 'throttled'
  | 'server'
  | 'timeout'
  | 'protocol';

export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(redact(message));
    this.name = 'KubeError';
  }

  /** Errors that retrying will not fix without someone changing something (credentials, RBAC, config). */
  get needsUser(): boolean {
    return ['unknown-context', 'kubeconfig', 'tls', 'unauthorized', 'forbidden', 'invalid-selector', 'bad-request', 'not-found'].includes(this.kind);
  }
}

/** What the request was doing, so the message can say it in Kubernetes terms. */
export interface RequestContext {
  verb: 'list' | 'watch' | 'get';
  resource: string;
  group?: string;
  namespace?: string;
  labelSelector?: string;
  server: string;
  context: string;
  user?: string;
}

const secrets = new Set<string>();

/** Registers a credential so that `redact` removes it wherever it appears, even outside the patterns below. */
export function registerSecret(s: string | undefined): void {
  if (s && s.length >= 6) secrets.add(s);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted-private-key]')
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)\s+[^\s"',}]+/gi, '$1$2 [redacted]')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]')
    // token=, refresh_token:, client_secret=, aws_secret_access_key = … (keys ending in a secret word).
    .replace(/\b([\w-]*(?:token|password|passwd|secret|client-key-data|client-certificate-data))(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[redacted]');
}

/** Cloud access key ids (AWS), and tokens with well-known prefixes (GitHub, GitLab, Slack, Google). */
const KEY_IDS = /\b(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|ya29\.[A-Za-z0-9._-]{20,})\b/g;
/** Opaque runs that look like keys or tokens: long, and mixing letters with digits. */
const OPAQUE = /[A-Za-z0-9+/_.~=-]{20,}/g;
/** A word ending in a credential word, then a value: `refresh token X`, `api key: X`, `session=X`. */
const AFTER_WORD = /\b((?:refresh|access|id|bearer|session|api|secret|private)[ _-]?(?:token|key|secret)s?\b["']?\s*[:=]?\s*["']?)([^\s"',;)}]{6,})/gi;

function looksOpaque(m: string): boolean {
  if (!/[0-9]/.test(m) || !/[A-Za-z]/.test(m)) return false;
  // Host names and URLs (a login page to open) and Kubernetes-style names are words, not keys.
  if (/^(\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(\/[a-z0-9./_-]*)?$/.test(m)) return false;
  return !/^[a-z0-9]{1,10}(-[a-z0-9]{1,10})+$/.test(m);
}

/**
 * An exec credential plugin's own messages (stderr) can quote what it holds: refresh tokens,
 * cloud keys, device codes. Keeps the words (the advice "run aws sso login" matters) and removes
 * anything that looks like a credential, on one line, bounded.
 */
export function redactPluginOutput(text: string, max = 400): string {
  const out = redact(text)
    .replace(KEY_IDS, '[redacted]')
    .replace(AFTER_WORD, '$1[redacted]')
    .replace(OPAQUE, (m) => (looksOpaque(m) ? '[redacted]' : m))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the cluster running, and is this the right address?)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
};

function where(ctx: RequestContext): string {
  return ctx.namespace ? `in namespace '${ctx.namespace}'` : 'in all namespaces';
}

function resourceName(ctx: RequestContext): string {
  return ctx.group ? `${ctx.resource}.${ctx.group}` : ctx.resource;
}

/** A network or TLS failure (no HTTP response). */
export function fromNetworkError(err: unknown, ctx: RequestContext): KubeError {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(String(e?.message))) {
    const why =
      code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
        ? "the server's certificate is not signed by the certificate-authority in the kubeconfig"
        : code === 'CERT_HAS_EXPIRED'
          ? "the server's certificate has expired"
          : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
            ? `the server's certificate does not name this host (${e.reason ?? 'host mismatch'})`
            : `TLS handshake failed (${code || e?.message})`;
    return new KubeError('tls', `TLS failure talking to ${ctx.server} (context '${ctx.context}'): ${why}. Check the cluster's certificate-authority(-data) in your kubeconfig.`);
  }
  const reason = UNREACHABLE_CODES[code];
  if (reason) return new KubeError('unreachable', `Cannot reach the API server at ${ctx.server} (context '${ctx.context}'): ${reason}.`);
  return new KubeError('unreachable', `Cannot talk to the API server at ${ctx.server} (context '${ctx.context}'): ${String(e?.message ?? err)}.`);
}

/** An HTTP error status, with the server's Status body when it sent one. */
export function fromHttpStatus(status: number, body: string, headers: Record<string, string | string[] | undefined>, ctx: RequestContext): KubeError {
  let serverMessage = '';
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed && typeof parsed.message === 'string') serverMessage = parsed.message;
  } catch {
    serverMessage = body.trim().slice(0, 200);
  }
  const retryAfter = parseRetryAfter(headers['retry-after']);
  const said = serverMessage ? ` The server said: ${serverMessage}` : '';
  const what = `${ctx.verb} ${resourceName(ctx)} ${where(ctx)}`;
  switch (status) {
    case 400:
      // Our requests carry nothing else a user chose: with a selector, a 400 is about the selector.
      if (ctx.labelSelector) {
        return new KubeError('invalid-selector', `Invalid label selector '${ctx.labelSelector}'.${said}`, status);
      }
      return new KubeError('bad-request', `The API server rejected the request to ${what} (400 Bad Request).${said}`, status);
    case 401:
      return new KubeError(
        'unauthorized',
        `The API server at ${ctx.server} rejected the credentials of context '${ctx.context}'${ctx.user ? ` (user '${ctx.user}')` : ''} (401 Unauthorized): the token or certificate is missing, wrong or expired. Log in again or check the user's exec plugin.`,
        status,
      );
    case 403:
      return new KubeError(
        'forbidden',
        `Not allowed to ${what} (403 Forbidden): the credentials of context '${ctx.context}' lack the RBAC verb '${ctx.verb}' on resource '${resourceName(ctx)}'${ctx.namespace ? ` in namespace '${ctx.namespace}'` : ' cluster-wide'}. Ask for a ${ctx.namespace ? 'Role' : 'ClusterRole'} granting get, list and watch on ${resourceName(ctx)}.${said}`,
        status,
      );
    case 404:
      return new KubeError('not-found', `The API server has no ${resourceName(ctx)} endpoint ${where(ctx)} (404 Not Found).${said}`, status);
    case 410:
      return new KubeError('expired', `The resourceVersion to ${what} from is too old (410 Gone).`, status);
    case 429:
      return new KubeError('throttled', `The API server is throttling requests (429 Too Many Requests)${retryAfter !== undefined ? `; it asked to retry after ${retryAfter}s` : ''}.`, status, retryAfter);
    default:
      if (status >= 500) {
        return new KubeError('server', `The API server failed to ${what} (${status}).${said}`, status, retryAfter);
      }
      return new KubeError('protocol', `Unexpected HTTP ${status} while trying to ${what}.${said}`, status, retryAfter);
  }
}

export function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  if (/^\d+$/.test(s.trim())) return Number(s.trim());
  const date = Date.parse(s);
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return undefined;
}
