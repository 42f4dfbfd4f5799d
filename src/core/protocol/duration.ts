// Durations as people read them, one way everywhere: kubectl's AGE column (the demo cluster's
// tables), the status bar and the timeline's tooltips and table. It sits with the protocol because
// the webview may share only the protocol with the host.

/**
 * k8s.io/apimachinery/pkg/util/duration.HumanDuration ("5s", "2m5s", "3h1m", "2d2h"), so the demo
 * cluster's tables match a real cluster's. `subsecond` prints spans under a second as "340ms"
 * (kubectl would say "0s"), for tenures that a rollout makes that short.
 */
export function humanDuration(ms: number, opts: { subsecond?: boolean } = {}): string {
  if (opts.subsecond && ms >= 0 && ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}
