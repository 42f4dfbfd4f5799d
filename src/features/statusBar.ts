// Status bar: connection state, Pods watched, age of the last event; a click opens the timeline.
import * as vscode from 'vscode';
import type { ConnectionState } from '../core/events';
import type { PodWatchFeed } from '../kube';
import type { ClusterSession } from './clusterSession';
import { humanDuration } from '../core/protocol/duration';

const ICON: Record<ConnectionState, string> = {
  connecting: '$(sync~spin)',
  live: '$(pulse)',
  reconnecting: '$(debug-disconnect)',
  error: '$(error)',
  stopped: '$(circle-slash)',
};

/** Pods of the feed that exist and hold an IP now: the "holding an IP" of the timeline's header. */
export function podsHoldingAnIp(feed: PodWatchFeed): number {
  let n = 0;
  for (const p of feed.model.livePods()) if (p.ips.length > 0) n++;
  return n;
}

export function registerStatusBar(context: vscode.ExtensionContext, session: ClusterSession): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('podIpLens.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Pod IP Lens';
  item.command = 'podIpLens.openTimeline';
  const lastEvent = new WeakMap<PodWatchFeed, number>();
  const subscribed = new WeakSet<PodWatchFeed>();
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    const feeds = session.feeds().filter((f) => !session.isHistoryFeed(f));
    for (const f of feeds) {
      if (subscribed.has(f)) continue;
      subscribed.add(f);
      f.subscribe((events) => {
        if (events.length) lastEvent.set(f, Date.now());
      });
    }
    if (!feeds.length) {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (session.demo) {
        item.text = '$(server-environment) Pod IPs: demo cluster';
        item.tooltip = `Demo cluster at ${session.demo.url}. Click to open a timeline.`;
        item.show();
      } else item.hide();
      return;
    }
    timer ??= setInterval(render, 1000);
    const states = feeds.map((f) => f.connection());
    const worst = (['error', 'reconnecting', 'connecting', 'live', 'stopped'] as ConnectionState[]).find((s) => states.some((c) => c.state === s)) ?? 'live';
    // Counted as the timeline's header counts them: Pods that exist and hold an IP now.
    const pods = feeds.reduce((n, f) => n + podsHoldingAnIp(f), 0);
    const last = Math.max(0, ...feeds.map((f) => lastEvent.get(f) ?? 0));
    const age = last ? ` · ${humanDuration(Date.now() - last)} ago` : '';
    item.text = `${ICON[worst]} Pod IPs: ${pods} Pod${pods === 1 ? '' : 's'} holding an IP${age}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown('**Pod IP Lens**\n\n');
    for (const [i, f] of feeds.entries()) {
      const s = f.scope;
      md.appendText(`${s.context}${s.server ? ` (${s.server})` : ''} / ${s.namespace ?? 'all namespaces'} / ${s.labelSelector || 'every Pod'}: ${podsHoldingAnIp(f)} Pods holding an IP, ${states[i].state}${states[i].message ? ` (${states[i].message})` : ''}\n`);
    }
    md.appendMarkdown('\nClick to open a timeline.');
    item.tooltip = md;
    item.backgroundColor = worst === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : worst === 'reconnecting' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };

  // Feeds come and go with panels; a cheap poll keeps this file free of hooks into every opener.
  const poll = setInterval(render, 2000);
  context.subscriptions.push(item, session.onDidChange(render), { dispose: () => (clearInterval(poll), timer && clearInterval(timer)) });
  render();
  return item;
}
