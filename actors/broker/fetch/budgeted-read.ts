/**
 * The byte budget of one Fetch response (KIP-74, as Kafka's
 * ReplicaManager.readFromLog applies it): partitions are read in request
 * order; each gets at most min(partition_max_bytes, what the response has
 * left); the first partition that returns data returns at least its first
 * whole batch even when that is larger than both (so a consumer always gets
 * past a large batch); after it, no partition exceeds its share. Batches are
 * whole: a partition whose next batch does not fit returns none (Kafka
 * replaces such an incomplete first entry with an empty set too).
 */
import { isStorageError } from '../../../native/index.js';
import type { AttachedLogs } from './attached-logs.js';

export class FetchBudget {
  private left: number;
  private minOne = true;

  constructor(maxBytes: number) {
    this.left = Math.max(0, maxBytes);
  }

  /** What the next partition may return, given its own partition_max_bytes. */
  share(partitionMaxBytes: number): number {
    return Math.min(Math.max(0, partitionMaxBytes), this.left);
  }

  /** Whether the next partition returns its first batch whatever its size. */
  get minOneBatch(): boolean {
    return this.minOne;
  }

  spend(bytes: number): void {
    if (bytes <= 0) return;
    this.minOne = false;
    this.left = Math.max(0, this.left - bytes);
  }
}

export type LogRead = { records: Buffer[]; bytes: number } | { error: string };

const NOTHING: LogRead = { records: [], bytes: 0 };

/**
 * Batches from `offset` below `highWatermark`, at most `share` bytes (or the
 * first batch when `minOneBatch`). Never throws for a log that went away or
 * moved since its partition actor gave the bounds: a log closed answers
 * NOT_LEADER_OR_FOLLOWER (the caller tells a deleted topic apart), a log start
 * moved past `offset` OFFSET_OUT_OF_RANGE, any other storage failure
 * KAFKA_STORAGE_ERROR.
 */
export function readUnderBudget(logs: AttachedLogs, key: string, dir: string, offset: bigint, highWatermark: bigint, share: number, minOneBatch: boolean): LogRead {
  if (offset >= highWatermark || (share === 0 && !minOneBatch)) return NOTHING;
  // A handle can find its log closed once (reopened to reconfigure): attach again, once.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const log = logs.get(key, dir);
      const r = log.read(Number(offset), share, { maxOffset: Number(highWatermark) });
      // The native read always returns the first batch; past the first partition with data, one that does not fit is left out.
      if (!minOneBatch && r.bytes > share) return NOTHING;
      return { records: r.views, bytes: r.bytes };
    } catch (err) {
      if (!isStorageError(err)) throw err;
      if (err.code === 'CLOSED' && attempt === 0) {
        logs.drop(key);
        continue;
      }
      if (err.code === 'CLOSED' || err.code === 'NOT_OPEN') {
        logs.drop(key);
        return { error: 'NOT_LEADER_OR_FOLLOWER' };
      }
      if (err.code === 'OFFSET_OUT_OF_RANGE') return { error: 'OFFSET_OUT_OF_RANGE' };
      return { error: 'KAFKA_STORAGE_ERROR' };
    }
  }
  return { error: 'NOT_LEADER_OR_FOLLOWER' };
}
