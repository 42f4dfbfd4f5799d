// Suites that need a tool from outside npm (kubectl, the runner's browser bridge) skip loudly where
// it is missing. Under CI they fail instead: CI has those tools (.ci/run checks kubectl), so a
// green run must mean every such suite ran.

/** True when the environment says this is CI (`CI=true`, as .ci/run and most CI services set). */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

/** Skips the current suite or test with a loud note, or, under CI, fails it with the reason. */
export function skipOrFail(ctx: Mocha.Context, why: string, env: NodeJS.ProcessEnv = process.env): never {
  if (inCi(env)) throw new Error(`${why}: CI must run this suite, so it fails instead of being skipped (CI=${env.CI})`);
  console.warn(`\n  !!! SKIPPING: ${why} !!!\n`);
  ctx.skip();
}
