/** The real clock caps delays at Node's timer limit instead of letting Node turn them into 1 ms. */
import test from 'ava';
import { realClock } from '../../../actors/runtime/index.js';

test('a delay past 2^31-1 ms (a wire timeout plus a margin) does not fire at once', async (t) => {
  let fired = 0;
  const handles = [2 ** 31 - 1 + 1000, 2 ** 31 - 1 + 30_000, Number.MAX_SAFE_INTEGER].map((ms) => realClock.setTimeout(() => fired++, ms));
  await new Promise((r) => setTimeout(r, 50));
  for (const h of handles) realClock.clearTimeout(h);
  t.is(fired, 0);
});
