// The framing of Kubernetes remote-command streams over WebSocket (channel.k8s.io protocols):
// every binary message starts with a channel byte. v4 and v5 carry the exit status as a
// metav1.Status on the error channel; v5 adds a close signal (255, then the channel closed), so
// a client can end stdin without closing the connection.
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
/** Sub-protocols served, best first. */
export const REMOTE_COMMAND_PROTOCOLS = [V5, V4];

export function frame(channel: number, data: string | Buffer): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.of(channel), body]);
}

export function parseFrame(message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0], data: message.subarray(1) };
}

/** The sub-protocol to answer with, from a `Sec-WebSocket-Protocol` offer; undefined if none fits. */
export function pickProtocol(offered: Iterable<string>, served = REMOTE_COMMAND_PROTOCOLS): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return served.find((p) => set.has(p));
}

/** The exit status the kubelet sends on the error channel (remotecommand's v4 protocol). */
export function exitStatus(code: number, argv: string[]): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** A terminal size message (channel 4): `{"Width":80,"Height":24}`. */
export function parseResize(data: Buffer): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(data.toString('utf8'));
    if (Number.isInteger(v?.Width) && Number.isInteger(v?.Height)) return { width: v.Width, height: v.Height };
  } catch {
    // Not a size: ignored, as the kubelet ignores it.
  }
  return undefined;
}
