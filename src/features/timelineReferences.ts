// The References section of one timeline panel: the workspace manifest index's IP literals
// (kept current by the code actions' index maintainer, unsaved edits included) joined with the
// panel's feed (src/core/references). Rows are recomputed when the feed's IP story or the
// manifests change, at most a few times a second, and posted only when they differ; a click on a
// row opens its file at the literal.
import * as vscode from 'vscode';
import type { TimelineFeed } from '../core/events';
import type { ManifestIndex } from '../core/lint';
import type { ReferenceRow, ReferencesMessage } from '../core/protocol';
import { IpHistory, joinReferences, type IpLiteral } from '../core/references';
import { readLintOptions } from './diagnostics';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

/** Recomputations at most this often: a rollout's burst of events, or typing, makes one. */
const THROTTLE_MS = 250;

function labelOf(file: string): string {
  try {
    const uri = vscode.Uri.parse(file, true);
    return uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.scheme === 'untitled' ? uri.path : uri.toString(true);
  } catch {
    return file;
  }
}

let optionsKey = '';
/** The index lints with the diagnostics' settings, so a literal has a row exactly when it has a diagnostic. */
function syncLintOptions(index: ManifestIndex): void {
  const { rules, externalSeverity, ignoreCidrs, maxLength } = readLintOptions();
  const o = { rules, externalSeverity, ignoreCidrs, maxLength };
  const key = JSON.stringify(o);
  if (key === optionsKey) return;
  optionsKey = key;
  index.setLintOptions(o);
}

/**
 * Whether the page already has this section. Rows of an IP whose story did not change share its
 * intervals (src/core/references caches them), so comparing by reference is exact and costs
 * nothing, where stringifying a thousand rows' histories would cost more than the join.
 */
function sameSection(a: ReferencesMessage, b: ReferencesMessage): boolean {
  if (a.literals !== b.literals || a.files !== b.files || a.rows.length !== b.rows.length) return false;
  return a.rows.every((r, i) => {
    const o = b.rows[i];
    return r.id === o.id && r.intervals === o.intervals && r.label === o.label && r.literal === o.literal && r.path === o.path && r.resource === o.resource && r.workload === o.workload;
  });
}

export class PanelReferences implements vscode.Disposable {
  private readonly history = new IpHistory();
  private literals?: IpLiteral[];
  private rows: ReferenceRow[] = [];
  private message?: ReferencesMessage;
  /** What the page has; undefined: it needs the section (again). */
  private sent?: ReferencesMessage;
  private timer?: NodeJS.Timeout;
  private lastRun = 0;
  private readonly subs: { dispose(): void }[] = [];

  constructor(
    feed: TimelineFeed,
    private readonly index: ManifestIndex,
    /** Posts to the page; returns false when the page is not there to take it. */
    private readonly post: (m: ReferencesMessage) => boolean,
    private readonly log: Log,
  ) {
    syncLintOptions(index);
    this.history.ingest(feed.snapshot().events);
    this.subs.push(
      feed.subscribe((events) => {
        if (this.history.ingest(events)) this.schedule();
      }),
      index.onDidChange(() => {
        this.literals = undefined;
        this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('podIpLens.lint')) syncLintOptions(index);
      }),
    );
    this.compute();
  }

  /** The rows as last computed (the JSON export and tests read them). */
  get current(): readonly ReferenceRow[] {
    return this.rows;
  }

  /** After a snapshot: the page starts empty, so it gets the section again. */
  resend(): void {
    this.sent = undefined;
    this.compute();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, THROTTLE_MS - (Date.now() - this.lastRun));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.compute();
    }, wait);
  }

  private compute(): void {
    this.lastRun = Date.now();
    try {
      this.literals ??= this.index.ipLiterals(labelOf);
      this.rows = joinReferences(this.literals, this.history);
      this.message = { type: 'references', rows: this.rows, literals: this.literals.length, files: this.index.fileCount };
    } catch (e) {
      this.log.error(`timeline: the references could not be computed: ${(e as Error).stack ?? (e as Error).message}`);
      return;
    }
    if (this.sent && sameSection(this.sent, this.message)) return;
    if (this.post(this.message)) this.sent = this.message;
  }

  /** Opens the row's file with the literal selected, next to the timeline. */
  async open(id: string, column: vscode.ViewColumn | undefined): Promise<vscode.TextEditor | undefined> {
    const row = this.rows.find((r) => r.id === id);
    if (!row) {
      void vscode.window.showInformationMessage('That reference is gone: the manifest changed since the timeline drew it.');
      return undefined;
    }
    const start = new vscode.Position(row.line - 1, row.column - 1);
    const selection = new vscode.Range(start, start.translate(0, row.literal.length));
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(row.file, true));
      return await vscode.window.showTextDocument(doc, { viewColumn: column ?? vscode.ViewColumn.Beside, selection, preview: true, preserveFocus: false });
    } catch (e) {
      const message = `Could not open ${row.label}: ${(e as Error).message}`;
      this.log.warn(`timeline: ${message}`);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
