// The walkthrough's texts that depend on the cluster: the sample manifest written with the IPs of
// the backend Pods running now (so the hover names a Pod and the fix comes from the cluster), and
// the probe Pod that keeps asking one of those IPs and the Service name, so `kubectl logs probe`
// shows the Pod IP failing after the rollout while the Service answers.
import { scanIps } from './lint/scan';

/** First line of every sample manifest Pod IP Lens writes: how it can tell its own copy from the user's file. */
export const SAMPLE_MARKER = '# Sample manifest of the Pod IP Lens walkthrough';
export const SAMPLE_FILE_NAME = 'sample-frontend.yaml';
export const PROBE_POD = 'probe';

export interface BackendPodIp {
  name: string;
  ip: string;
}

/** Whether `text` is a sample manifest Pod IP Lens wrote (and may write again without asking). */
export function isWrittenSample(text: string): boolean {
  return text.startsWith(SAMPLE_MARKER);
}

/**
 * The sample manifest with its Pod IPs replaced by those of Pods running now: the template's first
 * distinct IP literal becomes the first Pod's IP, the second the second Pod's (or the first's again
 * with one Pod). The header says which Pods, and when.
 */
export function renderSampleManifest(template: string, pods: readonly BackendPodIp[], at: Date): { text: string; ips: string[] } {
  if (!pods.length) throw new Error('no backend Pod holds an IP');
  const body = template.replace(/^(#[^\n]*\n)+/, '');
  const literals = scanIps(body).filter((l) => !l.cidr);
  const seen: string[] = [];
  for (const l of literals) if (!seen.includes(l.ip)) seen.push(l.ip);
  const map = new Map(seen.map((ip, i) => [ip, pods[Math.min(i, pods.length - 1)].ip]));
  // From the end, so earlier offsets stay valid.
  let out = body;
  for (const l of [...literals].sort((a, b) => b.start - a.start)) {
    const at0 = l.start + (l.bracketed ? 1 : 0);
    out = out.slice(0, at0) + map.get(l.ip)! + out.slice(at0 + l.ip.length);
  }
  const used = pods.slice(0, Math.max(1, Math.min(seen.length, pods.length)));
  const header = [
    SAMPLE_MARKER,
    // Names only: an IP in a comment would count as one more literal to fix.
    `# A frontend that reaches the backend through the IP${used.length > 1 ? 's' : ''} of Pod${used.length > 1 ? 's' : ''} ${used.map((p) => p.name).join(' and ')},`,
    `# copied from "kubectl get pods -o wide" at ${at.toISOString().slice(11, 19)} UTC. It works until the next rollout`,
    '# replaces those Pods. Hover over an IP, then use the light bulb (Ctrl+.).',
    '# (Open Sample Manifest writes this file again with the IPs of the Pods running then.)',
  ].join('\n');
  return { text: `${header}\n${out}`, ips: [...new Set(used.map((p) => p.ip))] };
}

/** Whether the sample no longer holds any of the Pod IPs it was written with (the fix is done). */
export function sampleFixed(text: string, ips: readonly string[]): boolean {
  const held = new Set(scanIps(text).map((l) => l.ip));
  return ips.length > 0 && ips.every((ip) => !held.has(ip));
}

/**
 * `kubectl run probe …`: a busybox Pod that asks the Pod IP and the Service every two seconds and
 * says which answered, so its log tells the story of the rollout.
 */
export function probeCommand(podIp: string, service: string, namespace = 'default'): string {
  if (!/^[\d.]+$|^[\da-f:]+$/i.test(podIp)) throw new Error(`not an IP: ${JSON.stringify(podIp)}`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service)) throw new Error(`not a Service name: ${JSON.stringify(service)}`);
  const host = podIp.includes(':') ? `[${podIp}]` : podIp;
  const check = (label: string, url: string) => `wget -qO- -T 1 ${url} >/dev/null && echo "${label}: answers" || echo "${label}: FAILED"`;
  const script = `while true; do ${check(`Pod IP ${podIp}`, `http://${host}/`)}; ${check(`Service ${service}`, `http://${service}/`)}; sleep 2; done`;
  return `kubectl run ${PROBE_POD} -n ${namespace} --image=busybox:1.36 --restart=Never -- sh -c '${script}'`;
}
