/**
 * ListOffsets by timestamp answers with a record, not a batch: the first
 * record whose timestamp is at or after the target (and for max timestamp,
 * the record that holds it). The native time index finds the batch; this
 * decodes that one batch (decompressing it if needed) to find the record.
 * Only ListOffsets pays for it, never produce or fetch.
 */
import type { PartitionLog } from '../../native/index.js';
import { decodeRecordBatchSync, recordBatches } from '../../protocol/records/index.js';

const LOG_APPEND_TIME = 1;

export interface TimestampHit {
  readonly offset: bigint;
  readonly timestamp: bigint;
}

/** Every record of the batch starting at `batchOffset`, with the timestamps consumers see. */
function* recordsOfBatch(log: PartitionLog, batchOffset: number, endOffset: number): Generator<TimestampHit> {
  const { views } = log.read(batchOffset, 1, { maxOffset: endOffset });
  const first = views[0];
  if (first === undefined) return;
  for (const header of recordBatches(first)) {
    const batch = decodeRecordBatchSync(header, { verifyCrc: false });
    // In a LogAppendTime batch every record's timestamp is the batch's max timestamp.
    const appendTime = batch.timestampType === LOG_APPEND_TIME;
    for (const r of batch.records) yield { offset: r.offset, timestamp: appendTime ? batch.maxTimestamp : r.timestamp };
    return;
  }
}

/** The first record at or after `target` in the batch the time index found (whose max timestamp reaches it). */
export function firstRecordAtOrAfter(log: PartitionLog, batchOffset: number, target: bigint, endOffset: number): TimestampHit | null {
  for (const r of recordsOfBatch(log, batchOffset, endOffset)) if (r.timestamp >= target) return r;
  return null;
}

/** The first record of the batch carrying `maxTimestamp`. */
export function recordWithTimestamp(log: PartitionLog, batchOffset: number, maxTimestamp: bigint, endOffset: number): TimestampHit | null {
  for (const r of recordsOfBatch(log, batchOffset, endOffset)) if (r.timestamp === maxTimestamp) return r;
  return null;
}

/**
 * The first record at or after `target`, walking batches from `batchOffset` to the end: for
 * targets past 2^53-1, where the native time index (doubles) cannot tell timestamps apart and
 * only the batches' own int64 timestamps can.
 */
export function firstRecordAtOrAfterScanning(log: PartitionLog, batchOffset: number, target: bigint, endOffset: number): TimestampHit | null {
  let from = batchOffset;
  while (from < endOffset) {
    let last = -1n;
    for (const r of recordsOfBatch(log, from, endOffset)) {
      if (r.timestamp >= target) return r;
      last = r.offset;
    }
    // An empty batch (all records compacted away) ends the walk: nothing to step past.
    if (last < 0n) return null;
    // Always forward, even past a batch whose last records were removed (its offsets still count).
    from = Math.max(from + 1, Number(last) + 1);
  }
  return null;
}
