// Partitioning 10,000 keys of 16-36 bytes: plain-JS murmur2, one native call
// per key, and one native call for all of them (keys/s, ratios to JS). The
// batch call runs the fastest kernel the CPU has; the slower kernels it also
// has are measured on their own as well.
import { randomBytes } from 'node:crypto';
import { defineSuite, measure, type BenchTask } from '../harness.js';
import { partitionFor, partitionForBatch, packKeys, partitionForJs, murmur2Kernels, murmur2BatchWith } from '../../native/index.js';

const KEYS = 10_000;
const PARTITIONS = 12;

export default defineSuite('native/murmur2', async (opts) => {
  const keys = Array.from({ length: KEYS }, (_, i) => randomBytes(16 + (i % 21)));
  const packed = packKeys(keys);
  const out = new Int32Array(KEYS);
  let sink = 0;
  const otherKernels: BenchTask[] = murmur2Kernels()
    .slice(1)
    .map((kernel) => ({
      name: `native partitionForBatch (${kernel} kernel)`,
      items: KEYS,
      ref: 'js murmur2 partitionFor',
      fn: () => { sink += murmur2BatchWith(kernel, packed, PARTITIONS, out)[0]!; },
    }));
  const results = await measure('native/murmur2', [
    { name: 'js murmur2 partitionFor', items: KEYS, fn: () => { for (const k of keys) sink += partitionForJs(k, PARTITIONS); } },
    { name: 'native partitionFor (one call per key)', items: KEYS, ref: 'js murmur2 partitionFor', fn: () => { for (const k of keys) sink += partitionFor(k, PARTITIONS); } },
    { name: 'native partitionForBatch (one call)', items: KEYS, ref: 'js murmur2 partitionFor', fn: () => { sink += partitionForBatch(packed, PARTITIONS, out)[0]!; } },
    ...otherKernels,
  ], opts);
  if (sink === 0.5) console.log(sink);
  return results;
});
