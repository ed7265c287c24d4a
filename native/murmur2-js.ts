// murmur2 in plain JavaScript, bit for bit as Kafka's Java client
// (Utils.murmur2, seed 0x9747b28c). The reference the native version is tested
// and benchmarked against; Math.imul gives Java's wrapping int multiply.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

export function murmur2Js(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive(murmur2(key)) % numPartitions. */
export function partitionForJs(key: Uint8Array, numPartitions: number): number {
  return (murmur2Js(key) & 0x7fffffff) % numPartitions;
}
