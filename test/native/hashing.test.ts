import test from 'ava';
import { randomBytes } from 'node:crypto';
import {
  crc32c,
  crc32cPortable,
  crc32cHardware,
  crc32cHardwareAvailable,
  murmur2,
  partitionFor,
  murmur2Batch,
  partitionForBatch,
  packKeys,
  murmur2Js,
  partitionForJs,
  StorageError,
} from '../../native/index.js';
import { crc32cTable } from './helpers/crc32c-ref.js';

// RFC 3720 (iSCSI) appendix B.4 and the classic check value.
const CRC_VECTORS: Array<[string, Uint8Array, number]> = [
  ['"123456789"', Buffer.from('123456789'), 0xe3069283],
  ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
  ['32 0xff bytes', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ['0..31', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
  ['31..0', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ['empty', new Uint8Array(0), 0],
];

const CRC_PATHS = [
  ['crc32c', crc32c],
  ['portable', crc32cPortable],
  ...(crc32cHardwareAvailable() ? [['hardware', crc32cHardware] as const] : []),
] as const;

for (const [name, fn] of CRC_PATHS) {
  test(`crc32c ${name}: known vectors`, (t) => {
    for (const [label, data, expected] of CRC_VECTORS) t.is(fn(data), expected, label);
  });
}

test('crc32c: the JS reference agrees with the known vectors', (t) => {
  for (const [label, data, expected] of CRC_VECTORS) t.is(crc32cTable(data), expected, label);
});

test('crc32c: every path agrees with the reference on random data, lengths and alignments', (t) => {
  const data = randomBytes(70_000);
  for (let len = 0; len < 80; len++) {
    for (let start = 0; start < 9; start++) {
      const expected = crc32cTable(data, start, start + len);
      for (const [name, fn] of CRC_PATHS) t.is(fn(data, start, start + len), expected, `${name} len ${len} start ${start}`);
    }
  }
  for (const len of [1000, 4096, 65_537, 69_990]) {
    const expected = crc32cTable(data, 3, 3 + len);
    for (const [name, fn] of CRC_PATHS) t.is(fn(data.subarray(3, 3 + len)), expected, `${name} ${len}`);
  }
});

test('crc32c: rejects bad input with INVALID_ARGUMENT', (t) => {
  t.throws(() => crc32c('abc' as unknown as Uint8Array), { instanceOf: StorageError, code: 'INVALID_ARGUMENT' } as never);
  t.throws(() => crc32c(new Uint8Array(4), 2, 9), { instanceOf: StorageError, code: 'INVALID_ARGUMENT' } as never);
});

// From Kafka's UtilsTest.testMurmur2.
const MURMUR_VECTORS: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

test('murmur2: Kafka vectors, native and JS', (t) => {
  for (const [key, expected] of MURMUR_VECTORS) {
    t.is(murmur2(Buffer.from(key)), expected, `native ${key}`);
    t.is(murmur2Js(Buffer.from(key)), expected, `js ${key}`);
  }
});

test('murmur2: native equals JS on random keys of every tail length', (t) => {
  for (let i = 0; i < 2000; i++) {
    const key = randomBytes(i % 67);
    t.is(murmur2(key), murmur2Js(key));
  }
});

test('partitionFor: (hash & 0x7fffffff) % n, as Kafka', (t) => {
  for (const [key, hash] of MURMUR_VECTORS) {
    for (const n of [1, 3, 12, 50, 1000]) {
      t.is(partitionFor(Buffer.from(key), n), (hash & 0x7fffffff) % n);
      t.is(partitionForJs(Buffer.from(key), n), (hash & 0x7fffffff) % n);
    }
  }
  t.throws(() => partitionFor(Buffer.from('a'), 0), { code: 'INVALID_ARGUMENT' } as never);
});

test('murmur2Batch and partitionForBatch: one call, same answers as the single calls', (t) => {
  const keys = [...MURMUR_VECTORS.map(([k]) => k), '', ...Array.from({ length: 500 }, (_, i) => randomBytes(i % 40))];
  const packed = packKeys(keys);
  const hashes = murmur2Batch(packed);
  const parts = partitionForBatch(packed, 7);
  t.is(hashes.length, keys.length);
  keys.forEach((k, i) => {
    const bytes = typeof k === 'string' ? Buffer.from(k) : k;
    t.is(hashes[i], murmur2Js(bytes));
    t.is(parts[i], partitionForJs(bytes, 7));
  });
  const out = new Int32Array(keys.length);
  t.is(murmur2Batch(packed, out), out);
  t.deepEqual(Array.from(out), Array.from(hashes));
});

test('partitionForBatch: any partition count gives the single call\'s answer (division-free modulo)', (t) => {
  const keys = Array.from({ length: 257 }, (_, i) => randomBytes(i % 45));
  const packed = packKeys(keys);
  for (const n of [1, 2, 3, 7, 12, 1000, 10_007, 65_536, 0x7fffffff]) {
    const parts = partitionForBatch(packed, n);
    keys.forEach((k, i) => t.is(parts[i], partitionForJs(k, n)));
  }
});

test('murmur2Batch: offsets outside the key buffer are rejected, not read', (t) => {
  const packed = { bytes: new Uint8Array(4), offsets: Int32Array.from([0, 2, 99]) };
  t.throws(() => murmur2Batch(packed), { instanceOf: StorageError, code: 'INVALID_ARGUMENT' } as never);
  t.throws(() => murmur2Batch({ bytes: new Uint8Array(4), offsets: Int32Array.from([3, 1]) }), { code: 'INVALID_ARGUMENT' } as never);
  t.throws(() => murmur2Batch(packKeys(['a', 'b']), new Int32Array(1)), { code: 'INVALID_ARGUMENT' } as never);
});
