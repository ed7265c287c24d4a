/**
 * One cleaning of one partition log, as Kafka's LogCleaner.doClean: build the
 * key -> latest offset map over the dirty section, then rewrite the sealed
 * segments from the log start up to the map's end in groups of at most
 * segment.bytes, keeping per key only its latest record (and tombstones until
 * delete.retention.ms has passed). Runs on a cleaner thread (piscina, sized
 * by log.cleaner.threads), reading segment files and writing
 * `<base>.log.cleaned` files and their indexes (`<base>.index.cleaned`,
 * `<base>.timeindex.cleaned`, built and fsync'd here); the partition actor
 * swaps them in by renames (PartitionLog.replaceSegments), so the log itself
 * is only touched by its owner, and briefly. Batches keep their base offset, last offset delta, producer id,
 * epoch, base sequence, base timestamp and leader epoch; retained records are
 * their original bytes.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { codecFor } from '../../../protocol/compression/codecs.js';
import {
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  ATTRIBUTES_OFFSET,
  LOG_OVERHEAD_BYTES,
  MAX_TIMESTAMP_OFFSET,
  RECORD_COUNT_OFFSET,
  RECORDS_OFFSET,
  type RecordBatchHeader,
} from '../../../protocol/records/batch-header.js';
import { crc32c } from '../../../protocol/records/crc32c.js';
import { indexCleanedSegment } from '../../../native/cleaned-segment.js';
import { setThreadNice } from '../../../native/thread-priority.js';
import { OffsetMap } from './offset-map.js';
import { recordSlices, type RecordSlice } from './record-slices.js';
import { segmentBatches } from './segment-batches.js';

export interface CleanSegment {
  readonly baseOffset: number;
  readonly bytes: number;
  /** the newest timestamp in it (time retention's and tombstone expiry's clock) */
  readonly largestTimestamp: number;
}

export interface CleanArgs {
  readonly dir: string;
  /** the segments from the log start up to (not including) the first uncleanable one, in order */
  readonly segments: readonly CleanSegment[];
  /** where the dirty section starts (the cleaner checkpoint), a batch boundary */
  readonly firstDirtyOffset: number;
  /** the base of the first segment not cleaned: the active one, or one holding offsets at or past the high watermark or newer than min.compaction.lag.ms */
  readonly firstUncleanableOffset: number;
  readonly segmentBytes: number;
  /** the cleaned segments' index preallocation and index.interval.bytes */
  readonly segmentIndexBytes: number;
  readonly indexIntervalBytes: number;
  /** tombstones in segments whose newest record is older than this are removed */
  readonly deleteHorizonMs: number;
  /** last offsets of each idempotent producer's newest batch: those batches are kept whole so the producer's sequence survives */
  readonly keepBatchesEndingAt: readonly number[];
  readonly dedupeBufferBytes: number;
  /** log.cleaner.io.max.bytes.per.second: bytes read plus written */
  readonly ioMaxBytesPerSecond: number;
  /** a limit on any one batch's decompressed records (message.decompressed.max.bytes) */
  readonly maxDecompressedBytes: number;
  /** log.cleaner.thread.nice: the cleaning thread's nice value; 0 or absent leaves it as it is */
  readonly threadNice?: number;
}

export interface CleanedGroup {
  readonly firstBase: number;
  /** the base of the segment after the group */
  readonly endOffset: number;
  readonly replaced: readonly { baseOffset: number; bytes: number }[];
  readonly cleanedPath: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface CleanOutcome {
  readonly groups: readonly CleanedGroup[];
  /** the new cleaner checkpoint: everything below it is clean */
  readonly cleanedUpTo: number;
  readonly keys: number;
  readonly recordsRead: number;
  readonly recordsRemoved: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly elapsedMs: number;
  /** time slept to keep to the I/O limit */
  readonly throttledMs: number;
  /** the nice value the cleaning thread ran at (null where threads have none) */
  readonly threadNice: number | null;
}

export function segmentPath(dir: string, baseOffset: number, suffix = '.log'): string {
  return join(dir, `${String(baseOffset).padStart(20, '0')}${suffix}`);
}

/** Sleeps, blocking this cleaner thread, while the bytes moved run ahead of the limit. */
class Throttle {
  readonly #started = Date.now();
  #bytes = 0;
  sleptMs = 0;
  constructor(readonly bytesPerSecond: number) {}
  moved(bytes: number): void {
    this.#bytes += bytes;
    if (!Number.isFinite(this.bytesPerSecond) || this.bytesPerSecond <= 0) return;
    const aheadMs = (this.#bytes / this.bytesPerSecond) * 1000 - (Date.now() - this.#started);
    if (aheadMs >= 10) {
      const ms = Math.min(aheadMs, 1000);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      this.sleptMs += ms;
    }
  }
}

export async function cleanLog(a: CleanArgs): Promise<CleanOutcome> {
  // On a machine with few cores the cleaner would take CPU from the threads
  // that answer produce and fetch; niced, it runs on what they leave.
  const threadNice = a.threadNice !== undefined && a.threadNice > 0 ? setThreadNice(a.threadNice) : process.platform === 'linux' ? getPriority() : null;
  const started = Date.now();
  const throttle = new Throttle(a.ioMaxBytesPerSecond);
  const stats = { recordsRead: 0, recordsRemoved: 0, bytesRead: 0, bytesWritten: 0 };
  const map = new OffsetMap(a.dedupeBufferBytes);
  const cleanedUpTo = buildMap(a, map, throttle, stats);
  const keep = new Set(a.keepBatchesEndingAt);
  const groups: CleanedGroup[] = [];
  const segments = a.segments.filter((s) => s.baseOffset < cleanedUpTo);
  for (const g of groupBySize(segments, a.segments, a.firstUncleanableOffset, a.segmentBytes)) {
    const cleaned = cleanGroup(a, g, map, keep, throttle, stats);
    if (cleaned !== null) groups.push(cleaned);
  }
  return { groups, cleanedUpTo, keys: map.size, ...stats, elapsedMs: Date.now() - started, throttledMs: Math.round(throttle.sleptMs), threadNice };
}

/** Fills the map from the dirty section; returns where it ends (whole segments, unless not even one fits). */
function buildMap(a: CleanArgs, map: OffsetMap, throttle: Throttle, stats: { bytesRead: number }): number {
  let end = a.firstDirtyOffset;
  const dirty = a.segments.filter((s, i) => (a.segments[i + 1]?.baseOffset ?? a.firstUncleanableOffset) > a.firstDirtyOffset);
  for (let i = 0; i < dirty.length; i++) {
    const s = dirty[i]!;
    const next = dirty[i + 1]?.baseOffset ?? a.firstUncleanableOffset;
    for (const batch of segmentBatches(segmentPath(a.dir, s.baseOffset), s.bytes)) {
      const last = Number(batch.lastOffset);
      stats.bytesRead += batch.sizeBytes;
      throttle.moved(batch.sizeBytes);
      if (last < a.firstDirtyOffset || batch.isControl) continue;
      for (const r of recordsOf(batch, a.maxDecompressedBytes).slices) {
        if (r.key === null) continue;
        if (!map.put(r.key, Number(batch.baseOffset) + r.offsetDelta)) {
          // Full: what was mapped so far is cleaned; a later pass goes on from here.
          return i > 0 ? s.baseOffset : Math.max(end, a.firstDirtyOffset);
        }
      }
      end = last + 1;
    }
    end = next;
  }
  return end;
}

function recordsOf(batch: RecordBatchHeader, maxDecompressedBytes: number): { section: Buffer; slices: RecordSlice[] } {
  const section = batch.compression === 0 ? batch.recordsBytes : codecFor(batch.compression).decompressSync(batch.recordsBytes, maxDecompressedBytes);
  return { section, slices: recordSlices(section, batch.recordCount) };
}

/**
 * Consecutive segments whose bytes together stay within segment.bytes (and
 * offsets within a 32-bit delta of the group's base, as the index needs):
 * Kafka's groupSegmentsBySize. Each group's end is the next segment's base.
 */
function groupBySize(segments: readonly CleanSegment[], all: readonly CleanSegment[], firstUncleanable: number, segmentBytes: number): Array<{ segments: CleanSegment[]; endOffset: number }> {
  const nextBase = (s: CleanSegment): number => {
    const i = all.indexOf(s);
    return all[i + 1]?.baseOffset ?? firstUncleanable;
  };
  const out: Array<{ segments: CleanSegment[]; endOffset: number }> = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]!];
    let bytes = segments[i]!.bytes;
    i++;
    while (i < segments.length && bytes + segments[i]!.bytes <= segmentBytes && nextBase(segments[i]!) - 1 - group[0]!.baseOffset <= 0x7fffffff) {
      bytes += segments[i]!.bytes;
      group.push(segments[i]!);
      i++;
    }
    out.push({ segments: group, endOffset: nextBase(group[group.length - 1]!) });
  }
  return out;
}

/** Writes one group's cleaned file; null (and no file) when it would change nothing. */
function cleanGroup(
  a: CleanArgs,
  g: { segments: CleanSegment[]; endOffset: number },
  map: OffsetMap,
  keep: ReadonlySet<number>,
  throttle: Throttle,
  stats: { recordsRead: number; recordsRemoved: number; bytesRead: number; bytesWritten: number },
): CleanedGroup | null {
  const firstBase = g.segments[0]!.baseOffset;
  const cleanedPath = segmentPath(a.dir, firstBase, '.log.cleaned');
  const fd = openSync(cleanedPath, 'w');
  let bytesIn = 0;
  let bytesOut = 0;
  let removedHere = 0;
  try {
    for (const s of g.segments) {
      const expireTombstones = s.largestTimestamp < a.deleteHorizonMs;
      for (const batch of segmentBatches(segmentPath(a.dir, s.baseOffset), s.bytes)) {
        bytesIn += batch.sizeBytes;
        const kept = cleanBatch(batch, map, keep, expireTombstones, a.maxDecompressedBytes, stats);
        removedHere += kept.removed;
        if (kept.bytes !== null) {
          writeAll(fd, kept.bytes);
          bytesOut += kept.bytes.length;
        }
        throttle.moved(batch.sizeBytes + (kept.bytes?.length ?? 0));
      }
    }
    // Not fsync'd here: indexCleanedSegment syncs it with its indexes, and a file that changes nothing is not kept.
  } catch (err) {
    closeSync(fd);
    rmSync(cleanedPath, { force: true });
    throw err;
  }
  closeSync(fd);
  stats.bytesRead += bytesIn;
  stats.bytesWritten += bytesOut;
  if (removedHere === 0 && g.segments.length === 1) {
    rmSync(cleanedPath, { force: true });
    return null;
  }
  try {
    indexCleanedSegment(a.dir, firstBase, g.endOffset, a.indexIntervalBytes, a.segmentIndexBytes);
  } catch (err) {
    rmSync(cleanedPath, { force: true });
    throw err;
  }
  return { firstBase, endOffset: g.endOffset, replaced: g.segments.map((s) => ({ baseOffset: s.baseOffset, bytes: s.bytes })), cleanedPath, bytesIn, bytesOut };
}

function writeAll(fd: number, bytes: Buffer): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Kafka's retention rule per record: a key's record stays when it is the
 * latest the map knows of (or its key is not in the map: its latest is in
 * the clean section); keyless records go; a tombstone goes once its segment
 * is past delete.retention.ms. The batch comes back unchanged when every
 * record stays, rebuilt from the retained records' bytes when some do, and
 * not at all when none does. Control batches and each producer's newest
 * batch stay whole.
 */
function cleanBatch(
  batch: RecordBatchHeader,
  map: OffsetMap,
  keep: ReadonlySet<number>,
  expireTombstones: boolean,
  maxDecompressedBytes: number,
  stats: { recordsRead: number; recordsRemoved: number },
): { bytes: Buffer | null; removed: number } {
  const count = batch.recordCount;
  stats.recordsRead += count;
  const whole = batch.bytes;
  if (batch.isControl || (batch.producerId >= 0n && keep.has(Number(batch.lastOffset)))) return { bytes: whole, removed: 0 };
  const base = Number(batch.baseOffset);
  const { section, slices } = recordsOf(batch, maxDecompressedBytes);
  const retained = slices.filter((r) => {
    if (r.key === null) return false;
    const latest = map.get(r.key);
    if (latest !== undefined && base + r.offsetDelta < latest) return false;
    return !(r.tombstone && expireTombstones);
  });
  const removed = count - retained.length;
  stats.recordsRemoved += removed;
  if (removed === 0) return { bytes: whole, removed };
  if (retained.length === 0) return { bytes: null, removed };
  const records = Buffer.concat(retained.map((r) => section.subarray(r.start, r.end)));
  const body = batch.compression === 0 ? records : codecFor(batch.compression).compressSync(records);
  const out = Buffer.concat([whole.subarray(0, RECORDS_OFFSET), body]);
  out.writeInt32BE(out.length - LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(retained.length, RECORD_COUNT_OFFSET);
  if (batch.timestampType === 0) {
    // CreateTime: the newest retained record's (LogAppendTime keeps the append time).
    const baseTimestamp = Number(batch.baseTimestamp);
    let max = -1;
    for (const r of retained) if (baseTimestamp + r.timestampDelta > max) max = baseTimestamp + r.timestampDelta;
    out.writeBigInt64BE(BigInt(max), MAX_TIMESTAMP_OFFSET);
  }
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_OFFSET, out.length), CRC_OFFSET);
  return { bytes: out, removed };
}
