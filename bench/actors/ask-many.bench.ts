// One request touching 8 partitions on a 2-worker pool: askMany (one message
// per worker each way) against 8 separate asks (8 messages each way).
import { defineSuite, measure } from '../harness.js';
import { ActorSystem, silentLogger, type ActorRef } from '../../actors/runtime/index.js';
import type { EchoMsg } from './echo-actor.js';

const echoModule = new URL('./echo-actor.js', import.meta.url);
const partitions = 8;

export default defineSuite('actors/askMany', async (opts) => {
  const pool = await ActorSystem.start({ workers: 2, logger: silentLogger });
  const inline = await ActorSystem.start({ workers: 0, logger: silentLogger });
  for (const s of [inline, pool]) s.register('echo', { module: echoModule, exportName: 'createEcho', placement: 'pool' });
  const poolRefs: ActorRef<EchoMsg, number>[] = Array.from({ length: partitions }, (_, i) => pool.ref('echo', `orders-${i}`));
  const inlineRefs: ActorRef<EchoMsg, number>[] = Array.from({ length: partitions }, (_, i) => inline.ref('echo', `orders-${i}`));
  const ping: EchoMsg = { op: 'ping' };
  const many = (s: ActorSystem, refs: ActorRef<EchoMsg, number>[]) => () => s.askMany(refs.map((ref) => ({ ref, msg: ping })));
  const separate = (refs: ActorRef<EchoMsg, number>[]) => () => Promise.all(refs.map((r) => r.ask(ping)));
  await many(pool, poolRefs)();
  await many(inline, inlineRefs)();
  try {
    return await measure(
      'actors/askMany',
      [
        { name: '8 separate asks pool', fn: separate(poolRefs), items: partitions },
        { name: 'askMany 8 partitions pool', fn: many(pool, poolRefs), items: partitions, ref: '8 separate asks pool', gate: false },
        { name: 'askMany 8 partitions inline', fn: many(inline, inlineRefs), items: partitions, ref: '8 separate asks pool', gate: false },
      ],
      opts,
    );
  } finally {
    await inline.stop();
    await pool.stop();
  }
});
