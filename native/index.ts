// The storage engine's public API: partition logs in Kafka's on-disk format,
// checkpoint files, CRC-32C and Kafka's murmur2 partitioner. See docs/storage.md.
export { StorageError, STORAGE_ERROR_CODES, isStorageError, type StorageErrorCode } from './errors.js';
export {
  crc32c,
  crc32cPortable,
  crc32cHardware,
  crc32cHardwareAvailable,
  murmur2,
  partitionFor,
  murmur2Batch,
  partitionForBatch,
  packKeys,
  murmur2Kernels,
  murmur2BatchWith,
  type PackedKeys,
  type Murmur2Kernel,
} from './hashing.js';
export { murmur2Js, partitionForJs } from './murmur2-js.js';
export { DirLock, DIR_LOCK_FILE } from './dir-lock.js';
export { setThreadNice } from './thread-priority.js';
export { FLUSH_BUCKETS_MS, type FlushStats } from './flush-times.js';
export { indexCleanedSegment } from './cleaned-segment.js';
export { recordsProblem, type RecordsProblem } from './records.js';
export { KAFKA_DEFAULT_LOG_CONFIG, resolveLogConfig, type LogConfig } from './log-config.js';
export {
  PartitionLog,
  MAX_OFFSET,
  type OpenOptions,
  type AppendOptions,
  type AppendResult,
  type ReadOptions,
  type ReadResult,
  type SegmentInfo,
  type TimestampOffset,
  type RetentionResult,
  type RecoveryReport,
  type SegmentGroupSwap,
} from './partition-log.js';
export type { BatchHeader } from './batch-header.js';
export {
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
  readLeaderEpochCheckpoint,
  writeLeaderEpochCheckpoint,
  checkpointPaths,
  partitionDirName,
  RECOVERY_POINT_CHECKPOINT,
  LOG_START_OFFSET_CHECKPOINT,
  LEADER_EPOCH_CHECKPOINT,
  type PartitionOffset,
  type EpochEntry,
} from './checkpoint.js';
