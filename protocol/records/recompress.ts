/**
 * A record batch rewritten with another codec, as Kafka's LogValidator does
 * when a topic's `compression.type` names one and the producer used another:
 * the same records (keys, values, headers, timestamps, offset deltas) and the
 * same batch fields (producer id, epoch, base sequence, timestamp type,
 * transactional bit), so idempotence and offsets are unaffected.
 */
import { ATTRIBUTES_OFFSET, COMPRESSION_MASK } from './batch-header.js';
import { decodeRecordBatchSync, encodeRecordBatchSync, type DecodeRecordBatchOptions } from './record-batch.js';

/** The batch's codec id, from its attributes. */
export function batchCompression(batch: Uint8Array): number {
  // The codec bits sit in the low byte of the big-endian int16 attributes.
  return batch[ATTRIBUTES_OFFSET + 1]! & COMPRESSION_MASK;
}

/** `batch` (one whole v2 batch) with its records compressed by `codec`; the batch itself when it already is. Throws ProtocolError when it does not decode. */
export function recompressBatch(batch: Buffer, codec: number, opts: DecodeRecordBatchOptions = {}): Buffer {
  if (batchCompression(batch) === codec) return batch;
  const d = decodeRecordBatchSync(batch, opts);
  if (d.isControl) return batch;
  return encodeRecordBatchSync({
    baseOffset: d.baseOffset,
    partitionLeaderEpoch: d.partitionLeaderEpoch,
    records: d.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: Number(r.offset - d.baseOffset) })),
    compression: codec,
    timestampType: d.timestampType,
    isTransactional: d.isTransactional,
    producerId: d.producerId,
    producerEpoch: d.producerEpoch,
    baseSequence: d.baseSequence,
    baseTimestamp: d.baseTimestamp,
    ...(d.timestampType === 1 ? { maxTimestamp: d.maxTimestamp } : {}),
  });
}
