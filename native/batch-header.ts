// Batch headers from PartitionLog.scanBatches: what a broker needs on restart
// to rebuild idempotent-producer state and its leader-epoch cache, without
// reading records. Decoded from the packed Float64Array the addon returns.
import { BATCH_HEADER_FIELDS } from './native-types.js';

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;

export interface BatchHeader {
  baseOffset: number;
  lastOffset: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  attributes: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
  compression: number;
  isLogAppendTime: boolean;
  isTransactional: boolean;
  isControl: boolean;
  /** bytes on disk, including the 12-byte log overhead */
  sizeInBytes: number;
  crc: number;
}

export function decodeBatchHeaders(packed: Float64Array): BatchHeader[] {
  const out: BatchHeader[] = [];
  for (let i = 0; i + BATCH_HEADER_FIELDS <= packed.length; i += BATCH_HEADER_FIELDS) {
    const attributes = packed[i + 9]!;
    out.push({
      baseOffset: packed[i]!,
      lastOffset: packed[i + 1]!,
      producerId: packed[i + 2]!,
      producerEpoch: packed[i + 3]!,
      baseSequence: packed[i + 4]!,
      recordCount: packed[i + 5]!,
      baseTimestamp: packed[i + 6]!,
      maxTimestamp: packed[i + 7]!,
      partitionLeaderEpoch: packed[i + 8]!,
      attributes,
      compression: attributes & COMPRESSION_MASK,
      isLogAppendTime: (attributes & TIMESTAMP_TYPE_BIT) !== 0,
      isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
      isControl: (attributes & CONTROL_BIT) !== 0,
      sizeInBytes: packed[i + 10]!,
      crc: packed[i + 12]!,
    });
  }
  return out;
}
