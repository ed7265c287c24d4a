/** Polling with a bound, for harnesses that run outside ava (the fault checker under `npm run torture`) as well as in tests. */

/** Polls `check` every 25 ms until it is true or `timeoutMs` passed; returns the ms it took, or -1. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (let i = 0; i < 100_000 && Date.now() - start < timeoutMs; i++) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  return -1;
}
