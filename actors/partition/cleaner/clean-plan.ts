/**
 * What of a partition log may be cleaned now, and how dirty it is (Kafka's
 * LogCleanerManager.cleanableOffsets and its dirty ratio). Runs beside the
 * log's owner; the cleaning itself (clean-job.ts) runs on a cleaner thread.
 */
import type { PartitionLog } from '../../../native/index.js';
import type { CleanArgs, CleanSegment } from './clean-job.js';

export interface CleanerSettings {
  readonly dedupeBufferBytes: number;
  readonly ioMaxBytesPerSecond: number;
}

export interface CompactionPolicy {
  readonly segmentBytes: number;
  /** segment.index.bytes and index.interval.bytes: the cleaned segments' indexes are built as the log's own */
  readonly segmentIndexBytes: number;
  readonly indexIntervalBytes: number;
  readonly deleteRetentionMs: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly maxDecompressedBytes: number;
}

export interface CleanPlan {
  readonly args: CleanArgs;
  /** dirty bytes / cleanable bytes (0 when nothing is cleanable) */
  readonly dirtyRatio: number;
  readonly dirtyBytes: number;
  /** max.compaction.lag.ms has passed for the oldest dirty record: cleaned whatever the ratio */
  readonly overdue: boolean;
  /** worth a cleaning: something dirty below the uncleanable offset, and dirty enough or overdue */
  readonly due: boolean;
}

export interface PlanInput {
  readonly log: PartitionLog;
  /** the cleaner checkpoint; below the log start it means the log start */
  readonly firstDirtyOffset: number;
  /** records at or past it may yet be truncated (a follower's divergence) and are not cleaned */
  readonly highWatermark: number;
  readonly policy: CompactionPolicy;
  readonly settings: CleanerSettings;
  readonly keepBatchesEndingAt: readonly number[];
  readonly nowMs: number;
}

export function cleanPlan(p: PlanInput): CleanPlan {
  const all = p.log.segments();
  const logStart = p.log.logStartOffset;
  // A checkpoint outside the log (a topic deleted and made again, a log emptied) means the whole log is dirty, as in Kafka.
  const firstDirty = p.firstDirtyOffset < logStart || p.firstDirtyOffset > p.log.logEndOffset ? logStart : p.firstDirtyOffset;
  // The active segment is never cleaned, nor a segment holding offsets at or
  // past the high watermark or records newer than min.compaction.lag.ms.
  let uncleanable = all.length - 1;
  for (let i = 0; i < all.length - 1; i++) {
    const end = all[i + 1]!.baseOffset;
    if (end > p.highWatermark || p.nowMs - all[i]!.largestTimestamp < p.policy.minCompactionLagMs) {
      uncleanable = i;
      break;
    }
  }
  const firstUncleanableOffset = all[uncleanable]!.baseOffset;
  const segments: CleanSegment[] = [];
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let oldestDirtyMs = Infinity;
  for (let i = 0; i < uncleanable; i++) {
    const s = all[i]!;
    if (all[i + 1]!.baseOffset <= logStart) continue;
    segments.push({ baseOffset: s.baseOffset, bytes: s.bytes, largestTimestamp: s.largestTimestamp });
    if (all[i + 1]!.baseOffset > firstDirty) {
      dirtyBytes += s.bytes;
      // A segment's newest timestamp bounds its oldest from above: overdue is decided late, never early.
      oldestDirtyMs = Math.min(oldestDirtyMs, s.maxTimestamp >= 0 ? s.maxTimestamp : s.largestTimestamp);
    } else {
      cleanBytes += s.bytes;
    }
  }
  const total = cleanBytes + dirtyBytes;
  const dirtyRatio = total === 0 ? 0 : dirtyBytes / total;
  const overdue = dirtyBytes > 0 && p.nowMs - oldestDirtyMs > p.policy.maxCompactionLagMs;
  const args: CleanArgs = {
    dir: p.log.dir,
    segments,
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset,
    segmentBytes: p.policy.segmentBytes,
    segmentIndexBytes: Math.max(12, p.policy.segmentIndexBytes),
    indexIntervalBytes: p.policy.indexIntervalBytes,
    deleteHorizonMs: p.nowMs - p.policy.deleteRetentionMs,
    keepBatchesEndingAt: p.keepBatchesEndingAt,
    dedupeBufferBytes: p.settings.dedupeBufferBytes,
    ioMaxBytesPerSecond: p.settings.ioMaxBytesPerSecond,
    maxDecompressedBytes: p.policy.maxDecompressedBytes,
  };
  return { args, dirtyRatio, dirtyBytes, overdue, due: dirtyBytes > 0 && (overdue || dirtyRatio >= p.policy.minCleanableDirtyRatio) };
}
