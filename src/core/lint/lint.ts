// The linter's entry points: lint a whole text (every document), with settings applied, and a
// per-document cache so an edit re-lints only the documents whose text changed.
import { analyseDocument, NestingError, type RawFinding, type TextEdit } from './analyse';
import { hashText, splitDocuments } from './documents';
import { cidrContains, parseCidr, parseIp, type Cidr } from './ip';
import { DEFAULT_SEVERITY, RULE_IDS, isRuleId, type RuleId, type RuleSetting, type Severity } from './rules';

export interface LintOptions {
  /** Severity per rule, or 'off'. Missing rules use DEFAULT_SEVERITY. */
  rules?: Partial<Record<RuleId, RuleSetting>>;
  /**
   * Severity of `ip-literal` for a public address (a host outside the cluster); the rule's own
   * severity applies to private addresses. Default `info`; `ip-literal: off` turns both off.
   */
  externalSeverity?: RuleSetting;
  /** IPs inside these ranges (CIDR or single address) are not reported. */
  ignoreCidrs?: readonly string[];
  /** Texts longer than this many UTF-16 code units are skipped (0 or undefined: no limit). */
  maxLength?: number;
}

export interface Finding extends Omit<RawFinding, 'suppressed'> {
  severity: Severity;
  /** Index of the YAML document in the stream (0-based). */
  document: number;
  /** Offsets of the document that holds the finding. */
  documentStart: number;
  documentEnd: number;
}

export interface LintResult {
  findings: Finding[];
  /** Set when the text was not linted, with the reason to show the user. */
  skipped?: string;
  /** Settings that could not be understood (bad CIDRs, unknown rules), to show the user. */
  problems: string[];
  documents: number;
  /** Documents that could not be linted (nested too deep), each with its range and the reason. */
  errors: DocumentError[];
}

export interface DocumentError {
  document: number;
  start: number;
  end: number;
  message: string;
}

export { type TextEdit };

interface ResolvedOptions {
  severity: Record<RuleId, Severity | 'off'>;
  external: Severity | 'off';
  ignore: Cidr[];
  maxLength: number;
  problems: string[];
}

function resolveOptions(o: LintOptions = {}): ResolvedOptions {
  const problems: string[] = [];
  const severity: Record<RuleId, Severity | 'off'> = { ...DEFAULT_SEVERITY };
  for (const [rule, setting] of Object.entries(o.rules ?? {})) {
    if (!isRuleId(rule)) {
      problems.push(`unknown rule '${rule}' (rules: ${RULE_IDS.join(', ')})`);
      continue;
    }
    if (setting === undefined) continue;
    if (!['error', 'warning', 'info', 'hint', 'off'].includes(setting)) {
      problems.push(`rule '${rule}': '${String(setting)}' is not one of error, warning, info, hint, off`);
      continue;
    }
    severity[rule] = setting;
  }
  let external: Severity | 'off' = 'info';
  if (o.externalSeverity !== undefined) {
    if (['error', 'warning', 'info', 'hint', 'off'].includes(o.externalSeverity)) external = o.externalSeverity;
    else problems.push(`external address severity '${String(o.externalSeverity)}' is not one of error, warning, info, hint, off`);
  }
  const ignore: Cidr[] = [];
  for (const text of o.ignoreCidrs ?? []) {
    const c = parseCidr(String(text));
    if (c) ignore.push(c);
    else problems.push(`ignored range '${String(text)}' is not a CIDR (e.g. 10.96.0.0/12) or an IP address`);
  }
  return { severity, external, ignore, maxLength: o.maxLength ?? 0, problems };
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** The message shown instead of findings for a text over the size limit. */
export function skippedMessage(length: number, maxLength: number): string {
  return `Pod IP Lens did not lint this file: it is ${formatSize(length)}, over the ${formatSize(maxLength)} limit (setting podIpLens.lint.maxFileSizeKb, CLI --max-size-kb).`;
}

/** Caches each document's raw findings by a hash of its text; settings are applied on top. */
export class ManifestLinter {
  private opts: ResolvedOptions;
  private cache = new Map<string, RawFinding[]>();
  private readonly cacheLimit: number;
  /** Documents analysed (not served from the cache) since construction; tests read it. */
  analysed = 0;

  /** `cacheLimit`: documents kept (least recently used go first); 0 lints without a cache. */
  constructor(options?: LintOptions, cacheLimit = 20_000) {
    this.opts = resolveOptions(options);
    this.cacheLimit = cacheLimit;
  }

  setOptions(options: LintOptions): void {
    this.opts = resolveOptions(options);
  }

  lint(text: string): LintResult {
    const o = this.opts;
    if (o.maxLength > 0 && text.length > o.maxLength) {
      return { findings: [], skipped: skippedMessage(text.length, o.maxLength), problems: o.problems, documents: 0, errors: [] };
    }
    const slices = splitDocuments(text);
    const findings: Finding[] = [];
    const errors: DocumentError[] = [];
    const analyse = (doc: string, index: number, slice: { start: number; end: number }): RawFinding[] => {
      try {
        return analyseDocument(doc);
      } catch (err) {
        // One hostile document (thousands of levels deep) must not cost the others their findings.
        if (!(err instanceof NestingError || err instanceof RangeError)) throw err;
        const reason = err instanceof NestingError ? err.message : 'too deeply nested to lint (the parser ran out of stack)';
        errors.push({ document: index, start: slice.start, end: slice.end, message: `document ${index + 1}: ${reason}` });
        return [];
      }
    };
    slices.forEach((slice, index) => {
      const doc = text.slice(slice.start, slice.end);
      let raw: RawFinding[] | undefined;
      if (this.cacheLimit <= 0) {
        // One-shot linting: hashing every document would only cost time.
        raw = analyse(doc, index, slice);
        this.analysed++;
      } else {
        const key = `${hashText(doc)}:${doc.length}`;
        raw = this.cache.get(key);
        if (raw === undefined) {
          const before = errors.length;
          raw = analyse(doc, index, slice);
          this.analysed++;
          if (errors.length > before) return; // not cached: the message must show again next time
          if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value as string);
          this.cache.set(key, raw);
        } else {
          // Refresh its place in the insertion-ordered map, so eviction drops the least recent.
          this.cache.delete(key);
          this.cache.set(key, raw);
        }
      }
      for (const r of raw) {
        const f = applySettings(r, o, slice.start);
        if (f) {
          f.document = index;
          f.documentStart = slice.start;
          f.documentEnd = slice.end;
          findings.push(f);
        }
      }
    });
    return { findings, problems: o.problems, documents: slices.length, errors };
  }
}

function applySettings(r: RawFinding, o: ResolvedOptions, shift: number): Finding | undefined {
  if (r.suppressed) return undefined;
  let severity = o.severity[r.rule];
  if (severity === 'off') return undefined;
  if (r.audience === 'external') severity = o.external;
  if (severity === 'off') return undefined;
  if (r.ip !== undefined && o.ignore.length > 0) {
    const ip = parseIp(r.ip);
    if (ip && o.ignore.some((c) => cidrContains(c, ip))) return undefined;
  }
  // Field by field rather than with object rest/spread, which costs several times more, and this
  // runs for every finding of every document on every keystroke's re-lint.
  return {
    rule: r.rule,
    start: r.start + shift,
    end: r.end + shift,
    message: r.message,
    literal: r.literal,
    ip: r.ip,
    ipVersion: r.ipVersion,
    ipClass: r.ipClass,
    port: r.port,
    kind: r.kind,
    name: r.name,
    namespace: r.namespace,
    path: r.path,
    removal: r.removal && { start: r.removal.start + shift, end: r.removal.end + shift, newText: r.removal.newText },
    canDisableLine: r.canDisableLine,
    lineScan: r.lineScan,
    encoding: r.encoding,
    audience: r.audience,
    why: r.why,
    related: r.related?.map((p) => ({ start: p.start + shift, end: p.end + shift })),
    severity,
    document: 0,
    documentStart: 0,
    documentEnd: 0,
  };
}

/** Lints a whole text once, without a cache. */
export function lintText(text: string, options?: LintOptions): LintResult {
  return new ManifestLinter(options, 0).lint(text);
}

/**
 * The findings of a document's text with their offsets (for hovers and other consumers that only
 * need "what is flagged where"). Same settings as the editor's diagnostics when given.
 */
export function findingsIn(text: string, options?: LintOptions): Finding[] {
  return lintText(text, options).findings;
}

export { looksLikeManifest } from '../manifest';
