// Ask round trip: inline (same thread) against a pool worker (one thread hop
// each way). The ratio is the price of a hop that placement on the pool has
// to earn back with parallel work.
import { defineSuite, measure } from '../harness.js';
import { ActorSystem, silentLogger, type ActorRef } from '../../actors/runtime/index.js';
import type { EchoMsg } from './echo-actor.js';

const echoModule = new URL('./echo-actor.js', import.meta.url);

export default defineSuite('actors/ask', async (opts) => {
  const inline = await ActorSystem.start({ workers: 0, logger: silentLogger });
  const pool = await ActorSystem.start({ workers: 2, logger: silentLogger });
  for (const s of [inline, pool]) s.register('echo', { module: echoModule, exportName: 'createEcho', placement: 'pool' });
  const a: ActorRef<EchoMsg, number> = inline.ref('echo', 'p-0');
  const b: ActorRef<EchoMsg, number> = pool.ref('echo', 'p-0');
  await a.ask({ op: 'ping' });
  await b.ask({ op: 'ping' });
  try {
    return await measure(
      'actors/ask',
      [
        { name: 'ask round trip inline', fn: () => a.ask({ op: 'ping' }) },
        { name: 'ask round trip pool worker', fn: () => b.ask({ op: 'ping' }), ref: 'ask round trip inline', gate: false },
      ],
      opts,
    );
  } finally {
    await inline.stop();
    await pool.stop();
  }
});
