// PartitionLog: the typed face of one native partition log (a
// <topic>-<partition> directory of Kafka-format segments). Policy lives here:
// argument validation, the flush policy (flush.messages, flush.ms), retention
// (retention.bytes, retention.ms); the addon does the mechanism.
//
// Threads: open() gives the one writable handle in the process; attach() gives
// read-only handles on any thread (worker threads included) to the same log.
// Views returned by read() are zero-copy Buffers over the segment's memory
// map; they stay valid (even after retention or truncation removes their
// segment) until garbage-collected. Treat them as read-only.
import { FlushTimes, type FlushStats } from './flush-times.js';
import { addon } from './addon.js';
import { StorageError } from './errors.js';
import { resolveLogConfig, msOrNever, type LogConfig } from './log-config.js';
import { decodeBatchHeaders, type BatchHeader } from './batch-header.js';
import {
  APPEND_RESULT_FIELDS,
  OFFSETS_FIELDS,
  READ_RESULT_FIELDS,
  SEGMENT_FIELDS,
  type NativeLogHandle,
} from './native-types.js';

/** Offsets are JS numbers: exact up to 2^53 - 1. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export interface OpenOptions {
  /** offset below which the log is known flushed (from recovery-point-offset-checkpoint); default 0: scan everything */
  recoveryPoint?: number;
  /** from log-start-offset-checkpoint; default 0 */
  logStartOffset?: number;
  /** milliseconds since the epoch; injectable for tests. Default Date.now */
  clock?: () => number;
}

export interface AppendOptions {
  /** leader append: assign offsets from the log end (default). false: follower append keeping the batches' offsets, which must not go backwards */
  assignOffsets?: boolean;
  /** written into every batch's partitionLeaderEpoch; default: left as received */
  leaderEpoch?: number;
  /** 'logAppend': stamp the batches with the append time (Kafka's message.timestamp.type=LogAppendTime) */
  timestampType?: 'create' | 'logAppend';
  /** refuse (InvalidRecords) any record without a key, as a compacted topic's leader does; default false */
  keyedOnly?: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** the append time for LogAppendTime, else -1 */
  logAppendTime: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  batches: number;
  bytes: number;
  records: number;
  /** a new segment was started for this append */
  rolled: boolean;
  /** the data was fsync'd before returning (durable mode, or the flush policy fired) */
  flushed: boolean;
}

export interface ReadOptions {
  /** exclusive upper offset (the high watermark): batches holding an offset >= it are not returned */
  maxOffset?: number;
}

export interface ReadResult {
  /** whole batches, back to back; one view per segment touched */
  views: Buffer[];
  /** base offset of the first batch returned (may be below the requested offset) */
  firstOffset: number;
  /** last offset returned + 1; the requested offset when nothing was returned */
  nextOffset: number;
  bytes: number;
}

export interface SegmentInfo {
  baseOffset: number;
  bytes: number;
  /** largest batch maxTimestamp in the segment, -1 when none */
  maxTimestamp: number;
  /** what retention.ms goes by: maxTimestamp, or the .log file's mtime when no batch has a timestamp */
  largestTimestamp: number;
}

export interface TimestampOffset {
  /** base offset of the first batch whose maxTimestamp >= the target (not below the log start) */
  offset: number;
  timestamp: number;
}

export interface RetentionResult {
  deletedSegments: number;
  logStartOffset: number;
}

export interface RecoveryReport {
  segmentsScanned: number;
  bytesTruncated: number;
  segmentsDeleted: number;
  indexesRebuilt: number;
}

function assertOffset(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StorageError(`${what} must be a non-negative safe integer, got ${String(value)}`, 'INVALID_OFFSET');
  }
}

function assertCount(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StorageError(`${what} must be a non-negative integer, got ${String(value)}`, 'INVALID_ARGUMENT');
  }
}

/** One cleaned file and the segments it replaces (PartitionLog.replaceSegmentGroups). */
export interface SegmentGroupSwap {
  readonly firstBase: number;
  /** the base of the segment after the group */
  readonly endOffset: number;
  readonly replaced: readonly { baseOffset: number; bytes: number }[];
  readonly cleanedPath: string;
}

export class PartitionLog {
  readonly dir: string;
  readonly config: Readonly<LogConfig>;
  /** attach() handles cannot append, flush, truncate or delete */
  readonly readOnly: boolean;
  readonly recovery: RecoveryReport;
  #native: NativeLogHandle | null;
  readonly #clock: () => number;
  readonly #appendOut = new Float64Array(APPEND_RESULT_FIELDS);
  readonly #readOut = new Float64Array(READ_RESULT_FIELDS);
  readonly #offsetsOut = new Float64Array(OFFSETS_FIELDS);
  readonly #timeOut = new Float64Array(2);
  #unflushedRecords = 0;
  readonly #flushTimes = new FlushTimes();
  #lastFlushMs: number;

  private constructor(dir: string, config: LogConfig, native: NativeLogHandle, readOnly: boolean, clock: () => number) {
    this.dir = dir;
    this.config = Object.freeze(config);
    this.#native = native;
    this.readOnly = readOnly;
    this.#clock = clock;
    this.#lastFlushMs = clock();
    this.recovery = native.recoveryReport();
  }

  /**
   * Opens the log in `dir` (created if missing) and recovers it: segments from
   * the one holding `recoveryPoint` on are checked batch by batch and the log is
   * cut at the first bad one. Throws ALREADY_OPEN if open in this process.
   */
  static open(dir: string, config: Partial<LogConfig> = {}, options: OpenOptions = {}): PartitionLog {
    if (typeof dir !== 'string' || dir.length === 0) throw new StorageError('dir must be a non-empty string', 'INVALID_ARGUMENT');
    const c = resolveLogConfig(config);
    const recoveryPoint = options.recoveryPoint ?? 0;
    const logStartOffset = options.logStartOffset ?? 0;
    assertOffset(recoveryPoint, 'recoveryPoint');
    assertOffset(logStartOffset, 'logStartOffset');
    const clock = options.clock ?? Date.now;
    const native = new addon.NativeLog('open', dir, c.segmentBytes, msOrNever(c.segmentMs), c.segmentIndexBytes,
      c.indexIntervalBytes, recoveryPoint, logStartOffset, clock());
    return new PartitionLog(dir, c, native, false, clock);
  }

  /** A read-only handle on the log open (by open()) in this process, usable from any thread. NOT_OPEN otherwise. */
  static attach(dir: string, config: Partial<LogConfig> = {}): PartitionLog {
    if (typeof dir !== 'string' || dir.length === 0) throw new StorageError('dir must be a non-empty string', 'INVALID_ARGUMENT');
    return new PartitionLog(dir, resolveLogConfig(config), new addon.NativeLog('attach', dir), true, Date.now);
  }

  get #log(): NativeLogHandle {
    if (!this.#native) throw new StorageError(`partition log ${this.dir} is closed`, 'CLOSED');
    return this.#native;
  }

  /**
   * Appends one or more complete v2 record batches, back to back in `batches`.
   * Validates each (magic, sizes, record count, CRC-32C), then patches offsets,
   * leader epoch and (LogAppendTime) timestamps in place in `batches` itself,
   * and writes the bytes without copying them. All or nothing: on any error
   * the log is unchanged.
   */
  append(batches: Uint8Array, options: AppendOptions = {}): AppendResult {
    if (!(batches instanceof Uint8Array)) throw new StorageError('batches must be a Uint8Array', 'INVALID_ARGUMENT');
    const { assignOffsets = true, leaderEpoch, timestampType = 'create', keyedOnly = false } = options;
    if (leaderEpoch !== undefined && (!Number.isInteger(leaderEpoch) || leaderEpoch < -1 || leaderEpoch > 0x7fffffff)) {
      throw new StorageError(`leaderEpoch must be an int32 >= -1, got ${leaderEpoch}`, 'INVALID_ARGUMENT');
    }
    if (timestampType !== 'create' && timestampType !== 'logAppend') {
      throw new StorageError(`timestampType must be 'create' or 'logAppend'`, 'INVALID_ARGUMENT');
    }
    const now = this.#clock();
    const out = this.#appendOut;
    this.#log.append(batches, out, assignOffsets, leaderEpoch ?? null, timestampType === 'logAppend', now, this.config.durable, keyedOnly);
    const records = out[7]!;
    let flushed = this.config.durable;
    if (!flushed) {
      this.#unflushedRecords += records;
      flushed = this.#maybeFlushAt(now);
    }
    return {
      baseOffset: out[0]!,
      lastOffset: out[1]!,
      logAppendTime: out[2]!,
      maxTimestamp: out[3]!,
      offsetOfMaxTimestamp: out[4]!,
      batches: out[5]!,
      bytes: out[6]!,
      records,
      rolled: out[8] === 1,
      flushed,
    };
  }

  /**
   * Whole batches from the one holding `offset`, at least one unless `offset`
   * is the log end (or >= maxOffset), then more while they fit in `maxBytes`.
   * OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset].
   */
  read(offset: number, maxBytes: number, options: ReadOptions = {}): ReadResult {
    assertOffset(offset, 'offset');
    assertCount(maxBytes, 'maxBytes');
    const maxOffset = options.maxOffset ?? MAX_OFFSET;
    assertOffset(maxOffset, 'maxOffset');
    const out = this.#readOut;
    const views = this.#log.read(offset, maxBytes, maxOffset, out);
    return { views, firstOffset: out[0]!, nextOffset: out[1]!, bytes: out[2]! };
  }

  /** The first batch whose maxTimestamp >= `timestampMs` (ListOffsets by time), or null. */
  offsetForTimestamp(timestampMs: number): TimestampOffset | null {
    if (!Number.isSafeInteger(timestampMs)) throw new StorageError('timestampMs must be a safe integer', 'INVALID_ARGUMENT');
    this.#log.offsetForTimestamp(timestampMs, this.#timeOut);
    const offset = this.#timeOut[0]!;
    return offset < 0 ? null : { offset, timestamp: this.#timeOut[1]! };
  }

  /** Headers of up to `maxBatches` batches from the one holding `fromOffset`, without their records. */
  scanBatches(fromOffset: number, maxBatches: number): BatchHeader[] {
    assertOffset(fromOffset, 'fromOffset');
    assertCount(maxBatches, 'maxBatches');
    return decodeBatchHeaders(this.#log.scanBatches(fromOffset, maxBatches));
  }

  segments(): SegmentInfo[] {
    const packed = this.#log.segments();
    const out: SegmentInfo[] = [];
    for (let i = 0; i < packed.length; i += SEGMENT_FIELDS) {
      out.push({ baseOffset: packed[i]!, bytes: packed[i + 1]!, maxTimestamp: packed[i + 2]!, largestTimestamp: packed[i + 3]! });
    }
    return out;
  }

  #offsets(): Float64Array {
    this.#log.offsets(this.#offsetsOut);
    return this.#offsetsOut;
  }

  /** Log start and log end offsets read together, in one native call. */
  startAndEndOffsets(): [logStartOffset: number, logEndOffset: number] {
    const o = this.#offsets();
    return [o[0]!, o[1]!];
  }

  /** First offset still in the log. */
  get logStartOffset(): number {
    return this.#offsets()[0]!;
  }

  /** Offset the next appended record gets (LEO). */
  get logEndOffset(): number {
    return this.#offsets()[1]!;
  }

  /** Everything below this offset has been fsync'd; persist it in recovery-point-offset-checkpoint. */
  get recoveryPoint(): number {
    return this.#offsets()[2]!;
  }

  /** How long this handle's fsyncs took (not those of durable appends, which sync inside the append). */
  flushStats(): FlushStats {
    return this.#flushTimes.stats();
  }

  /** fsync all appended data; the recovery point becomes the log end. */
  flush(): void {
    const w = this.#writable();
    this.#flushTimes.time(() => w.flush());
    this.#unflushedRecords = 0;
    this.#lastFlushMs = this.#clock();
  }

  /** Applies flush.ms from a timer (Kafka's log.flush.scheduler). Returns whether it flushed. */
  maybeFlush(nowMs: number = this.#clock()): boolean {
    this.#writable();
    return this.#maybeFlushAt(nowMs);
  }

  #maybeFlushAt(nowMs: number): boolean {
    if (this.#unflushedRecords === 0) return false;
    if (this.#unflushedRecords >= this.config.flushMessages || nowMs - this.#lastFlushMs >= this.config.flushMs) {
      const w = this.#writable();
      this.#flushTimes.time(() => w.flush());
      this.#unflushedRecords = 0;
      this.#lastFlushMs = nowMs;
      return true;
    }
    return false;
  }

  /**
   * Removes every batch holding an offset >= `offset` (a follower truncating
   * to its leader). Whole batches only, so the new log end may be below
   * `offset`. Below the log start, the log restarts empty at `offset`.
   * Returns the new log end offset.
   */
  truncateTo(offset: number): number {
    assertOffset(offset, 'offset');
    const end = this.#writable().truncateTo(offset);
    this.#unflushedRecords = 0;
    return end;
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (<= log end) and
   * deletes the segments wholly below it. Returns the new log start offset.
   */
  deleteRecordsBefore(offset: number): number {
    assertOffset(offset, 'offset');
    this.#writable().advanceLogStart(offset);
    return this.logStartOffset;
  }

  /**
   * Log compaction's swap: each cleaned file (whole v2 batches of offsets in
   * [firstBase, endOffset)) replaces the sealed segments it was made from,
   * named with the sizes the cleaner read. False for a group, and its file
   * removed, when those segments changed meanwhile (retention, truncation); a
   * file that is not a whole log is refused with a StorageError before any
   * group is swapped. Files indexed by indexCleanedSegment go in by renames
   * and two directory syncs for all the groups together. Crash-safe: see
   * native/src/segment_swap.cc.
   */
  replaceSegmentGroups(groups: readonly SegmentGroupSwap[]): boolean[] {
    const spec = new Float64Array(groups.reduce((n, g) => n + 3 + 2 * g.replaced.length, 0));
    let i = 0;
    for (const g of groups) {
      assertOffset(g.firstBase, 'firstBase');
      assertOffset(g.endOffset, 'endOffset');
      spec[i++] = g.firstBase;
      spec[i++] = g.endOffset;
      spec[i++] = g.replaced.length;
      for (const s of g.replaced) {
        spec[i++] = s.baseOffset;
        spec[i++] = s.bytes;
      }
    }
    return this.#writable().replaceSegmentGroups(spec, groups.map((g) => g.cleanedPath));
  }

  /** One group's swap (replaceSegmentGroups). */
  replaceSegments(firstBase: number, endOffset: number, replaced: readonly { baseOffset: number; bytes: number }[], cleanedPath: string): boolean {
    return this.replaceSegmentGroups([{ firstBase, endOffset, replaced, cleanedPath }])[0]!;
  }

  /**
   * Deletes the oldest non-active segments past retention.ms (by their newest
   * timestamp, or their file's mtime when they have none) and retention.bytes
   * (while the rest still exceeds it).
   */
  applyRetention(nowMs: number = this.#clock()): RetentionResult {
    const log = this.#writable();
    const segments = this.segments();
    const deletable = segments.length - 1; // never the active segment
    let count = 0;
    const { retentionMs, retentionBytes } = this.config;
    if (retentionMs >= 0) {
      while (count < deletable && nowMs - segments[count]!.largestTimestamp > retentionMs) count++;
    }
    if (retentionBytes >= 0) {
      let size = 0;
      for (let i = count; i < segments.length; i++) size += segments[i]!.bytes;
      while (count < deletable && size - segments[count]!.bytes >= retentionBytes) {
        size -= segments[count]!.bytes;
        count++;
      }
    }
    if (count === 0) return { deletedSegments: 0, logStartOffset: this.logStartOffset };
    const deletedSegments = log.advanceLogStart(segments[count]!.baseOffset);
    return { deletedSegments, logStartOffset: this.logStartOffset };
  }

  /**
   * The writer's close() flushes, trims the active segment's indexes and
   * closes the log for every handle in the process; an attached handle's
   * close() only releases that handle. Idempotent. Views stay valid.
   */
  close(): void {
    const native = this.#native;
    this.#native = null;
    native?.close();
  }

  get closed(): boolean {
    return this.#native === null;
  }

  /** Test hook: after `bytesBeforeFailure` more bytes, segment writes fail with `errno` ('none' clears). */
  injectWriteFault(errno: 'ENOSPC' | 'EFBIG' | 'EIO' | 'EDQUOT' | 'none', bytesBeforeFailure = 0): void {
    this.#writable().injectWriteFault(errno, bytesBeforeFailure);
  }

  #writable(): NativeLogHandle {
    const log = this.#log;
    if (this.readOnly) throw new StorageError('attached log handles are read-only', 'READ_ONLY');
    return log;
  }
}
