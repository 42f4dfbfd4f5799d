// Lints one YAML/JSON document (one slice from splitDocuments) into findings with offsets relative
// to the slice. Uses the `yaml` CST (tokens with exact offsets and the source text of every
// scalar) rather than a full parse: ranges come from scanning the scalar's source, so they are
// exact for quoted strings with escapes, block scalars, flow collections and JSON. A document in
// which no IP candidate and no hostNetwork/hostPort key occurs is not parsed at all.
import { CST, Parser, parseDocument } from 'yaml';
import { classifyIp, isPublicResolver, isReportableClass, parseIp, type IpClass, type IpVersion } from './ip';
import { literalRole, NAMED_VALUE_KEYS, type PathLevel, type ScalarMemo } from './role';
import { scanIps, type IpMatch } from './scan';
import {
  HOST_NETWORK_MESSAGE,
  LOAD_BALANCER_IP_MESSAGE,
  externalIpMessage,
  hostPortMessage,
  ipLiteralMessage,
  isHostPortPath,
  isPodSpecPath,
  formatPath,
  type PathSegment,
  type RuleId,
} from './rules';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** A finding before settings (severity, ignored ranges, disabled rules) are applied. */
export interface RawFinding {
  rule: RuleId;
  start: number;
  end: number;
  message: string;
  /** The text of the range (e.g. `10.0.0.7:5432`, `hostNetwork: true`). */
  literal: string;
  ip?: string;
  ipVersion?: IpVersion;
  ipClass?: IpClass;
  port?: number;
  /** Resource the finding is in. */
  kind?: string;
  name?: string;
  namespace?: string;
  /** Field path inside the resource, e.g. `spec.template.spec.containers[0].env[1].value`. */
  path: string;
  /** host-network / host-port: the edit that removes the field. */
  removal?: TextEdit;
  /** A `# pod-ip-lens-disable-next-line` comment can be put on the line above without changing data. */
  canDisableLine: boolean;
  /** Suppressed by a comment on the line above. */
  suppressed: boolean;
  /** The document was not valid YAML; fields were inferred line by line. */
  lineScan: boolean;
  /** The IP was found after decoding the value (Secret `data`); the range is the whole value. */
  encoding?: 'base64';
  /**
   * ip-literal: whom the address can belong to. `cluster`: a private address that could be a
   * Pod, node or Service IP; `external`: a host outside the cluster.
   */
  audience?: 'cluster' | 'external';
  /** ip-literal: why the literal counts as a client target (the evidence, in a few words). */
  why?: string;
  /** The same literal in the same field elsewhere in the document (one diagnostic, not a wall). */
  related?: { start: number; end: number }[];
  /** The field, with list positions left out but env var names kept: what repeats group by. */
  field?: string;
}

const FIELD_KEY_RE = /host(?:Network|Port)|loadBalancerIP/;
/** A Secret's `data` is base64: its IPs are invisible to the text scan. */
const SECRET_RE = /^kind[ \t]*:[ \t]*["']?Secret\b|"kind"\s*:\s*"Secret"/m;

interface Resource {
  kind?: string;
  name?: string;
  namespace?: string;
}

export function analyseDocument(doc: string): RawFinding[] {
  const candidates = scanIps(doc);
  if (candidates.length === 0 && !FIELD_KEY_RE.test(doc) && !SECRET_RE.test(doc)) return [];
  const isTemplate = doc.includes('{{');
  let findings: RawFinding[] | undefined;
  if (!isTemplate || isValidYaml(doc)) {
    findings = new CstWalker(doc, candidates).run();
  }
  if (findings === undefined) findings = lineScan(doc, candidates);
  for (const f of findings) f.suppressed = isSuppressed(doc, f.start, f.rule);
  return groupRepeats(findings);
}

/**
 * The same literal in the same field, repeated (31 routes through one gateway, ten containers
 * with the same env var), is one finding with the other places as related locations. A
 * suppressed place does not hide the others.
 */
function groupRepeats(findings: RawFinding[]): RawFinding[] {
  if (findings.length < 2) return findings;
  const first = new Map<string, RawFinding>();
  const out: RawFinding[] = [];
  for (const f of findings) {
    if (f.rule !== 'ip-literal' || f.suppressed) {
      out.push(f);
      continue;
    }
    const key = `${f.literal}\u0000${f.field ?? f.path}`;
    const primary = first.get(key);
    if (!primary) {
      first.set(key, f);
      out.push(f);
    } else {
      (primary.related ??= []).push({ start: f.start, end: f.end });
    }
  }
  return out;
}

/**
 * Full parse of a template document to learn whether it is YAML at all. Broken templates produce
 * many errors, and capturing a stack trace for each dominated the cost, so traces are off here.
 */
function isValidYaml(doc: string): boolean {
  // The full parser recurses (and on a few thousand levels of flow nesting runs out of memory).
  if (nestingDepth(doc) > MAX_DEPTH / 2) return false;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseDocument(doc, { prettyErrors: false }).errors.length === 0;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const SUPPRESS_RE = /#\s*pod-ip-lens-disable-next-line\b([^\n#]*)/;

/** A `# pod-ip-lens-disable-next-line [rule…]` comment on the line above suppresses the finding. */
function isSuppressed(doc: string, offset: number, rule: RuleId): boolean {
  const lineStart = doc.lastIndexOf('\n', offset - 1) + 1;
  if (lineStart === 0) return false;
  const prevStart = doc.lastIndexOf('\n', lineStart - 2) + 1;
  const m = SUPPRESS_RE.exec(doc.slice(prevStart, lineStart - 1));
  if (!m) return false;
  const rules = m[1].split(/[\s,]+/).filter((r) => r !== '');
  return rules.length === 0 || rules.includes(rule);
}

/** Where a literal sits: the resource, the path to its scalar, and the scalar's range. */
interface Place {
  res: Resource;
  levels: () => PathLevel[];
  path: readonly PathSegment[];
  valueStart: number;
  valueEnd: number;
  multiline: boolean;
  memo: ScalarMemo;
}

const HTTP_SCHEME_BEFORE_RE = /(?:https?|wss?|grpcs?):\/\/(?:[^\s/@]*@)?\[?$/i;

function ipFinding(doc: string, c: IpMatch, place: Place, canDisableLine: boolean, lineScan: boolean): RawFinding | undefined {
  if (c.cidr) return undefined;
  const parsed = parseIp(c.ip);
  if (!parsed) return undefined;
  const ipClass = classifyIp(parsed);
  if (!isReportableClass(ipClass)) return undefined;
  const last = lastKeyOf(place.path);
  // Values that only look like addresses: image references and version fields.
  if (last !== undefined && (last === 'image' || last === 'tag' || /version$/i.test(last))) return undefined;
  if (VERSION_BEFORE_RE.test(doc.slice(Math.max(0, c.start - 24), c.start))) return undefined;
  // A public resolver is addressed by IP by design; only an HTTP(S) client of it (not DNS over
  // HTTPS) is a client of something else that happens to use the address.
  if (isPublicResolver(parsed) && !(HTTP_SCHEME_BEFORE_RE.test(doc.slice(Math.max(0, c.start - 64), c.start)) && c.port !== 53 && c.port !== 853 && !/^[:\d\]]*\/(?:dns-query|resolve)\b/.test(doc.slice(c.end, c.end + 16)))) return undefined;
  const levels = place.levels();
  const verdict = literalRole({
    kind: place.res.kind,
    levels,
    doc,
    valueStart: place.valueStart,
    valueEnd: place.valueEnd,
    start: c.start,
    end: c.end,
    multiline: place.multiline,
    port: c.port,
    memo: place.memo,
  });
  if (verdict.role !== 'target') return undefined;
  const literal = doc.slice(c.start, c.end);
  const audience = ipClass === 'public' ? 'external' : 'cluster';
  return {
    rule: 'ip-literal',
    start: c.start,
    end: c.end,
    message: audience === 'external' ? externalIpMessage(literal) : ipLiteralMessage(literal),
    literal,
    ip: c.ip,
    ipVersion: c.version,
    ipClass,
    port: c.port,
    kind: place.res.kind,
    name: place.res.name,
    namespace: place.res.namespace,
    path: formatPath(place.path),
    canDisableLine,
    suppressed: false,
    lineScan,
    audience,
    why: verdict.why,
    field: levels.map((l) => (typeof l.key === 'number' ? '[]' : l.mapName !== undefined ? `${l.key}(${l.mapName})` : l.key)).join('.'),
  };
}

function lastKeyOf(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i];
    if (typeof p === 'string') return p;
  }
  return undefined;
}

/** `--version=1.2.3.4`, `VERSION: 1.2.3.4`, `tag 1.2.3.4`: a version written inside a string. */
const VERSION_BEFORE_RE = /(?:(?:^|[^A-Za-z])(?:version|tag|release)|Version|VERSION|Tag|TAG|Release|RELEASE)["']?[ \t]*[=: \t][ \t]*["']?$/;

type CollectionItem = CST.CollectionItem;

/** Walks the CST of one document, keeping the key path on a stack. */
class CstWalker {
  private readonly path: PathSegment[] = [];
  private readonly out: RawFinding[] = [];
  private ci = 0;
  private broken = false;
  private res: Resource = {};
  /** The map or sequence that holds each segment of `path` (for `name` siblings, previous items). */
  private readonly holders: CST.Token[] = [];

  constructor(private readonly doc: string, private readonly candidates: IpMatch[]) {}

  private push(segment: PathSegment, holder: CST.Token): void {
    this.path.push(segment);
    this.holders.push(holder);
    if (this.path.length > MAX_DEPTH) throw new NestingError(MAX_DEPTH);
  }
  private pop(): void {
    this.path.pop();
    this.holders.pop();
  }

  /** The path as the role model reads it, built only for a literal that needs it. */
  private levels(): PathLevel[] {
    return this.path.map((key, i) => {
      const holder = this.holders[i];
      if (typeof key === 'number') {
        if (i !== this.path.length - 1 || !isSeq(holder)) return { key };
        const prev = holder.items[key - 1]?.value;
        return { key, previousItem: prev ? scalarValue(prev) : undefined };
      }
      if (!isMap(holder)) return { key };
      const level: PathLevel = { key };
      if (NAMED_VALUE_KEYS.has(key)) level.mapName = mapField(holder, 'name');
      if (i === this.path.length - 1) level.mapType = mapField(holder, 'type');
      return level;
    });
  }

  /** Findings, or undefined when the CST holds errors (then the caller falls back to a line scan). */
  run(): RawFinding[] | undefined {
    const whole = this.walk([{ start: 0, end: this.doc.length }]);
    if (whole) return whole;
    // Concatenated JSON values (`kubectl get -w -o json`, JSON Lines) are not one YAML document,
    // but each value is: parse them one by one at their own offsets.
    const values = jsonValues(this.doc);
    if (!values || values.length < 2) return undefined;
    this.out.length = 0;
    this.path.length = 0;
    this.holders.length = 0;
    this.ci = 0;
    this.broken = false;
    return this.walk(values);
  }

  private walk(segments: readonly { start: number; end: number }[]): RawFinding[] | undefined {
    for (const seg of segments) {
      const parser = new Parser();
      parser.offset = seg.start; // token offsets then count from the start of the document
      for (const token of parser.parse(seg.start === 0 && seg.end === this.doc.length ? this.doc : this.doc.slice(seg.start, seg.end))) {
        if (token.type === 'document') {
          if (token.value) this.resource(token.value);
        } else if (token.type === 'error') {
          this.broken = true;
        }
        if (this.broken) return undefined;
      }
    }
    return this.out;
  }

  /** A resource root: a document, one item of a `…List`, or the object of a watch event. */
  private resource(token: CST.Token): void {
    const saved = this.res;
    this.res = readHeader(token);
    const event = this.res.kind === undefined && isMap(token) ? watchEventObject(token) : undefined;
    if (event) {
      // `{"type": "ADDED", "object": {...}}`: the object is the resource; its paths start there.
      this.skipCandidatesBefore(event.offset);
      const outer = this.path.splice(0);
      const holders = this.holders.splice(0);
      this.resource(event);
      this.path.push(...outer);
      this.holders.push(...holders);
    } else if (this.res.kind?.endsWith('List') && isMap(token)) {
      for (const item of token.items) {
        const key = keyOf(item.key);
        if (key === 'items' && item.value && isSeq(item.value)) {
          // Each item is a resource of its own: its paths start at the item, its kind is its own.
          for (const it of item.value.items) {
            if (!it.value) continue;
            const outer = this.path.splice(0);
            const holders = this.holders.splice(0);
            this.resource(it.value);
            this.path.push(...outer);
            this.holders.push(...holders);
          }
        } else {
          this.entry(token, item, key);
        }
      }
    } else {
      this.node(token);
    }
    this.res = saved;
  }

  private skipCandidatesBefore(offset: number): void {
    while (this.ci < this.candidates.length && this.candidates[this.ci].start < offset) this.ci++;
  }

  private node(token: CST.Token): void {
    switch (token.type) {
      case 'block-map':
        for (const item of token.items) this.entry(token, item, keyOf(item.key));
        return;
      case 'block-seq':
        token.items.forEach((item, i) => {
          if (!item.value) return;
          this.push(i, token);
          this.node(item.value);
          this.pop();
        });
        return;
      case 'flow-collection':
        if (token.start.source === '{') {
          for (const item of token.items) this.entry(token, item, keyOf(item.key));
        } else {
          token.items.forEach((item, i) => {
            this.push(i, token);
            if (item.key) this.entry(token, item, keyOf(item.key));
            else if (item.value) this.node(item.value);
            this.pop();
          });
        }
        return;
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar': {
        const end = token.offset + token.source.length;
        this.scalar(token.offset, end, !token.source.includes('\n'), false);
        if (this.isSecretData()) {
          const q = token.type === 'scalar' ? 0 : 1;
          this.secretValue(token.offset + q, end - q);
        }
        return;
      }
      case 'block-scalar': {
        const start = blockScalarBodyStart(token);
        this.scalar(start, start + token.source.length, true, true);
        if (this.isSecretData()) this.secretValue(start, start + token.source.length);
        return;
      }
      case 'error':
        this.broken = true;
        return;
      default:
        return;
    }
  }

  private entry(map: CST.BlockMap | CST.FlowCollection | CST.Token, item: CollectionItem, key: string): void {
    if (item.key && typeof item.key === 'object' && item.key.type === 'error') this.broken = true;
    if (!item.value) return;
    this.push(key, map);
    if (key === 'hostNetwork' || key === 'hostPort' || key === 'loadBalancerIP') this.fieldRule(map, item, key);
    this.node(item.value);
    this.pop();
  }

  private place(start: number, end: number, multiline: boolean): Place {
    return { res: this.res, levels: () => this.levels(), path: this.path, valueStart: start, valueEnd: end, multiline, memo: {} };
  }

  private scalar(start: number, end: number, singleLine: boolean, block: boolean): void {
    const cands = this.candidates;
    this.skipCandidatesBefore(start);
    let place: Place | undefined;
    while (this.ci < cands.length && cands[this.ci].end <= end) {
      const c = cands[this.ci++];
      place ??= this.place(start, end, block || !singleLine);
      // In a multi-line quoted or plain scalar a comment line added above would become data;
      // block scalars (config files) keep their lines as text.
      const f = ipFinding(this.doc, c, place, singleLine, false);
      if (f) this.out.push(f);
    }
  }

  private isSecretData(): boolean {
    return this.res.kind === 'Secret' && this.path.length === 2 && this.path[0] === 'data';
  }

  /** Decodes one base64 value of a Secret's `data` and reports the IPs inside it. */
  private secretValue(start: number, end: number): void {
    if (end - start > 65536) return;
    const decoded = decodeBase64(this.doc.slice(start, end));
    if (decoded === undefined) return;
    const place: Place = { res: this.res, levels: () => this.levels(), path: this.path, valueStart: 0, valueEnd: decoded.length, multiline: decoded.includes('\n'), memo: {} };
    for (const c of scanIps(decoded)) {
      const f = ipFinding(decoded, c, place, true, false);
      if (!f) continue;
      this.out.push({
        ...f,
        start,
        end,
        literal: this.doc.slice(start, end),
        message: (f.audience === 'external' ? externalIpMessage : ipLiteralMessage)(`${f.literal} (base64 in Secret data)`),
        encoding: 'base64',
      });
    }
  }

  /** Rules about a field itself: hostNetwork, hostPort, a Service's loadBalancerIP. */
  private fieldRule(map: CST.Token, item: CollectionItem, key: string): void {
    const value = item.value;
    if (!value || !item.key || value.type === 'block-scalar') return;
    // A Helm value (`hostPort: {{ .Values.x }}`) parses as a flow map; its text is what counts.
    const v = 'source' in value ? value.source : templatedValue(this.doc, value.offset);
    if (v === undefined) return;
    const templated = v.startsWith('{{');
    let rule: RuleId;
    let message: string;
    let removable = !templated;
    const at = this.path.slice(0, -1);
    if (key === 'loadBalancerIP') {
      if (this.res.kind !== 'Service' || this.path.length !== 2 || this.path[0] !== 'spec' || /^(?:""|''|~|null)?$/.test(v) || templated) return;
      rule = 'load-balancer-ip';
      message = LOAD_BALANCER_IP_MESSAGE;
      // Removing it would give up the address; the replacement is provider-specific.
      removable = false;
    } else if (key === 'hostNetwork') {
      // A template's value is unknown (usually false); only a Pod spec puts a Pod on the host.
      if (!/^(?:true|True|TRUE)$/.test(v) || !(isPodSpecPath(this.res.kind, at) ?? hasKey(map, 'containers'))) return;
      rule = 'host-network';
      message = HOST_NETWORK_MESSAGE;
    } else {
      if (!isHostPortPath(this.path) || !(templated || /^[1-9]\d*$/.test(v))) return;
      const spec = at.slice(0, at.lastIndexOf('ports') - 2);
      if (isPodSpecPath(this.res.kind, spec) === false) return;
      rule = 'host-port';
      message = hostPortMessage(v);
    }
    const start = item.key.offset;
    const end = value.offset + v.length;
    this.out.push({
      rule,
      start,
      end,
      message,
      literal: this.doc.slice(start, end),
      port: key === 'hostPort' && !templated ? Number(v) : undefined,
      kind: this.res.kind,
      name: this.res.name,
      namespace: this.res.namespace,
      path: formatPath(this.path),
      removal: removable ? removalEdit(this.doc, map, item) : undefined,
      canDisableLine: true,
      suppressed: false,
      lineScan: false,
    });
  }
}

/** Documents nested deeper than this are not linted (a stack-safe limit, far past real manifests). */
export const MAX_DEPTH = 1000;

/** Thrown for a document nested deeper than MAX_DEPTH; the linter reports it for that document only. */
export class NestingError extends Error {
  constructor(readonly depth: number) {
    super(`nested more than ${depth} levels deep; not linted`);
  }
}

/**
 * The deepest flow nesting (`[`/`{` outside quotes) and block indentation of a text, cheaply, so
 * that full parsers (which recurse) are not handed a hostile document.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote = 0;
  let indent = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 /* \ */ && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32) {
        indent++;
        continue;
      }
      lineStart = false;
      if (indent / 2 > max) max = indent / 2;
    }
    if (c === 10) {
      lineStart = true;
      indent = 0;
    } else if (c === 34 || (c === 39 && depth > 0)) quote = c;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** The text of a templated value (`{{ .Values.x }}`) up to the end of its line, if it is one. */
function templatedValue(doc: string, offset: number): string | undefined {
  if (!doc.startsWith('{{', offset)) return undefined;
  const nl = doc.indexOf('\n', offset);
  const line = doc.slice(offset, nl < 0 ? doc.length : nl).replace(/\s+(?:#.*)?$/, '');
  return /^\{\{.*\}\}$/.test(line) ? line : undefined;
}

function hasKey(map: CST.Token, key: string): boolean {
  return isMap(map) && map.items.some((it) => keyOf(it.key) === key);
}

/** A plain field of a map (an env var's `name`, a volume's `type`). */
function mapField(map: CST.BlockMap | CST.FlowCollection, field: string): string | undefined {
  for (const it of map.items) if (keyOf(it.key) === field) return scalarValue(it.value ?? undefined);
  return undefined;
}

const WATCH_EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/** The `object` of a watch event (`type` is one of the watch event types), if the map is one. */
function watchEventObject(map: CST.BlockMap | CST.FlowCollection): CST.Token | undefined {
  let type: string | undefined;
  let object: CST.Token | undefined;
  for (const item of map.items) {
    const k = keyOf(item.key);
    if (k === 'type') type = scalarValue(item.value);
    else if (k === 'object' && item.value && isMap(item.value)) object = item.value;
  }
  return type !== undefined && WATCH_EVENT_TYPES.has(type) ? object : undefined;
}

/**
 * Offsets of the top-level values of text holding several JSON values one after another, or
 * undefined when it is not that (it must start with `{` or `[` and hold only values and blanks).
 */
function jsonValues(text: string): { start: number; end: number }[] | undefined {
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      if (depth === 0) return undefined;
      inString = true;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) out.push({ start, end: i + 1 });
    } else if (depth === 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      return undefined;
    }
  }
  return depth === 0 ? out : undefined;
}

function isMap(t: CST.Token): t is CST.BlockMap | CST.FlowCollection {
  return t.type === 'block-map' || (t.type === 'flow-collection' && t.start.source === '{');
}
function isSeq(t: CST.Token): t is CST.BlockSequence | CST.FlowCollection {
  return t.type === 'block-seq' || (t.type === 'flow-collection' && t.start.source === '[');
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard base64 (whitespace allowed, as in folded block scalars) to a Latin-1 string; undefined if it is not base64. */
function decodeBase64(text: string): string | undefined {
  const b = text.replace(/\s+/g, '');
  if (b.length === 0 || b.length % 4 !== 0 || !BASE64_RE.test(b)) return undefined;
  try {
    return atob(b);
  } catch {
    return undefined;
  }
}

/** A bad escape in a key only makes the key path approximate; the document is still linted. */
function ignoreScalarError(): void {}

function keyOf(key: CST.Token | null | undefined): string {
  if (!key) return '';
  if (key.type === 'scalar') return key.source;
  if (key.type === 'double-quoted-scalar' || key.type === 'single-quoted-scalar') {
    const r = CST.resolveAsScalar(key, false, ignoreScalarError);
    return r ? r.value : '?';
  }
  return '?';
}

function scalarValue(t: CST.Token | undefined): string | undefined {
  if (!t) return undefined;
  if (t.type === 'scalar') return t.source;
  if (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') return CST.resolveAsScalar(t, false, ignoreScalarError)?.value;
  return undefined;
}

/** kind, metadata.name and metadata.namespace of a resource map, read without walking it. */
function readHeader(token: CST.Token): Resource {
  const res: Resource = {};
  if (!isMap(token)) return res;
  for (const item of token.items) {
    const k = keyOf(item.key);
    if (k === 'kind') res.kind = scalarValue(item.value);
    else if (k === 'metadata' && item.value && isMap(item.value)) {
      for (const m of item.value.items) {
        const mk = keyOf(m.key);
        if (mk === 'name') res.name = scalarValue(m.value);
        else if (mk === 'namespace') res.namespace = scalarValue(m.value);
      }
    }
  }
  return res;
}

function blockScalarBodyStart(token: CST.BlockScalar): number {
  const last = token.props[token.props.length - 1];
  return last ? last.offset + (('source' in last && typeof last.source === 'string') ? last.source.length : 0) : token.offset;
}

/** The edit that deletes one `key: value` pair, keeping the surrounding YAML or JSON valid. */
function removalEdit(doc: string, map: CST.Token, item: CollectionItem): TextEdit {
  const key = item.key as CST.Token & { offset: number };
  const value = item.value as CST.FlowScalar;
  const keyStart = key.offset;
  const valueEnd = value.offset + value.source.length;
  if (map.type === 'flow-collection') {
    let i = valueEnd;
    while (i < doc.length && /\s/.test(doc[i])) i++;
    if (doc[i] === ',') {
      i++;
      while (i < doc.length && /\s/.test(doc[i])) i++;
      return { start: keyStart, end: i, newText: '' };
    }
    let j = keyStart - 1;
    while (j >= 0 && /\s/.test(doc[j])) j--;
    if (doc[j] === ',') return { start: j, end: valueEnd, newText: '' };
    return { start: keyStart, end: valueEnd, newText: '' };
  }
  const lineStart = doc.lastIndexOf('\n', keyStart - 1) + 1;
  if (/^[ \t]*$/.test(doc.slice(lineStart, keyStart))) {
    const nl = doc.indexOf('\n', valueEnd);
    return { start: lineStart, end: nl < 0 ? doc.length : nl + 1, newText: '' };
  }
  // The pair follows `- ` on its line: pull the next pair of the same map up into its place.
  const items = (map as CST.BlockMap).items as CollectionItem[];
  const next = items[items.indexOf(item) + 1];
  if (next?.key && 'offset' in next.key) return { start: keyStart, end: next.key.offset, newText: '' };
  return { start: keyStart, end: valueEnd, newText: '{}' };
}

// ---------------------------------------------------------------------------------------------
// Line-scan fallback for documents that are not valid YAML (typically Helm templates).

const KEY_LINE_RE = /^([ \t]*)(?:-[ \t]+)*(["']?)([^\s"':#{}[\],][^:#{}[\],]*?)\2[ \t]*:(?=[ \t]|$)/;
const BLOCK_HEADER_RE = /:[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$/;

// The lines under `metadata:` are matched as "one blank, then anything": a pattern like
// `[ \t]+.*` would split each line's indentation in many ways and backtrack exponentially.
const METADATA_NAMESPACE_RE = /^metadata:[ \t]*\n(?:[ \t][^\n]*\n)*?[ \t]+namespace:[ \t]*["']?([\w.-]+)/m;
const METADATA_NAME_RE = /^metadata:[ \t]*\n(?:[ \t][^\n]*\n)*?[ \t]+name:[ \t]*["']?([\w.-]+)/m;

function lineScan(doc: string, candidates: IpMatch[]): RawFinding[] {
  const out: RawFinding[] = [];
  const res: Resource = {
    kind: /^kind:[ \t]*["']?([\w.-]+)/m.exec(doc)?.[1],
    namespace: METADATA_NAMESPACE_RE.exec(doc)?.[1],
    name: METADATA_NAME_RE.exec(doc)?.[1],
  };
  const stack: { indent: number; key: string }[] = [];
  /** The `name:` of the list item (or map) whose keys sit at this indentation. */
  const itemNames = new Map<number, string>();
  const itemTypes = new Map<number, string>();
  let blockIndent = -1; // inside a block scalar whose header line had this indentation
  let block: { start: number; end: number; memo: ScalarMemo } | undefined;
  let ci = 0;
  let lineStart = 0;
  while (lineStart <= doc.length) {
    const nl = doc.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? doc.length : nl;
    const line = doc.slice(lineStart, lineEnd);
    const indent = /^[ \t]*/.exec(line)![0].length;
    const blank = indent === line.length;
    let inBlock = blockIndent >= 0 && (blank || indent > blockIndent);
    if (!inBlock) {
      blockIndent = -1;
      block = undefined;
    }
    let commentAt = lineEnd;
    if (!inBlock && !blank) {
      const m = KEY_LINE_RE.exec(line);
      if (m) {
        // `- name: x` opens a map whose keys sit where `name` does.
        const keyIndent = /^[ \t]*(?:-[ \t]+)*/.exec(line)![0].length;
        while (stack.length && stack[stack.length - 1].indent >= keyIndent) stack.pop();
        for (const m of [itemNames, itemTypes]) {
          if (keyIndent > indent) m.delete(keyIndent);
          for (const k of m.keys()) if (k > keyIndent) m.delete(k);
        }
        const key = m[3].trim();
        stack.push({ indent: keyIndent, key });
        if (key === 'name' || key === 'type') {
          const v = /:[ \t]*["']?([^"'#\s]+)/.exec(line.slice(m[0].length - 1));
          if (v) (key === 'name' ? itemNames : itemTypes).set(keyIndent, v[1]);
        }
        if (BLOCK_HEADER_RE.test(line)) {
          blockIndent = indent;
          inBlock = false;
          block = { start: nl < 0 ? doc.length : nl + 1, end: blockEnd(doc, nl < 0 ? doc.length : nl + 1, indent), memo: {} };
        }
      }
      const hash = /(^|[ \t])#/.exec(line);
      if (hash) commentAt = lineStart + hash.index + hash[1].length;
    }
    const path = stack.map((s) => s.key);
    while (ci < candidates.length && candidates[ci].start < lineEnd) {
      const c = candidates[ci++];
      if (c.start < lineStart || c.start >= commentAt) continue;
      const levels = (): PathLevel[] =>
        stack.map((s, i) => ({
          key: s.key,
          ...(NAMED_VALUE_KEYS.has(s.key) && itemNames.has(s.indent) ? { mapName: itemNames.get(s.indent) } : {}),
          ...(i === stack.length - 1 && itemTypes.has(s.indent) ? { mapType: itemTypes.get(s.indent) } : {}),
        }));
      const place: Place = inBlock && block
        ? { res, levels, path, valueStart: block.start, valueEnd: block.end, multiline: true, memo: block.memo }
        : { res, levels, path, valueStart: lineStart + indent, valueEnd: lineEnd, multiline: false, memo: {} };
      const f = ipFinding(doc, c, place, true, true);
      if (f) out.push(f);
    }
    const host = /^([ \t]*)(?:-[ \t]+)?(hostNetwork|hostPort)[ \t]*:[ \t]*(\{\{.*?\}\}|[^\s#]+)/.exec(line);
    if (host && !inBlock) {
      const isNet = host[2] === 'hostNetwork';
      const templated = host[3].startsWith('{{');
      const at = path.slice(0, -1);
      const ok = isNet
        ? /^(?:true|True|TRUE)$/.test(host[3]) && (isPodSpecPath(res.kind, at) ?? hasSiblingKey(doc, lineStart, indent, 'containers'))
        : (templated || /^[1-9]\d*$/.test(host[3])) && isHostPortPath(path) && isPodSpecPath(res.kind, at.slice(0, at.lastIndexOf('ports') - 1)) !== false;
      if (ok) {
        const keyStart = lineStart + host[0].indexOf(host[2]);
        const end = lineStart + host[0].length;
        out.push({
          rule: isNet ? 'host-network' : 'host-port',
          start: keyStart,
          end,
          message: isNet ? HOST_NETWORK_MESSAGE : hostPortMessage(host[3]),
          literal: doc.slice(keyStart, end),
          port: isNet || templated ? undefined : Number(host[3]),
          kind: res.kind,
          name: res.name,
          namespace: res.namespace,
          path: path.join('.'),
          removal: !templated && /^[ \t]*$/.test(line.slice(0, host[0].indexOf(host[2])))
            ? { start: lineStart, end: nl < 0 ? doc.length : nl + 1, newText: '' }
            : undefined,
          canDisableLine: true,
          suppressed: false,
          lineScan: true,
        });
      }
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return out;
}

/** Where a block scalar that starts at `from` (its header line indented `indent`) ends. */
function blockEnd(doc: string, from: number, indent: number): number {
  let s = from;
  while (s < doc.length) {
    let e = doc.indexOf('\n', s);
    if (e < 0) e = doc.length;
    const line = doc.slice(s, e);
    const ind = /^[ \t]*/.exec(line)![0].length;
    if (ind < line.length && ind <= indent) return s > from ? s - 1 : s;
    s = e + 1;
  }
  return doc.length;
}

/** A `key:` at the same indentation as the line at `lineStart`, in the same map (line scan). */
function hasSiblingKey(doc: string, lineStart: number, indent: number, key: string): boolean {
  const re = new RegExp(`^[ \\t]{${indent}}(?:-[ \\t]+)?${key}[ \\t]*:`);
  for (const dir of [-1, 1]) {
    let s = lineStart;
    for (let n = 0; n < 400; n++) {
      if (dir < 0) {
        if (s === 0) break;
        s = doc.lastIndexOf('\n', s - 2) + 1;
      } else {
        const e = doc.indexOf('\n', s);
        if (e < 0) break;
        s = e + 1;
      }
      const e = doc.indexOf('\n', s);
      const line = doc.slice(s, e < 0 ? doc.length : e);
      const ind = /^[ \t]*/.exec(line)![0].length;
      if (ind === line.length || /^\s*(?:#|\{\{)/.test(line)) continue;
      if (ind < indent) break;
      if (re.test(line)) return true;
    }
  }
  return false;
}
