// Helpers shared by the integration suites (bundled into each; not a test file itself).

/** Polls `f` until it returns something other than undefined/false, or fails with the last error seen. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 45_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Saves a screenshot of the workbench into test-results/ through the runner's loopback bridge (no-op without it). */
export async function screenshot(name: string): Promise<string | undefined> {
  const bridge = process.env.POD_IP_LENS_TEST_BROWSER;
  if (!bridge) return undefined;
  const res = await fetch(`${bridge}/screenshot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) }).catch(() => undefined);
  return res?.ok ? ((await res.json()) as { path: string }).path : undefined;
}

/**
 * Evaluates `expression` in the workbench's own page (the editor, hovers, notifications) through
 * the runner's loopback bridge; undefined without a bridge.
 */
export async function inWorkbench<T>(expression: string): Promise<T | undefined> {
  const bridge = process.env.POD_IP_LENS_TEST_BROWSER;
  if (!bridge) return undefined;
  const res = await fetch(`${bridge}/frames/eval`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selector: '.monaco-workbench', expression }) });
  if (!res.ok) throw new Error(`bridge: ${res.status} ${await res.text()}`);
  const frames = (await res.json()) as { result: T }[];
  return frames[0]?.result;
}
