// Tell throughput: 1000 tells then one ask (which, FIFO, returns after all of
// them were handled), inline against a pool worker.
import { defineSuite, measure } from '../harness.js';
import { ActorSystem, silentLogger, type ActorRef } from '../../actors/runtime/index.js';
import type { EchoMsg } from './echo-actor.js';

const echoModule = new URL('./echo-actor.js', import.meta.url);
const tellsPerOp = 1000;

export default defineSuite('actors/tell', async (opts) => {
  const inline = await ActorSystem.start({ workers: 0, logger: silentLogger });
  const pool = await ActorSystem.start({ workers: 2, logger: silentLogger });
  for (const s of [inline, pool]) s.register('echo', { module: echoModule, exportName: 'createEcho', placement: 'pool', mailboxCapacity: 4096 });
  const a: ActorRef<EchoMsg, number> = inline.ref('echo', 'p-0');
  const b: ActorRef<EchoMsg, number> = pool.ref('echo', 'p-0');
  const burst = (r: ActorRef<EchoMsg, number>) => () => {
    for (let i = 0; i < tellsPerOp; i++) r.tell({ op: 'count' });
    return r.ask({ op: 'read' });
  };
  await burst(a)();
  await burst(b)();
  try {
    return await measure(
      'actors/tell',
      [
        { name: 'tell x1000 inline', fn: burst(a), items: tellsPerOp },
        { name: 'tell x1000 pool worker', fn: burst(b), items: tellsPerOp, ref: 'tell x1000 inline', gate: false },
      ],
      opts,
    );
  } finally {
    await inline.stop();
    await pool.stop();
  }
});
