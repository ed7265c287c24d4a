// Per-log configuration: Kafka's topic-level names in camelCase, with Kafka's
// defaults. Validated here (policy); the native log only receives the
// segment-shape values it needs for rolling and indexing.
import { StorageError } from './errors.js';

export interface LogConfig {
  /** segment.bytes: roll when the active segment would pass this (1 GiB) */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's time span passes this (7 days) */
  segmentMs: number;
  /** segment.index.bytes: preallocated size of each index file (10 MiB) */
  segmentIndexBytes: number;
  /** index.interval.bytes: bytes between offset index entries (4096) */
  indexIntervalBytes: number;
  /** flush.messages: fsync after this many records (Infinity: leave it to the OS) */
  flushMessages: number;
  /** flush.ms: fsync when the last flush is older than this at append or maybeFlush() (Infinity) */
  flushMs: number;
  /** fsync every append before it returns (no Kafka equivalent; acks after fsync) */
  durable: boolean;
  /** retention.bytes: delete oldest segments while the log exceeds this (any negative: no limit, as in Kafka) */
  retentionBytes: number;
  /** retention.ms: delete segments whose newest timestamp is older than this (7 days; -1: forever) */
  retentionMs: number;
}

export const KAFKA_DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  flushMessages: Infinity,
  flushMs: Infinity,
  durable: false,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
});

const INT32_MAX = 0x7fffffff;
/**
 * Kafka's minimum segment.bytes (LogConfig: atLeast(LegacyRecord.RECORD_OVERHEAD_V0)).
 * A segment smaller than a batch still works: the log rolls only a non-empty
 * segment, so a batch larger than segment.bytes goes into a segment of its own.
 */
const SEGMENT_BYTES_MIN = 14;
/** An index file must hold at least one entry of either kind. */
const SEGMENT_INDEX_BYTES_MIN = 12;
/** Native code takes int64 milliseconds; larger values mean "never". */
const NEVER_MS = Number.MAX_SAFE_INTEGER;

function check(ok: boolean, message: string): void {
  if (!ok) throw new StorageError(message, 'INVALID_CONFIG');
}

function isCount(v: number): boolean {
  return v === Infinity || (Number.isSafeInteger(v) && v >= 1);
}

/** Kafka defaults overlaid with `overrides`, validated. */
export function resolveLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const c: LogConfig = { ...KAFKA_DEFAULT_LOG_CONFIG, ...overrides };
  check(Number.isInteger(c.segmentBytes) && c.segmentBytes >= SEGMENT_BYTES_MIN && c.segmentBytes <= INT32_MAX,
    `segmentBytes must be an integer in [${SEGMENT_BYTES_MIN}, ${INT32_MAX}]`);
  check(isCount(c.segmentMs), 'segmentMs must be a positive integer or Infinity');
  check(Number.isInteger(c.segmentIndexBytes) && c.segmentIndexBytes >= SEGMENT_INDEX_BYTES_MIN && c.segmentIndexBytes <= INT32_MAX,
    `segmentIndexBytes must be an integer in [${SEGMENT_INDEX_BYTES_MIN}, ${INT32_MAX}]`);
  check(Number.isInteger(c.indexIntervalBytes) && c.indexIntervalBytes >= 0 && c.indexIntervalBytes <= INT32_MAX,
    'indexIntervalBytes must be a non-negative int32');
  check(isCount(c.flushMessages), 'flushMessages must be a positive integer or Infinity');
  check(c.flushMs === Infinity || (Number.isSafeInteger(c.flushMs) && c.flushMs >= 0), 'flushMs must be >= 0 or Infinity');
  check(typeof c.durable === 'boolean', 'durable must be a boolean');
  check(Number.isSafeInteger(c.retentionBytes), 'retentionBytes must be an integer (negative: no limit)');
  check(c.retentionMs === -1 || (Number.isSafeInteger(c.retentionMs) && c.retentionMs >= 0), 'retentionMs must be -1 or >= 0');
  return c;
}

export function msOrNever(ms: number): number {
  return ms === Infinity ? NEVER_MS : ms;
}
