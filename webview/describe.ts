// Words for what is on the timeline: tooltips, the screen-reader description of a lane, and
// the announcement of new IPs. Every string from the cluster ends up as text, never as HTML.
import type { LaneLayout, TimelineModel } from './model';
import { markerTypeName, M_RELIST, S_END_RELIST, S_HOST_NETWORK } from './model';
import { humanDuration } from '../src/core/protocol/duration';
import { referenceLines } from '../src/core/protocol/referenceText';
import { fmtTime } from './format';
import type { Frame, Hit } from './marks/mark';
import { MARKER_LABEL } from './marks/markers';
import { EndpointsMark } from './marks/endpoints';
import { laneLabel } from './marks/labels';

export function describeLane(m: TimelineModel, L: LaneLayout, i: number): string {
  if (i < 0 || i >= L.length) return '';
  const id = L.ids[i];
  if (id < 0) {
    const g = L.groups[-id - 1];
    if (g.folded) {
      const what = L.groupBy === 'ip' ? `${g.count} IP${g.count === 1 ? '' : 's'} nobody held` : `${g.count} deleted Pod${g.count === 1 ? '' : 's'} last seen`;
      return `${what} before ${fmtTime(g.folded.before)}, ${g.folded.open ? 'shown below; Enter folds them into this row' : 'folded into this row; Enter shows them'}`;
    }
    return `Group ${g.label}, ${g.count} Pods`;
  }
  if (L.groupBy === 'ip') {
    const holders: string[] = [];
    const idx = m.ipIndex(id);
    for (let k = 0; k < idx.ids.n; k++) {
      const l = m.sLife.a[idx.ids.a[k]];
      if (L.visible && !L.visible[l]) continue;
      const p = m.podOf(l);
      if (!holders.includes(p)) holders.push(p);
    }
    return `IP ${m.ipV.list[id]}, held by ${holders.length} Pod${holders.length === 1 ? '' : 's'}: ${holders.join(', ')}`;
  }
  const ips = m.segmentsOf(id).map((s) => `${m.ipOfSeg(s)} from ${fmtTime(m.sStart.a[s])}${m.sEnd.a[s] !== Infinity ? ` to ${fmtTime(m.sEnd.a[s])}` : ', current'}`);
  const sum = m.summaries.get(id);
  const state = m.isDeleted(id) ? 'deleted' : sum?.terminating ? 'terminating' : sum?.ready ? 'ready' : 'not ready';
  const node = m.nodeOf(id);
  return `Pod ${m.podOf(id)}, ${state}${node ? `, node ${node}` : ''}. ${ips.length ? `IPs: ${ips.join('; ')}` : 'No IP yet'}`;
}

/** The Pod life a hit opens (its YAML), if any. */
export function lifeOfHit(f: Frame, hit: Hit | undefined): number {
  if (!hit) return -1;
  if (hit.kind === 'segment' || hit.kind === 'marker') return hit.life;
  if (hit.kind === 'current') return f.model.sLife.a[hit.seg];
  if ((hit.kind === 'lane' || hit.kind === 'label') && f.layout.groupBy === 'pod') {
    const id = f.layout.ids[hit.lane];
    return id >= 0 ? id : -1;
  }
  return -1;
}

export function tooltipLines(f: Frame, hit: Hit): [string, string][] {
  const m = f.model;
  const L = f.layout;
  switch (hit.kind) {
    case 'lane':
    case 'label': {
      const id = L.ids[hit.lane];
      const title = id < 0 ? L.groups[-id - 1].label : L.groupBy === 'ip' ? m.ipV.list[id] : m.podOf(id);
      return [
        ['', title ?? laneLabel(m, L, hit.lane)],
        ['', describeLane(m, L, hit.lane)],
      ];
    }
    case 'service': {
      const s = hit.lane.summary;
      const out: [string, string][] = [['', `Service ${hit.lane.key}`]];
      if (s) {
        out.push(['ClusterIP', s.clusterIPs.join(', ') || 'None (headless)']);
        out.push(['Ports', s.ports.map((p) => `${p.name ? p.name + ' ' : ''}${p.port}${p.targetPort !== undefined ? '→' + p.targetPort : ''}/${p.protocol ?? 'TCP'}`).join(', ') || '—']);
        out.push(['Endpoints now', s.endpoints.join(', ') || 'none']);
        out.push(['Selector', Object.entries(s.selector).map(([k, v]) => `${k}=${v}`).join(',') || '—']);
      }
      out.push(['Endpoint changes', String(hit.lane.changes)]);
      out.push(['', 'The ClusterIP stays while the endpoints behind it change (rows below the bar).']);
      return out;
    }
    case 'endpoint':
      return [
        ['', `Endpoint of Service ${hit.lane.key}`],
        ['', EndpointsMark.describe(f, hit.interval, hit.lane)],
      ];
    case 'band':
      return [
        ['', `${hit.count} holdings of ${m.ipV.list[L.ids[hit.lane]] ?? 'this IP'}`],
        ['Between', `${fmtTime(hit.from)} and ${fmtTime(hit.to)}`],
        ['', 'Too many to tell apart at this zoom: zoom in (Ctrl+wheel or +) to see each Pod.'],
      ];
    case 'gap':
      return [
        ['', 'Watch down'],
        ['', `${fmtTime(hit.from)} → ${fmtTime(hit.to)}${hit.reason ? `: ${hit.reason}` : ''}`],
        ['', 'Nothing is known of what happened inside this band.'],
      ];
    case 'missed':
      return [
        ['', 'Missed updates'],
        ['', hit.text],
      ];
    case 'reference':
      return referenceLines(hit.row, hit.interval >= 0 ? hit.interval : undefined);
    case 'link': {
      const k = hit.link;
      return [
        ['', `IP ${m.ipV.list[m.kIp.a[k]]} reused`],
        ['From', m.podOf(m.kFrom.a[k])],
        ['To', `${m.podOf(m.kTo.a[k])} at ${fmtTime(m.kT.a[k])}`],
      ];
    }
    default:
      break;
  }
  const life = hit.kind === 'current' ? m.sLife.a[hit.seg] : hit.life;
  const out: [string, string][] = [['', `Pod ${m.podOf(life)}`]];
  if (hit.kind === 'segment' || hit.kind === 'current') {
    const s = hit.seg;
    const end = m.sEnd.a[s];
    out.push(['IP', `${m.ipOfSeg(s)}${m.sFlags.a[s] & S_HOST_NETWORK ? ' (hostNetwork: the node’s IP)' : ''}${end === Infinity ? ' (current)' : ''}`]);
    out.push(['Held', `${fmtTime(m.sStart.a[s])} → ${end !== Infinity ? fmtTime(end) : 'now'} (${humanDuration(f.endOf(end) - m.sStart.a[s], { subsecond: true })})`]);
    if (m.sFlags.a[s] & S_END_RELIST) out.push(['Note', 'release found on relist after the watch was down']);
  } else {
    const k = hit.mark;
    out.push(['Event', `${MARKER_LABEL[markerTypeName(m.mType.a[k])]} at ${fmtTime(m.mT.a[k])}${m.mFlags.a[k] & M_RELIST ? ' (found on relist)' : ''}`]);
  }
  const all = m.segmentsOf(life).map((s) => m.ipOfSeg(s));
  if (all.length > 1) out.push(['All IPs', all.join(', ')]);
  const node = m.nodeOf(life);
  if (node) out.push(['Node', node]);
  const sum = m.summaries.get(life);
  if (sum?.phase) out.push(['Phase', sum.phase]);
  const owner = m.ownerOf(life);
  const rev = m.revisionOf(life);
  const age = rev ? m.revisionAgeOf(life) : undefined;
  if (owner) out.push(['Owner', `${owner.kind} ${owner.name}${rev ? ` (rev ${rev}${age ? `, ${age}` : ''})` : ''}`]);
  if (Number.isFinite(m.lFirst.a[life])) out.push(['First seen', fmtTime(m.lFirst.a[life])]);
  out.push(['', 'Click to open the Pod YAML (read-only)']);
  return out;
}
