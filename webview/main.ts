// Timeline webview entry. Runs in three places with the same code:
//  - a VS Code webview (acquireVsCodeApi exists): messages from the extension host, state via setState;
//  - the self-contained HTML export (`pod-ip-lens timeline FILE --html OUT`): the snapshot is
//    embedded as JSON in the page; exports download through the browser;
//  - the headless Chromium tests and bench, which provide acquireVsCodeApi and post messages.
import { themeKindFromOsOutsideVsCode } from './theme';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import './timeline.css';
import { EMBEDDED_REFERENCES_ID, EMBEDDED_SNAPSHOT_ID, MAX_EXPORT_CHARS, PROTOCOL_VERSION, parseHostMessage, parseViewState, type TimelineViewState, type WebviewMessage } from '../src/core/protocol';
import { TimelineView } from './view';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
    /** The running view, for the Chromium tests and the bench. */
    podIpLensView?: TimelineView;
  }
}

function download(name: string, data: string | Blob, type: string): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function dataUrlToBlob(url: string): Blob {
  const [head, b64] = url.split(',', 2);
  const bin = atob(b64 ?? '');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: /^data:([^;]+)/.exec(head)?.[1] ?? 'application/octet-stream' });
}

function start(): void {
  themeKindFromOsOutsideVsCode();
  const vscode = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
  const post = (m: WebviewMessage) => vscode?.postMessage(m);
  let memoryState: unknown;
  const state = parseViewState(vscode ? vscode.getState() : memoryState);
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  root.id = 'app';

  const view: TimelineView = new TimelineView(root, state, {
    openPod(uid, pod) {
      if (vscode) post({ type: 'open-pod', uid, pod });
      else view.notice('info', `Pod YAML is available in VS Code; here: ${pod} (${uid})`);
    },
    exportAs(format) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      // Every lane of the filter is in the picture: a huge one is refused here, with a reason, not by the host.
      const fits = (data: string) => {
        if (data.length <= MAX_EXPORT_CHARS) return true;
        view.notice('error', `The ${format.toUpperCase()} would be ${Math.round(data.length / 1048576)} MB, more than ${MAX_EXPORT_CHARS / 1048576} MB: filter the lanes or zoom in, then export again`);
        return false;
      };
      if (format === 'svg') {
        const svg = view.exportSvg();
        if (!fits(svg)) return;
        if (vscode) post({ type: 'export', format, data: svg });
        else download(`pod-ip-timeline-${stamp}.svg`, svg, 'image/svg+xml');
      } else if (format === 'png') {
        view.exportPng().then(
          (data) => {
            if (!fits(data)) return;
            if (vscode) post({ type: 'export', format, data });
            else download(`pod-ip-timeline-${stamp}.png`, dataUrlToBlob(data), 'image/png');
          },
          (err: unknown) => view.notice('error', `PNG export failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      } else if (vscode) {
        // The host writes its own snapshot: it holds the complete, authoritative history.
        post({ type: 'export', format, data: '' });
      } else {
        download(`pod-ip-timeline-${stamp}.json`, view.exportJson(), 'application/json');
      }
    },
    stateChanged(s: TimelineViewState) {
      if (vscode) vscode.setState(s);
      else memoryState = s;
    },
    drawn(seq) {
      post({ type: 'drawn', seq });
    },
    openReference(row) {
      if (vscode) post({ type: 'open-reference', id: row.id });
      else view.notice('info', `${row.literal} is at ${row.file}, line ${row.line}, column ${row.column} (in VS Code a click opens it there)`);
    },
    requestSnapshot(reason) {
      post({ type: 'request-snapshot', reason });
      post({ type: 'log', level: 'warn', message: `timeline: ${reason}; asked for a fresh snapshot` });
    },
  });
  window.podIpLensView = view;

  window.addEventListener('message', (ev: MessageEvent) => {
    const parsed = parseHostMessage(ev.data);
    if (!parsed.ok) {
      view.notice('error', `Ignored a malformed update: ${parsed.error}`);
      post({ type: 'log', level: 'error', message: `webview ignored a host message: ${parsed.error}` });
      return;
    }
    const m = parsed.value;
    if (m.type === 'snapshot') view.setSnapshot(m.snapshot, m.now, m.live, m.seq);
    else if (m.type === 'events') view.applyEvents(m);
    else if (m.type === 'references') view.setReferences(m);
    else view.notice(m.level, m.message);
  });

  // Problems inside the page go to the extension's log, where they can be seen and counted.
  document.addEventListener('securitypolicyviolation', (e) => post({ type: 'log', level: 'error', message: `CSP blocked ${e.blockedURI || 'inline'} (${e.violatedDirective})` }));
  window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: `uncaught: ${e.message} at ${e.filename}:${e.lineno}` }));
  window.addEventListener('unhandledrejection', (e) => post({ type: 'log', level: 'error', message: `unhandled rejection: ${String(e.reason)}` }));

  const embedded = document.getElementById(EMBEDDED_SNAPSHOT_ID);
  if (embedded?.textContent) {
    let data: unknown;
    try {
      data = JSON.parse(embedded.textContent);
    } catch (err) {
      view.notice('error', `The embedded timeline is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = parseHostMessage(data);
    if (parsed.ok && parsed.value.type === 'snapshot') {
      // Kept as text: a JSON export of a recording is then the recording itself.
      view.recording = embedded.textContent;
      view.setSnapshot(parsed.value.snapshot, parsed.value.now, parsed.value.live, parsed.value.seq);
    }
    else if (!parsed.ok) view.notice('error', `The embedded timeline is malformed: ${parsed.error}`);
  }
  const refs = document.getElementById(EMBEDDED_REFERENCES_ID);
  if (refs?.textContent) {
    let parsed;
    try {
      parsed = parseHostMessage(JSON.parse(refs.textContent));
    } catch (err) {
      view.notice('error', `The embedded references are not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (parsed?.ok && parsed.value.type === 'references') view.setReferences(parsed.value);
    else if (parsed && !parsed.ok) view.notice('error', `The embedded references are malformed: ${parsed.error}`);
  }
  post({ type: 'ready', protocol: PROTOCOL_VERSION });
  view.invalidate();
  document.body.dataset.podIpLens = 'loaded';
}

start();
