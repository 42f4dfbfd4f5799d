// The one polling helper of the suites (unit, integration, bench): waits for a positive sign —
// a value, or true — instead of sleeping and hoping. Not a test file itself.

type Pending = undefined | null | false | '';

/**
 * Polls `probe` every `everyMs` until it returns something other than undefined, null, false or ''
 * (0 counts as an answer), and resolves with that; a probe that throws is polled again. After
 * `timeoutMs` it fails naming `what` and the last error the probe threw.
 */
export async function until<T>(what: string, probe: () => T | Pending | Promise<T | Pending>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false && v !== '') return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= end) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
}
