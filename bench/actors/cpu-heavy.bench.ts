// Where the pool pays: 8 partitions each doing 4 MiB of CRC-32C per request (CPU
// work per message far above the ~20-70 µs thread hop, nothing to copy), placed
// inline against a 2-worker pool. On 2 cores the pool's two workers run at once.
import { defineSuite, measure } from '../harness.js';
import { ActorSystem, silentLogger, type ActorRef } from '../../actors/runtime/index.js';
import type { CrcMsg } from './crc-actor.js';

const crcModule = new URL('./crc-actor.js', import.meta.url);
const partitions = 8;
const BYTES = 4 << 20;

export default defineSuite('actors/cpu-heavy', async (opts) => {
  const pool = await ActorSystem.start({ workers: 2, logger: silentLogger });
  const inline = await ActorSystem.start({ workers: 0, logger: silentLogger });
  for (const s of [inline, pool]) s.register('crc', { module: crcModule, exportName: 'createCrc', placement: 'pool' });
  const refs = (s: ActorSystem): ActorRef<CrcMsg, number>[] => Array.from({ length: partitions }, (_, i) => s.ref('crc', `orders-${i}`));
  const msg: CrcMsg = { op: 'crc', bytes: BYTES };
  const request = (s: ActorSystem, rs: ActorRef<CrcMsg, number>[]) => () => s.askMany(rs.map((ref) => ({ ref, msg })));
  const poolRequest = request(pool, refs(pool));
  const inlineRequest = request(inline, refs(inline));
  await poolRequest();
  await inlineRequest();
  try {
    return await measure(
      'actors/cpu-heavy',
      [
        { name: '8 partitions x 4 MiB CRC inline', fn: inlineRequest, bytes: partitions * BYTES },
        { name: '8 partitions x 4 MiB CRC pool(2)', fn: poolRequest, bytes: partitions * BYTES, ref: '8 partitions x 4 MiB CRC inline' },
      ],
      opts,
    );
  } finally {
    await inline.stop();
    await pool.stop();
  }
});
