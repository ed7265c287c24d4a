// CRC-32C of a 16 KiB batch-sized buffer: native (SSE4.2 when present) and the
// portable native path, against a table-driven CRC-32C in plain JS.
import { randomBytes } from 'node:crypto';
import { defineSuite, measure } from '../harness.js';
import { crc32c, crc32cPortable } from '../../native/index.js';
import { crc32cTable } from '../../test/native/helpers/crc32c-ref.js';

const BYTES = 16 * 1024;

export default defineSuite('native/crc32c', async (opts) => {
  const data = randomBytes(BYTES);
  let sink = 0;
  const results = await measure('native/crc32c', [
    { name: 'js table crc32c 16KiB', bytes: BYTES, fn: () => (sink ^= crc32cTable(data)) },
    { name: 'native crc32c 16KiB', bytes: BYTES, ref: 'js table crc32c 16KiB', fn: () => (sink ^= crc32c(data)) },
    { name: 'native portable crc32c 16KiB', bytes: BYTES, ref: 'js table crc32c 16KiB', fn: () => (sink ^= crc32cPortable(data)) },
  ], opts);
  if (sink === 0.5) console.log(sink);
  return results;
});
