import test from 'ava';
import {
  crc32c,
  encodeRecordBatch,
  encodeRecordBatchSync,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeControlBatch,
  decodeControlRecord,
  ControlRecordType,
  RecordBatchHeader,
  recordBatches,
  CompressionType,
  compressSync,
  decompressSync,
  compress,
  decompress,
  isXerial,
  ProtocolError,
} from '../../protocol/index.js';
import * as snappy from 'snappy';

test('crc32c matches the standard check values', (t) => {
  t.is(crc32c(Buffer.from('123456789')), 0xe3069283);
  t.is(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  const data = Buffer.from('The quick brown fox jumps over the lazy dog, twice over.');
  t.is(crc32c(data, 10), crc32c(data.subarray(10)));
  t.is(crc32c(data, 7, data.length, crc32c(data, 0, 7)), crc32c(data));
});

const records = [
  { key: Buffer.from('k'), value: Buffer.from('v'.repeat(300)), headers: [{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: null }], timestamp: 1000n },
  { key: null, value: null, timestamp: 990n },
  { key: Buffer.alloc(0), value: Buffer.from('last'), timestamp: 1010n },
];

for (const [name, type] of Object.entries(CompressionType)) {
  test(`record batch encode/decode round-trips (${name})`, async (t) => {
    const input = { baseOffset: 100n, partitionLeaderEpoch: 4, compression: type, producerId: 77n, producerEpoch: 2, baseSequence: 5, isTransactional: true, records };
    for (const batch of [encodeRecordBatchSync(input), await encodeRecordBatch(input)]) {
      const h = new RecordBatchHeader(batch);
      t.is(h.validate(), null);
      t.is(h.baseOffset, 100n);
      t.is(h.sizeBytes, batch.length);
      t.is(h.partitionLeaderEpoch, 4);
      t.is(h.magic, 2);
      t.is(h.compression, type);
      t.is(h.timestampType, 0);
      t.true(h.isTransactional);
      t.false(h.isControl);
      t.false(h.hasDeleteHorizon);
      t.is(h.lastOffsetDelta, 2);
      t.is(h.lastOffset, 102n);
      t.is(h.baseTimestamp, 1000n);
      t.is(h.firstTimestamp, 1000n);
      t.is(h.maxTimestamp, 1010n);
      t.is(h.producerId, 77n);
      t.is(h.producerEpoch, 2);
      t.is(h.baseSequence, 5);
      t.is(h.recordCount, 3);
      for (const d of [decodeRecordBatchSync(batch), await decodeRecordBatch(batch)]) {
        t.deepEqual(
          d.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
          records.map((r, i) => ({ offset: 100n + BigInt(i), timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers ?? [] })),
        );
      }
    }
  });
}

test('baseOffset and partitionLeaderEpoch are patched in place without breaking the CRC', (t) => {
  const batch = encodeRecordBatchSync({ records: [{ value: Buffer.from('a') }] });
  const h = new RecordBatchHeader(batch);
  h.baseOffset = 12345n;
  h.partitionLeaderEpoch = 9;
  t.is(h.validate(), null);
  t.is(decodeRecordBatchSync(batch).records[0]!.offset, 12345n);
  batch[batch.length - 1]! ^= 1;
  t.regex(h.validate()!, /CRC/);
  t.throws(() => decodeRecordBatchSync(batch), { instanceOf: ProtocolError });
});

test('recordBatches walks concatenated batches and ignores a trailing partial one', (t) => {
  const a = encodeRecordBatchSync({ baseOffset: 0n, records: [{ value: Buffer.from('a') }] });
  const b = encodeRecordBatchSync({ baseOffset: 1n, records: [{ value: Buffer.from('b') }, { value: Buffer.from('c') }] });
  const all = Buffer.concat([a, b, b.subarray(0, 30)]);
  const seen = [...recordBatches(all)];
  t.deepEqual(seen.map((h) => [h.offset, h.baseOffset, h.recordCount]), [[0, 0n, 1], [a.length, 1n, 2]]);
  t.is(seen[1]!.bytes.length, b.length);
});

test('control batches carry commit/abort markers', (t) => {
  for (const type of [ControlRecordType.Commit, ControlRecordType.Abort]) {
    const batch = encodeControlBatch({ producerId: 5n, producerEpoch: 1, type, coordinatorEpoch: 3, baseOffset: 40n });
    const h = new RecordBatchHeader(batch);
    t.true(h.isControl && h.isTransactional);
    t.is(h.validate(), null);
    const d = decodeRecordBatchSync(batch);
    t.deepEqual(decodeControlRecord(d.records[0]!), { version: 0, type, coordinatorEpoch: 3 });
  }
});

test('snappy: we write xerial framing and read both xerial and raw', async (t) => {
  const data = Buffer.from('snappy snappy snappy '.repeat(5000));
  const framed = compressSync(CompressionType.Snappy, data);
  t.true(isXerial(framed));
  t.true(decompressSync(CompressionType.Snappy, framed).equals(data));
  t.true((await decompress(CompressionType.Snappy, await compress(CompressionType.Snappy, data))).equals(data));
  const raw = snappy.compressSync(data);
  t.false(isXerial(raw));
  t.true(decompressSync(CompressionType.Snappy, raw).equals(data));
  t.true((await decompress(CompressionType.Snappy, raw)).equals(data));
});

test('lz4 output is a standard LZ4 frame with independent blocks; zstd and gzip have their magic', (t) => {
  const data = Buffer.from('abc'.repeat(1000));
  const lz4 = compressSync(CompressionType.Lz4, data);
  t.is(lz4.readUInt32LE(0), 0x184d2204);
  t.true((lz4[4]! & 0x20) !== 0, 'block independence flag');
  t.is(lz4[4]! & 0x10, 0, 'no block checksums');
  t.is(compressSync(CompressionType.Zstd, data).readUInt32LE(0), 0xfd2fb528);
  t.is(compressSync(CompressionType.Gzip, data).readUInt16BE(0), 0x1f8b);
  for (const type of [1, 2, 3, 4]) t.true(decompressSync(type, compressSync(type, data)).equals(data));
  t.throws(() => compressSync(6, data), { instanceOf: RangeError });
});
