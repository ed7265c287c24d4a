import test from 'ava';
import { batchCompression, decodeRecordBatchSync, encodeRecordBatchSync, recompressBatch } from '../../protocol/index.js';

const CODECS = [0, 1, 2, 3, 4];

test('recompressBatch: every codec to every codec keeps records and batch fields; only the codec (and CRC) change', (t) => {
  for (const from of CODECS) {
    const original = encodeRecordBatchSync({
      baseOffset: 0n,
      records: [0, 1, 2].map((i) => ({ key: i === 1 ? null : Buffer.from(`k${i}`), value: Buffer.from(`value ${i} ${'z'.repeat(50)}`), headers: [{ key: 'h', value: Buffer.from(String(i)) }], timestamp: 1_700_000_000_000n + BigInt(i * 10) })),
      compression: from,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
    });
    const before = decodeRecordBatchSync(original);
    for (const to of CODECS) {
      const out = recompressBatch(original, to);
      t.is(batchCompression(out), to);
      if (from === to) t.is(out, original, 'same codec: the batch itself');
      const after = decodeRecordBatchSync(out);
      const { crc: _a, attributes: _b, compression: _c, batchLength: _d, ...restBefore } = before;
      const { crc: _e, attributes: _f, compression: _g, batchLength: _h, ...restAfter } = after;
      t.deepEqual(restAfter, restBefore, `${from} -> ${to}`);
    }
  }
});
