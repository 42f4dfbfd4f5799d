// Manifest lint diagnostics: lints Kubernetes manifests on open and on edit (debounced), clears
// them on close. All detection lives in src/core/lint; this file maps findings to Diagnostics.
import * as vscode from 'vscode';
import { ManifestLinter, ruleDocUrl, type Finding, type LintOptions, type RuleId, type RuleSetting, type Severity } from '../core/lint';
import { manifestVerdict } from '../core/manifest';
import { plainMessage } from './markdown';

/** `source` of every diagnostic this feature publishes; code actions look for it. */
export const LINT_SOURCE = 'Pod IP Lens';
/** Diagnostic code of the "file too large, not linted" message. */
export const SKIPPED_CODE = 'file-too-large';

export function readLintOptions(): LintOptions & { enabled: boolean; debounceMs: number; include: string[] } {
  const c = vscode.workspace.getConfiguration('podIpLens.lint');
  const kb = c.get<number>('maxFileSizeKb', 1024);
  return {
    enabled: c.get<boolean>('enabled', true),
    rules: c.get<Partial<Record<RuleId, Severity | 'off'>>>('rules', {}),
    externalSeverity: c.get<RuleSetting>('externalSeverity', 'info'),
    ignoreCidrs: c.get<string[]>('ignoreCidrs', []),
    maxLength: kb > 0 ? kb * 1024 : 0,
    debounceMs: Math.max(0, c.get<number>('debounceMs', 300)),
    include: c.get<string[]>('include', []),
  };
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(doc: vscode.TextDocument, f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end)), f.message, SEVERITY[f.severity]);
  d.source = LINT_SOURCE;
  d.code = { value: f.rule, target: vscode.Uri.parse(ruleDocUrl(f.rule)) };
  // The same literal in the same field elsewhere: one diagnostic, the other places listed under it.
  if (f.related?.length) {
    d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end))), `${f.literal} again in the same field`));
  }
  return d;
}

/** Documents linted although they do not look like manifests (command "Lint This File"). */
const optedIn = new Set<string>();

/**
 * Asks something slower than the linter (a live cluster) for a better message, and maybe another
 * severity, for a finding: that an IP is a node's, a live Pod's, reused by another workload…
 * Answers arrive after the plain diagnostics are shown.
 */
export type FindingRefiner = (finding: Finding) => Promise<{ message: string; severity?: Severity } | undefined>;

const refiners: FindingRefiner[] = [];

export function registerFindingRefiner(refiner: FindingRefiner): vscode.Disposable {
  refiners.push(refiner);
  return new vscode.Disposable(() => {
    const i = refiners.indexOf(refiner);
    if (i >= 0) refiners.splice(i, 1);
  });
}

let relintOpen: (() => void) | undefined;

/**
 * Lints every open document again (cheap: the linter caches documents), so refiners answer anew,
 * e.g. after the cluster's Pods changed which IP belongs to whom.
 */
export function relintOpenDocuments(): void {
  relintOpen?.();
}

/** The shared linter: its per-document cache makes re-linting for code actions nearly free. */
export const sharedLinter = new ManifestLinter();

export function registerDiagnostics(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const collection = vscode.languages.createDiagnosticCollection('pod-ip-lens');
  const timers = new Map<string, NodeJS.Timeout>();
  const reportedProblems = new Set<string>();
  let options = readLintOptions();
  sharedLinter.setOptions(options);

  const wanted = (doc: vscode.TextDocument): boolean => {
    if (!options.enabled || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) return false;
    const key = doc.uri.toString();
    if (optedIn.has(key)) return true;
    if (options.include.some((g) => vscode.languages.match({ pattern: g }, doc) > 0)) return true;
    // Also for files over the size limit, so a big package-lock.json gets no "skipped" message.
    return manifestVerdict(doc.fileName, doc.getText(), doc.languageId).manifest;
  };

  const lint = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    if (doc.isClosed || !wanted(doc)) {
      collection.delete(doc.uri);
      return;
    }
    const t0 = performance.now();
    let result;
    try {
      result = sharedLinter.lint(doc.getText());
    } catch (err) {
      // The core is fuzzed not to throw; if it still does, say so instead of failing silently.
      log.error(`lint of ${doc.uri.fsPath || key} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      collection.delete(doc.uri);
      return;
    }
    for (const p of result.problems) {
      if (reportedProblems.has(p)) continue;
      reportedProblems.add(p);
      log.warn(`settings: ${p}`);
      // The value comes from (maybe a repository's) settings: no links from it in the notification.
      void vscode.window.showWarningMessage(plainMessage(`Pod IP Lens lint settings: ${p}`));
    }
    if (result.skipped) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, doc.lineAt(0).text.length), result.skipped, vscode.DiagnosticSeverity.Information);
      d.source = LINT_SOURCE;
      d.code = SKIPPED_CODE;
      collection.set(doc.uri, [d]);
      log.info(`${doc.uri.fsPath || key}: ${result.skipped}`);
      return;
    }
    const diagnostics = result.findings.map((f) => toDiagnostic(doc, f));
    for (const e of result.errors) {
      const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.start)), `Pod IP Lens did not lint ${e.message}`, vscode.DiagnosticSeverity.Information);
      d.source = LINT_SOURCE;
      d.code = SKIPPED_CODE;
      diagnostics.push(d);
    }
    collection.set(doc.uri, diagnostics);
    refine(doc, result.findings, diagnostics);
    log.trace(`linted ${doc.uri.fsPath || key}: ${result.findings.length} findings in ${(performance.now() - t0).toFixed(1)} ms`);
  };

  const refine = (doc: vscode.TextDocument, findings: readonly Finding[], diagnostics: vscode.Diagnostic[]): void => {
    if (refiners.length === 0 || !findings.some((f) => f.ip)) return;
    const version = doc.version;
    void Promise.all(
      findings.map(async (f) => {
        if (!f.ip) return undefined;
        for (const r of refiners) {
          const m = await r(f).catch(() => undefined);
          if (m) return m;
        }
        return undefined;
      }),
    ).then((messages) => {
      // Stale answers (the text changed meanwhile) are dropped: the next lint asks again.
      if (doc.isClosed || doc.version !== version || !messages.some(Boolean)) return;
      collection.set(
        doc.uri,
        diagnostics.map((d, i) => {
          const m = messages[i];
          if (!m) return d;
          const refined = new vscode.Diagnostic(d.range, m.message, m.severity ? SEVERITY[m.severity] : d.severity);
          refined.source = d.source;
          refined.code = d.code;
          refined.relatedInformation = d.relatedInformation;
          return refined;
        }),
      );
    });
  };

  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => lint(doc), options.debounceMs));
  };

  const relintAll = (): void => {
    for (const doc of vscode.workspace.textDocuments) lint(doc);
  };
  relintOpen = relintAll;
  context.subscriptions.push({ dispose: () => (relintOpen = undefined) });

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(lint),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      optedIn.delete(key);
      collection.delete(doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('podIpLens.lint')) return;
      options = readLintOptions();
      sharedLinter.setOptions(options);
      reportedProblems.clear();
      relintAll();
    }),
    vscode.commands.registerCommand('podIpLens.lint.lintThisFile', () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) {
        void vscode.window.showInformationMessage('Pod IP Lens: open a file to lint it.');
        return;
      }
      optedIn.add(doc.uri.toString());
      lint(doc);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  relintAll();
}
