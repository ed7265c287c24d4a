// Partitioning 10,000 keys of 16-36 bytes: plain-JS murmur2, one native call
// per key, and one native call for all of them (keys/s, ratios to JS).
import { randomBytes } from 'node:crypto';
import { defineSuite, measure } from '../harness.js';
import { partitionFor, partitionForBatch, packKeys, partitionForJs } from '../../native/index.js';

const KEYS = 10_000;
const PARTITIONS = 12;

export default defineSuite('native/murmur2', async (opts) => {
  const keys = Array.from({ length: KEYS }, (_, i) => randomBytes(16 + (i % 21)));
  const packed = packKeys(keys);
  const out = new Int32Array(KEYS);
  let sink = 0;
  const results = await measure('native/murmur2', [
    { name: 'js murmur2 partitionFor', items: KEYS, fn: () => { for (const k of keys) sink += partitionForJs(k, PARTITIONS); } },
    { name: 'native partitionFor (one call per key)', items: KEYS, ref: 'js murmur2 partitionFor', fn: () => { for (const k of keys) sink += partitionFor(k, PARTITIONS); } },
    { name: 'native partitionForBatch (one call)', items: KEYS, ref: 'js murmur2 partitionFor', fn: () => { sink += partitionForBatch(packed, PARTITIONS, out)[0]!; } },
  ], opts);
  if (sink === 0.5) console.log(sink);
  return results;
});
