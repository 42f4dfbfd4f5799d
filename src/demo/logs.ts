// What the simulated containers print, per Pod life and container, for `kubectl logs`
// (`--previous`, `--timestamps`, `--tail`, `-f`). Bounded: the oldest lines go first.

export interface LogLine {
  /** RFC 3339 with nanoseconds, as the kubelet's --timestamps prints. */
  time: string;
  text: string;
}

const MAX_LINES = 2000;

export class ContainerLogs {
  private readonly current = new Map<string, LogLine[]>();
  private readonly previous = new Map<string, LogLine[]>();
  private readonly listeners = new Set<(uid: string, container: string, line: LogLine) => void>();

  private key(uid: string, container: string): string {
    return `${uid}/${container}`;
  }

  append(uid: string, container: string, text: string, at = Date.now()): void {
    const k = this.key(uid, container);
    let lines = this.current.get(k);
    if (!lines) this.current.set(k, (lines = []));
    for (const t of text.split('\n')) {
      const line = { time: new Date(at).toISOString().replace('Z', '000000Z'), text: t };
      lines.push(line);
      for (const l of [...this.listeners]) l(uid, container, line);
    }
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
  }

  /** A container restarted: what it printed becomes `--previous`. */
  rotate(uid: string, container: string): void {
    const k = this.key(uid, container);
    this.previous.set(k, this.current.get(k) ?? []);
    this.current.delete(k);
  }

  get(uid: string, container: string, previous = false): LogLine[] | undefined {
    return (previous ? this.previous : this.current).get(this.key(uid, container));
  }

  has(uid: string, container: string): boolean {
    return this.current.has(this.key(uid, container)) || this.previous.has(this.key(uid, container));
  }

  forget(uid: string): void {
    for (const m of [this.current, this.previous]) for (const k of [...m.keys()]) if (k.startsWith(`${uid}/`)) m.delete(k);
  }

  onAppend(listener: (uid: string, container: string, line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
