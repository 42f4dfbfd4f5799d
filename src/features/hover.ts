// Hover on a flagged IP: what it is in the connected cluster now and before, from live state and the
// lifecycle history ("Pod backend-7d9f-abc (Deployment backend) on node-2, Running since 12:03; held
// before by backend-5c4f-xyz until 11:58"), or "not a Pod IP now", or "the InternalIP of node-2".
import * as vscode from 'vscode';
import type { IpTenure } from '../core/lifecycle';
import type { PodSummary } from '../core/events';
import type { Finding } from '../core/lint';
import type { NodeInfo } from '../kube';
import type { ClusterVerdict } from '../core/clusterClass';
import type { ClusterSession } from './clusterSession';
import type { ClusterClassifier } from './clusterClassification';
import { withTimeout } from './clusterFixes';
import { readLintOptions, sharedLinter } from './diagnostics';
import { mdCode, mdText } from './markdown';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug'>;

/** What the cluster says of one IP; pure data so the wording is testable without a cluster. */
export interface IpStory {
  ip: string;
  context: string;
  pod?: PodSummary;
  services?: string[];
  node?: NodeInfo;
  /** Earlier holders, newest first. */
  before: IpTenure[];
  /** What the cluster makes of the literal (reused, a Service's ClusterIP, inside its ranges…). */
  verdict?: ClusterVerdict;
  error?: string;
}

const time = (iso: string | undefined): string => {
  if (!iso) return 'an unknown time';
  const d = new Date(iso);
  const sameDay = new Date().toDateString() === d.toDateString();
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return sameDay ? hm : `${d.toISOString().slice(0, 10)} ${hm}`;
};

const shortPod = (key: string) => key.split('/').pop() ?? key;

/** Markdown for a hover. Every string from the cluster or an error is escaped (mdCode, mdText): none is rendered as markup. */
export function describeIp(s: IpStory): string {
  const lines: string[] = [];
  const ip = `**${mdText(s.ip)}**`;
  if (s.error) return `${ip} in ${mdCode(s.context)}: the cluster did not answer (${mdText(s.error)}).`;
  if (s.pod) {
    const p = s.pod;
    const owner = p.owner ? ` (${mdText(p.owner.kind)} ${mdText(p.owner.name)})` : '';
    const state = p.terminating ? 'Terminating' : mdText(p.phase ?? 'Pending');
    const since = p.createdAt ? ` since ${time(p.createdAt)}` : '';
    lines.push(`${ip}: Pod ${mdCode(p.name)}${owner} in namespace ${mdCode(p.namespace)}${p.node ? ` on node ${mdCode(p.node)}` : ''}, ${state}${since}.`);
  } else if (s.node) {
    const kind = s.node.addresses.find((a) => a.address === s.ip)?.type ?? 'address';
    lines.push(`${ip}: the ${mdText(kind)} of node ${mdCode(s.node.name)}. A node can be drained, replaced or scaled away; targeting it couples you to one machine. Address a Service instead.`);
  } else if (s.verdict?.class === 'service' && s.verdict.service) {
    const svc = s.verdict.service;
    lines.push(`${ip}: the ClusterIP of Service ${mdCode(svc.name)} in namespace ${mdCode(svc.namespace)}. It stays only while that Service exists; use its name, ${mdCode(`${svc.name}.${svc.namespace}.svc.cluster.local`)} (the quick fix does).`);
  } else {
    const last = s.before[0];
    if (last) lines.push(`${ip}: not a Pod IP now; last seen on Pod ${mdCode(shortPod(last.pod))} until ${time(last.to)}.`);
    else if (s.verdict?.class === 'pod-range' || s.verdict?.class === 'service-range') lines.push(`${ip}: not a Pod IP in ${mdCode(s.context)} now, but inside its ${s.verdict.class === 'pod-range' ? 'Pod' : 'Service'} range ${mdCode(s.verdict.range ?? '')}: an address the cluster hands out, gone or yet to come.`);
    else if (s.verdict?.class === 'outside') lines.push(`${ip}: not a Pod, node or Service address of ${mdCode(s.context)}, nor inside its Pod or Service ranges: a host outside the cluster.`);
    else lines.push(`${ip}: not a Pod IP in ${mdCode(s.context)} now.`);
  }
  // Reuse is the dangerous case: the config reaches another workload than the one it was written for.
  if (s.verdict?.class === 'reused' && s.verdict.previous) {
    const prev = s.verdict.previous;
    lines.unshift(`**Reused:** until ${time(prev.until)} this IP was ${mdCode(shortPod(prev.pod))}'s${prev.owner ? ` (${mdText(prev.owner.kind)} ${mdText(prev.owner.name)})` : ''}; now another workload holds it, so this config reaches the wrong service.`);
  }
  const earlier = s.pod ? s.before : s.before.slice(1);
  if (earlier.length) {
    const list = earlier.slice(0, 3).map((t) => `${mdCode(shortPod(t.pod))} until ${time(t.to)}${t.endSeenOnRelist ? ' (seen on relist)' : ''}`);
    lines.push(`Held before by ${list.join(', ')}${earlier.length > 3 ? `, and ${earlier.length - 3} more` : ''}.`);
  }
  if (s.pod && s.services) {
    lines.push(s.services.length ? `Use the Service ${s.services.map((n) => mdCode(n)).join(', ')} instead: its address stays when this Pod is replaced.` : 'No Service selects this Pod yet: the quick fix can create one.');
  }
  return lines.join('\n\n');
}

export function registerHover(context: vscode.ExtensionContext, session: ClusterSession, classifier: ClusterClassifier, log: Log): void {
  const provider: vscode.HoverProvider = {
    async provideHover(doc, position, token) {
      const offset = doc.offsetAt(position);
      const text = doc.getText();
      if (readLintOptions().maxLength && text.length > readLintOptions().maxLength!) return undefined;
      const finding: Finding | undefined = sharedLinter.lint(text).findings.find((f) => f.ip && offset >= f.start && offset <= f.end);
      // Hovering a flagged IP is asking the cluster about it (in Restricted Mode: told once why not).
      if (!finding?.ip || !session.lookupsWanted() || !session.request('hovers on IPs') || !session.lookupsEnabled()) return undefined;
      const story = await ipStory(session, finding.ip, log, classifier, finding.literal);
      if (token.isCancellationRequested) return undefined;
      // Not trusted, no HTML, no theme icons: what the cluster says is text (describeIp escapes it).
      const md = new vscode.MarkdownString(describeIp(story), false);
      md.isTrusted = false;
      md.supportHtml = false;
      return new vscode.Hover(md, new vscode.Range(doc.positionAt(finding.start), doc.positionAt(finding.end)));
    },
  };
  context.subscriptions.push(vscode.languages.registerHoverProvider([{ language: 'yaml' }, { language: 'json' }, { language: 'jsonc' }], provider));
}

/** Live state first (watches, then one request), history from the IP-history watch. */
export async function ipStory(session: ClusterSession, ip: string, log: Log, classifier?: ClusterClassifier, literal = ip): Promise<IpStory> {
  const ctx = session.defaultContext();
  const history = session.historyFeed();
  const lookup = session.lookup(ctx);
  const verdict = classifier?.classify(literal, ip, true).catch((e: Error) => {
    log.debug(`hover: classification of ${ip}: ${e.message}`);
    return undefined;
  });
  try {
    const pod = await withTimeout(lookup.findPodByIp(ip));
    const tenures = (history?.model.holdersOf(ip) ?? []).filter((t) => !t.hostNetwork && t.uid !== pod?.uid && t.to).reverse();
    if (pod) {
      const services = await withTimeout(lookup.servicesSelecting(pod)).then((l) => l.map((s) => s.name)).catch(() => undefined);
      return { ip, context: ctx, pod, services, before: tenures, verdict: await verdict };
    }
    const node = await withTimeout(lookup.findNodeByIp(ip)).catch((e: Error) => {
      log.debug(`hover: node lookup for ${ip}: ${e.message}`);
      return undefined;
    });
    return { ip, context: ctx, node, before: tenures, verdict: await verdict };
  } catch (e) {
    return { ip, context: ctx, before: [], error: (e as Error).message };
  }
}
