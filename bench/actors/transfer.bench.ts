// A 16 KiB buffer to an actor and back, transferred both ways: pool worker
// against inline (where the transfer still detaches the sender's buffer).
import { defineSuite, measure } from '../harness.js';
import { ActorSystem, silentLogger, type ActorRef } from '../../actors/runtime/index.js';
import type { EchoMsg } from './echo-actor.js';

const echoModule = new URL('./echo-actor.js', import.meta.url);
const bytes = 16 * 1024;

export default defineSuite('actors/transfer', async (opts) => {
  const inline = await ActorSystem.start({ workers: 0, logger: silentLogger });
  const pool = await ActorSystem.start({ workers: 2, logger: silentLogger });
  for (const s of [inline, pool]) s.register('echo', { module: echoModule, exportName: 'createEcho', placement: 'pool' });
  const a: ActorRef<EchoMsg, ArrayBuffer> = inline.ref('echo', 'p-0');
  const b: ActorRef<EchoMsg, ArrayBuffer> = pool.ref('echo', 'p-0');
  // the buffer comes back each time and is sent again: no allocation per op
  const roundTrip = (r: ActorRef<EchoMsg, ArrayBuffer>) => {
    let buf = new ArrayBuffer(bytes);
    return async () => {
      buf = await r.ask({ op: 'bytes', buf }, { transfer: [buf] });
    };
  };
  try {
    return await measure(
      'actors/transfer',
      [
        { name: '16 KiB transferred round trip inline', fn: roundTrip(a), bytes },
        { name: '16 KiB transferred round trip pool worker', fn: roundTrip(b), bytes, ref: '16 KiB transferred round trip inline', gate: false },
      ],
      opts,
    );
  } finally {
    await inline.stop();
    await pool.stop();
  }
});
