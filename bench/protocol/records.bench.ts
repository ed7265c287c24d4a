// Record batch decode/encode per record (the non-hot paths that need records:
// compaction, recompression), and the pure-TS CRC32C against a plain copy.
import { defineSuite, measure } from '../harness.js';
import { decodeRecordBatchSync, encodeRecordBatchSync, type RecordInput } from '../../protocol/records/record-batch.js';
import { crc32c } from '../../protocol/records/crc32c.js';

const RECORDS = 100;

export default defineSuite('protocol/records', async (opts) => {
  const records: RecordInput[] = Array.from({ length: RECORDS }, (_, i) => ({
    key: Buffer.from(`key-${i}`),
    value: Buffer.alloc(100, i),
    headers: [{ key: 'trace', value: Buffer.from('abc') }],
    timestamp: 1700000000000n + BigInt(i),
  }));
  const batch = encodeRecordBatchSync({ records });
  const sink = Buffer.alloc(batch.length);
  return measure(
    'protocol/records',
    [
      { name: 'copy batch (Buffer.copy)', bytes: batch.length, fn: () => batch.copy(sink) },
      { name: 'crc32c (pure TS)', bytes: batch.length, ref: 'copy batch (Buffer.copy)', fn: () => crc32c(batch, 21) },
      { name: 'decode batch of 100 records', items: RECORDS, fn: () => decodeRecordBatchSync(batch, { verifyCrc: false }) },
      { name: 'encode batch of 100 records', items: RECORDS, fn: () => encodeRecordBatchSync({ records }) },
    ],
    opts,
  );
});
