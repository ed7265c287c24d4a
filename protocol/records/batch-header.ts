// A zero-copy view of a record batch (magic 2) header: every field read at its
// offset in the caller's buffer, nothing decoded up front. baseOffset and
// partitionLeaderEpoch lie before the CRC'd range, so the broker assigns them in
// place without recomputing the CRC.
import { crc32c } from './crc32c.js';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;
/** bytes before batchLength's count starts (baseOffset + batchLength) */
export const LOG_OVERHEAD_BYTES = 12;
export const BATCH_HEADER_BYTES = RECORDS_OFFSET;
export const CURRENT_MAGIC = 2;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_BIT = 0x08;
export const TRANSACTIONAL_BIT = 0x10;
export const CONTROL_BIT = 0x20;
export const DELETE_HORIZON_BIT = 0x40;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export class RecordBatchHeader {
  constructor(
    readonly buf: Buffer,
    /** where the batch starts in buf */
    readonly offset = 0,
  ) {}

  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(this.offset + BASE_OFFSET_OFFSET);
  }
  set baseOffset(v: bigint) {
    this.buf.writeBigInt64BE(v, this.offset + BASE_OFFSET_OFFSET);
  }
  /** bytes after the batchLength field */
  get batchLength(): number {
    return this.buf.readInt32BE(this.offset + BATCH_LENGTH_OFFSET);
  }
  /** bytes of the whole batch */
  get sizeBytes(): number {
    return LOG_OVERHEAD_BYTES + this.batchLength;
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.offset + PARTITION_LEADER_EPOCH_OFFSET);
  }
  set partitionLeaderEpoch(v: number) {
    this.buf.writeInt32BE(v, this.offset + PARTITION_LEADER_EPOCH_OFFSET);
  }
  get magic(): number {
    return this.buf.readInt8(this.offset + MAGIC_OFFSET);
  }
  get crc(): number {
    return this.buf.readUInt32BE(this.offset + CRC_OFFSET);
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.offset + ATTRIBUTES_OFFSET);
  }
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
  get compression(): number {
    return this.attributes & COMPRESSION_MASK;
  }
  /** 0 CreateTime, 1 LogAppendTime */
  get timestampType(): 0 | 1 {
    return this.attributes & TIMESTAMP_TYPE_BIT ? 1 : 0;
  }
  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_BIT) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & CONTROL_BIT) !== 0;
  }
  get hasDeleteHorizon(): boolean {
    return (this.attributes & DELETE_HORIZON_BIT) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.offset + LAST_OFFSET_DELTA_OFFSET);
  }
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  /** the first record's timestamp; the delete horizon when hasDeleteHorizon */
  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.offset + BASE_TIMESTAMP_OFFSET);
  }
  /** Kafka's name for baseTimestamp */
  get firstTimestamp(): bigint {
    return this.baseTimestamp;
  }
  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.offset + MAX_TIMESTAMP_OFFSET);
  }
  get producerId(): bigint {
    return this.buf.readBigInt64BE(this.offset + PRODUCER_ID_OFFSET);
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.offset + PRODUCER_EPOCH_OFFSET);
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.offset + BASE_SEQUENCE_OFFSET);
  }
  get recordCount(): number {
    return this.buf.readInt32BE(this.offset + RECORD_COUNT_OFFSET);
  }
  /** the whole batch, a view */
  get bytes(): Buffer {
    return this.buf.subarray(this.offset, this.offset + this.sizeBytes);
  }
  /** the records section (compressed when compression != 0), a view */
  get recordsBytes(): Buffer {
    return this.buf.subarray(this.offset + RECORDS_OFFSET, this.offset + this.sizeBytes);
  }

  computeCrc(): number {
    return crc32c(this.buf, this.offset + ATTRIBUTES_OFFSET, this.offset + this.sizeBytes);
  }

  /** What is wrong with this batch, or null: size, magic and CRC. */
  validate(): string | null {
    const end = this.buf.length - this.offset;
    if (end < BATCH_HEADER_BYTES) return `batch header truncated (${end} bytes)`;
    if (this.batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES) return `batch length ${this.batchLength} below the header size`;
    if (this.sizeBytes > end) return `batch of ${this.sizeBytes} bytes exceeds the ${end} available`;
    if (this.magic !== CURRENT_MAGIC) return `magic ${this.magic} is not 2`;
    if (this.recordCount < 0) return `negative record count ${this.recordCount}`;
    if (this.computeCrc() !== this.crc) return `CRC mismatch: stored ${this.crc}, computed ${this.computeCrc()}`;
    return null;
  }
}

/**
 * The batches in a records buffer, as views. A trailing partial batch (fetch
 * responses may end with one) is not returned.
 */
export function* recordBatches(records: Buffer): Generator<RecordBatchHeader> {
  let pos = 0;
  while (records.length - pos >= LOG_OVERHEAD_BYTES) {
    const size = LOG_OVERHEAD_BYTES + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (size < BATCH_HEADER_BYTES || size > records.length - pos) return;
    yield new RecordBatchHeader(records, pos);
    pos += size;
  }
}
