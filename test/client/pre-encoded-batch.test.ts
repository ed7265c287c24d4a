// A pre-encoded batch must be a valid Kafka batch on every send: the CRC combined
// from the header's and the stored section's CRCs equals the CRC of the whole.
import test from 'ava';
import { crc32c, decodeRecordBatchSync, RecordBatchHeader } from '../../protocol/index.js';
import { crc32cCombine, crcShiftOperator } from '../../protocol/client/crc32c-combine.js';
import { PreEncodedBatch, perfPayload, recordsPerBatch } from '../../protocol/client/pre-encoded-batch.js';

test('crc32cCombine equals the CRC of the concatenation', (t) => {
  const data = perfPayload(5000, 42);
  for (const split of [0, 1, 7, 8, 40, 61, 1000, 4999, 5000]) {
    const a = data.subarray(0, split);
    const b = data.subarray(split);
    t.is(crc32cCombine(crc32c(a), crc32c(b), crcShiftOperator(b.length)), crc32c(data), `split at ${split}`);
  }
});

for (const compression of [0, 1, 2, 3, 4]) {
  test(`batch with compression ${compression}: valid CRC and the records it was built from, for any timestamp`, (t) => {
    const value = perfPayload(100);
    const b = new PreEncodedBatch({ recordCount: 50, value, compression });
    for (const ts of [0, 1_700_000_000_000, Date.now()]) {
      const whole = b.toBuffer(ts);
      t.is(whole.length, b.sizeBytes);
      t.is(new RecordBatchHeader(whole).validate(), null);
      const d = decodeRecordBatchSync(whole);
      t.is(d.compression, compression);
      t.is(d.records.length, 50);
      t.is(d.maxTimestamp, BigInt(ts));
      t.deepEqual(d.records.map((r) => r.offset), Array.from({ length: 50 }, (_, i) => BigInt(i)));
      t.true(d.records.every((r) => r.timestamp === BigInt(ts) && r.key === null && r.value!.equals(value)));
    }
  });
}

test('each send gets its own header; the section is shared and never written', (t) => {
  const b = new PreEncodedBatch({ recordCount: 3, value: Buffer.from('x') });
  const before = Buffer.from(b.section);
  const h1 = b.header(1);
  const h2 = b.header(2);
  t.not(h1, h2);
  t.false(h1.equals(h2));
  t.true(b.section.equals(before));
  t.is(b.payloadBytes, 3);
});

test('recordsPerBatch fits the batch size and is at least one', (t) => {
  t.is(recordsPerBatch(100_000, 16384), 1);
  const n = recordsPerBatch(100, 16384);
  const size = new PreEncodedBatch({ recordCount: n, value: perfPayload(100) }).sizeBytes;
  t.true(size <= 16384, `${n} records make ${size} bytes`);
  t.true(new PreEncodedBatch({ recordCount: n + 2, value: perfPayload(100) }).sizeBytes > 16384 - 2 * 110);
});
