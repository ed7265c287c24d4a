// Every murmur2 batch kernel this CPU can run (AVX-512, AVX2, portable) gives
// the plain-JS reference's answer bit for bit: every key length, every batch
// size (full SIMD groups and remainders), keys ending at the very end of the
// buffer (under test:asan an over-read aborts), hashes and partitions.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { randomBytes, randomInt } from 'node:crypto';
import {
  murmur2Batch,
  murmur2BatchWith,
  murmur2Kernels,
  murmur2Js,
  packKeys,
  partitionForBatch,
  partitionForJs,
  StorageError,
  type Murmur2Kernel,
  type PackedKeys,
} from '../../native/index.js';

const KERNELS = murmur2Kernels();
const PARTITIONS = [0, 1, 2, 3, 7, 12, 1000, 10_007, 65_536, 0x7fffffff];

function expected(keys: readonly Uint8Array[], numPartitions: number): number[] {
  return keys.map((k) => (numPartitions === 0 ? murmur2Js(k) : partitionForJs(k, numPartitions)));
}

function check(t: ExecutionContext, keys: readonly Uint8Array[], packed: PackedKeys, label: string, partitions = PARTITIONS): void {
  for (const n of partitions) {
    const want = expected(keys, n);
    for (const kernel of KERNELS) {
      // One slot past the batch: a kernel must not write beyond count.
      const out = new Int32Array(keys.length + 1).fill(0x5a5a5a5a);
      murmur2BatchWith(kernel, packed, n, out);
      t.deepEqual(Array.from(out.subarray(0, keys.length)), want, `${kernel} n=${n} ${label}`);
      t.is(out[keys.length], 0x5a5a5a5a, `${kernel} n=${n} ${label}: wrote past the batch`);
    }
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

test('murmur2Kernels: portable is always there, last; the batch calls use the first', (t) => {
  t.true(KERNELS.length >= 1);
  t.is(KERNELS[KERNELS.length - 1], 'portable');
  for (const k of KERNELS) t.true(['avx512', 'avx2', 'portable'].includes(k));
  const keys = Array.from({ length: 100 }, (_, i) => randomBytes(i % 50));
  const packed = packKeys(keys);
  t.deepEqual(Array.from(murmur2Batch(packed)), Array.from(murmur2BatchWith(KERNELS[0]!, packed, 0)));
  t.deepEqual(Array.from(partitionForBatch(packed, 12)), Array.from(murmur2BatchWith(KERNELS[0]!, packed, 12)));
});

test('every kernel: random keys of every length 0..200, sorted, shuffled and grouped by length', (t) => {
  const keys: Uint8Array[] = [];
  for (let len = 0; len <= 200; len++) for (let r = 0; r < 4; r++) keys.push(randomBytes(len));
  check(t, keys, packKeys(keys), 'ascending');
  const shuffled = shuffle([...keys]);
  check(t, shuffled, packKeys(shuffled), 'shuffled');
  const descending = [...keys].reverse();
  check(t, descending, packKeys(descending), 'descending', [0, 12]);
});

test('every kernel: batches of every count 0..40 (full SIMD groups and remainders)', (t) => {
  for (let count = 0; count <= 40; count++) {
    for (const maxLen of [4, 20, 70]) {
      const keys = Array.from({ length: count }, () => randomBytes(randomInt(maxLen)));
      check(t, keys, packKeys(keys), `count ${count} lengths < ${maxLen}`, [0, 12, 0x7fffffff]);
    }
  }
});

test('every kernel: keys ending exactly at the end of their buffer are not over-read', (t) => {
  // Off-heap buffers of exactly the keys' size, as views at the end of their
  // ArrayBuffer and with a byte offset, so a read past the last key leaves
  // the allocation (AddressSanitizer reports it under npm run test:asan).
  const shapes: Array<[string, number[]]> = [
    ['one long key last', [...Array.from({ length: 31 }, () => 3), 150]],
    ['short keys after long ones', [...Array.from({ length: 20 }, () => 64), 1, 2, 3, 5]],
    ['a 1-byte key last', [...Array.from({ length: 47 }, (_, i) => 10 + (i % 30)), 1]],
    ['a 3-byte key last', [...Array.from({ length: 16 }, () => 40), 3]],
    ['an empty key last', [...Array.from({ length: 16 }, () => 17), 0]],
    ['one long key', [300]],
    ['sixteen 16-byte keys', Array.from({ length: 16 }, () => 16)],
    ['eight 33-byte keys', Array.from({ length: 8 }, () => 33)],
  ];
  for (const [label, lengths] of shapes) {
    const keys = lengths.map((len) => randomBytes(len));
    const { bytes, offsets } = packKeys(keys);
    for (const lead of [0, 1, 5]) {
      const buffer = new ArrayBuffer(lead + bytes.length);
      const view = new Uint8Array(buffer, lead, bytes.length);
      view.set(bytes);
      check(t, keys, { bytes: view, offsets }, `${label}, byte offset ${lead}`, [0, 12]);
    }
  }
});

test('every kernel: negative hashes and their partitions, Kafka\'s vectors', (t) => {
  const vectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  // Repeated so that they fill whole SIMD groups as well as the remainder.
  const keys = Array.from({ length: 40 }, (_, i) => Buffer.from(vectors[i % vectors.length]![0]));
  for (const kernel of KERNELS) {
    const hashes = murmur2BatchWith(kernel, packKeys(keys), 0);
    keys.forEach((_, i) => t.is(hashes[i], vectors[i % vectors.length]![1], `${kernel} key ${i}`));
  }
  const random = Array.from({ length: 1000 }, (_, i) => randomBytes(i % 64));
  t.true(expected(random, 0).some((h) => h < 0), 'the random keys include negative hashes');
  check(t, random, packKeys(random), 'random keys');
});

test('every kernel: partition counts that divide the hash (exact remainder where the quotient is exact)', (t) => {
  // The SIMD kernels divide in doubles: x * (1/n) can land just below an exact
  // quotient, which they correct. JS doubles round the same way, so the test
  // can see that it covered such cases.
  const keys = Array.from({ length: 64 }, (_, i) => randomBytes(8 + (i % 30)));
  const partitions = new Set<number>();
  for (const h of expected(keys, 0)) {
    const x = h & 0x7fffffff;
    for (let d = 1; d <= 8; d++) if (x % d === 0 && x / d >= 1) partitions.add(x / d);
    if (x + 1 <= 0x7fffffff) partitions.add(x + 1);
    if (x > 1) partitions.add(x - 1);
  }
  const xs = expected(keys, 0).map((h) => h & 0x7fffffff);
  const belowQuotient = [...partitions].filter((n) => xs.some((x) => Math.trunc(x * (1 / n)) !== Math.floor(x / n))).length;
  t.true(belowQuotient > 0, 'some x * (1/n) fell below its exact quotient');
  check(t, keys, packKeys(keys), 'n dividing the hashes', [...partitions]);
});

test('murmur2BatchWith: bad kernels and partition counts are INVALID_ARGUMENT', (t) => {
  const packed = packKeys(['a', 'bc']);
  const invalid = { instanceOf: StorageError, code: 'INVALID_ARGUMENT' } as never;
  t.throws(() => murmur2BatchWith('sse9' as Murmur2Kernel, packed, 0), invalid);
  t.throws(() => murmur2BatchWith('portable', packed, -1), invalid);
  t.throws(() => murmur2BatchWith('portable', packed, 2 ** 31), invalid);
  t.throws(() => murmur2BatchWith('portable', packed, 1.5), invalid);
  for (const kernel of ['avx512', 'avx2'] as const) {
    if (!KERNELS.includes(kernel)) t.throws(() => murmur2BatchWith(kernel, packed, 0), invalid);
  }
});
