// A static page serving the built timeline bundle (dist/webview) under the same strict CSP the
// VS Code panel uses, plus headless Chromium to load it. The page gets an acquireVsCodeApi that
// records what the webview posts, so tests see exactly the messages the extension host would.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LifecycleEvent, PodSummary, ServiceSummary, ConnectionState } from '../../src/core/events';
import { timelinePageHtml, type EventsMessage, type HostMessage, type TimelineViewState } from '../../src/core/protocol';

export const ROOT = join(__dirname, '..', '..');
/** Where the webview suites keep their screenshots. */
export const SHOTS = join(ROOT, 'test-results', 'webview');

/**
 * The hooks every suite of timeline pages needs: one page server and one Chromium for the suite
 * (handed to `bind`), and after each test a screenshot of the page if it failed, then the page closed.
 */
export function timelinePageHooks(bind: (server: TimelinePageServer, browser: Browser) => void, currentPage: () => Page | undefined, failedPrefix = 'failed-'): void {
  let server: TimelinePageServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = new TimelinePageServer();
    await server.start();
    browser = await launch();
    bind(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async function () {
    const page = currentPage();
    if (this.currentTest?.state === 'failed' && page) await page.screenshot({ path: join(SHOTS, `${failedPrefix}${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => {});
    await page?.close();
  });
}
const DIST = join(ROOT, 'dist', 'webview');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launch(): Promise<Browser> {
  // The same search as scripts/testhost.mjs (which `npm test` runs first, installing Chromium if it can).
  const candidates = [process.env.CHROME_PATH, process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  const executablePath = candidates.find((p): p is string => !!p && existsSync(p));
  if (!executablePath) throw new Error('No Chromium found: run `node scripts/ensure-chromium.mjs` (installs Debian\'s chromium as root), or set CHROME_PATH');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface PageOptions {
  /** Body classes VS Code sets for the theme, e.g. 'vscode-dark' or 'vscode-high-contrast'. */
  bodyClass?: string;
  /** Variables VS Code would put on <html style>. */
  themeVars?: Record<string, string>;
  /** Extra scripts (names given to the server's constructor) loaded after the app. */
  scripts?: string[];
  /** false: the page without the timeline app (for a baseline). */
  app?: boolean;
  state?: Partial<TimelineViewState>;
}

export class TimelinePageServer {
  private server?: Server;
  url = '';
  private readonly js: Buffer;
  private readonly css: Buffer;
  private options = new Map<string, PageOptions>();
  private nextId = 0;

  /** `extra`: more scripts to serve at /extra/<name>.js (the bench harness). */
  constructor(private readonly extra: Record<string, string> = {}) {
    const js = join(DIST, 'main.js');
    if (!existsSync(js)) throw new Error(`${js} is missing: run \`npm run build\` first`);
    this.js = readFileSync(js);
    this.css = readFileSync(join(DIST, 'main.css'));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (u.pathname === '/main.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(this.js);
      } else if (u.pathname === '/main.css') {
        res.writeHead(200, { 'content-type': 'text/css' }).end(this.css);
      } else if (u.pathname.startsWith('/extra/') && this.extra[u.pathname.slice(7, -3)] !== undefined) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(this.extra[u.pathname.slice(7, -3)]);
      } else if (u.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(this.html(this.options.get(u.searchParams.get('p') ?? '') ?? {}));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  pageUrl(o: PageOptions = {}): string {
    const id = String(++this.nextId);
    this.options.set(id, o);
    return `${this.url}/?p=${id}`;
  }

  private html(o: PageOptions): string {
    const nonce = randomBytes(18).toString('base64');
    const page = timelinePageHtml({ nonce, resourceSource: this.url, title: 'Pod IP timeline (test)', script: { src: '/main.js' }, style: { href: '/main.css' } });
    // Stand-in for the VS Code webview host: records posted messages and CSP violations.
    const fake = `<script nonce="${nonce}">
      // tsx compiles page.evaluate callbacks with keepNames, which calls a __name helper.
      window.__name = (f) => f;
      window.__sent = []; window.__csp = []; window.__state = ${JSON.stringify(o.state ?? null)};
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => { window.__sent.push(JSON.parse(JSON.stringify(m))); if (window.__host) window.__host(m); },
        getState: () => window.__state,
        setState: (s) => { window.__state = s; },
      });
    </script>`;
    let html = page.replace('<div id="app"></div>', `<div id="app"></div>\n${fake}`);
    if (o.app === false) html = html.replace(/<script nonce="[^"]*" src="\/main\.js"><\/script>/, `<script nonce="${nonce}">document.body.dataset.podIpLens = 'loaded';</script>`);
    for (const name of o.scripts ?? []) html = html.replace('</body>', `<script nonce="${nonce}" src="/extra/${name}.js"></script>\n</body>`);
    if (o.bodyClass) html = html.replace('<body>', `<body class="${o.bodyClass}">`);
    if (o.themeVars) {
      // VS Code sets these on <html style>; a nonce'd stylesheet gives the same cascade result.
      const vars = Object.entries(o.themeVars).map(([k, v]) => `${k}: ${v};`).join(' ');
      html = html.replace('</head>', `<style nonce="${nonce}">:root:root { ${vars} }</style>\n</head>`);
    }
    return html;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function openTimeline(browser: Browser, server: TimelinePageServer, o: PageOptions = {}, viewport = { width: 1200, height: 700 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(server.pageUrl(o));
  await page.waitForFunction(() => document.body.dataset.podIpLens === 'loaded');
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Delivers a message the way the VS Code host does: a MessageEvent on the webview's window. */
export async function post(page: Page, m: HostMessage | unknown): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m as object);
}

/** Waits until the view has drawn everything up to `seq`. */
export async function renderedSeq(page: Page, seq: number): Promise<void> {
  await page.waitForFunction((s) => Number(document.getElementById('app')?.dataset.maxSeq) >= s, seq);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function sent(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __sent: { type: string }[] }).__sent);
}

/**
 * An events message as the host sends it: chained to the previous one by seq (`prevSeq` defaults
 * to just before the first event, i.e. nothing was missed).
 */
export function batch(
  events: LifecycleEvent[],
  o: { prevSeq?: number; seq?: number; pods?: PodSummary[]; services?: ServiceSummary[]; connection?: ConnectionState; connectionMessage?: string } = {},
): EventsMessage {
  const prevSeq = o.prevSeq ?? (events.length ? events[0].seq - 1 : 0);
  const m: EventsMessage = { type: 'events', prevSeq, seq: o.seq ?? (events.length ? events[events.length - 1].seq : prevSeq), events, pods: o.pods ?? [], connection: o.connection ?? 'live', now: new Date().toISOString() };
  if (o.services) m.services = o.services;
  if (o.connectionMessage !== undefined) m.connectionMessage = o.connectionMessage;
  return m;
}
