/**
 * Checks the one record batch of a produce request's partition before
 * anything is appended: framing, magic, size, attributes and (for compressed
 * batches, whose CRC covers only their compressed bytes) the records inside,
 * decompressed once up to a size limit (compressed-records-check.ts). The
 * native append then checks the CRC and walks an uncompressed batch's
 * records, still before writing a byte.
 *
 * One batch per partition, as Kafka's LogValidator: a produce of several
 * would be validated and appended batch by batch, so a bad later batch would
 * leave the earlier ones stored while the client, told of an error, retries
 * them all.
 */
import { compressedRecordsProblem } from './compressed-records-check.js';
import type { BatchIdentity } from './producer-state.js';

const LOG_OVERHEAD = 12;
const HEADER_BYTES = 61;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
const COMPRESSION_MASK = 0x07;
/** none, gzip, snappy, lz4, zstd: ids 5-7 name no codec, and no consumer could read such a batch. */
const COMPRESSION_ID_MAX = 4;

export interface ScannedBatch extends BatchIdentity {
  readonly size: number;
  readonly maxTimestamp: bigint;
}

export type ScanResult = { ok: true; batch: ScannedBatch } | { ok: false; error: string; message: string };

export interface ScanLimits {
  /** max.message.bytes: the largest batch. */
  readonly maxMessageBytes: number;
  /** message.decompressed.max.bytes: the largest decompressed payload of a compressed batch. */
  readonly maxDecompressedBytes: number;
  /** A compacted topic: a record without a key is refused. */
  readonly compacted: boolean;
}

export function scanBatch(buf: Buffer, { maxMessageBytes, maxDecompressedBytes, compacted }: ScanLimits): ScanResult {
  if (buf.length < HEADER_BYTES) return bad('CORRUPT_MESSAGE', 'truncated record batch header');
  const size = LOG_OVERHEAD + buf.readInt32BE(8);
  if (size < HEADER_BYTES || size > buf.length) return bad('CORRUPT_MESSAGE', `record batch length ${size - LOG_OVERHEAD} does not fit the data`);
  if (size < buf.length) {
    if (buf.length - size < HEADER_BYTES) return bad('CORRUPT_MESSAGE', `truncated record batch header at byte ${size}`);
    return bad('INVALID_RECORD', 'more than one record batch for the partition: a produce carries one batch per partition');
  }
  const magic = buf.readInt8(MAGIC_AT);
  if (magic !== 2) return bad('UNSUPPORTED_FOR_MESSAGE_FORMAT', `record batch magic ${magic}; only magic 2 is accepted`);
  if (size > maxMessageBytes) return bad('MESSAGE_TOO_LARGE', `The request included a message larger than the max message size the server will accept (${size} > ${maxMessageBytes})`);
  const attributes = buf.readInt16BE(ATTRIBUTES_AT);
  if ((attributes & COMPRESSION_MASK) > COMPRESSION_ID_MAX) return bad('CORRUPT_MESSAGE', `record batch names unknown compression id ${attributes & COMPRESSION_MASK}`);
  if (attributes & CONTROL_BIT) return bad('INVALID_RECORD', 'control batches are not accepted from clients');
  if (attributes & TRANSACTIONAL_BIT) return bad('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'transactions are not served by this broker');
  if ((attributes & COMPRESSION_MASK) !== 0) {
    const problem = compressedRecordsProblem(buf, size, attributes & COMPRESSION_MASK, maxDecompressedBytes, compacted);
    if (problem !== null) return bad(problem.error, problem.message);
  }
  return {
    ok: true,
    batch: {
      size,
      producerId: buf.readBigInt64BE(PRODUCER_ID_AT),
      producerEpoch: buf.readInt16BE(PRODUCER_EPOCH_AT),
      baseSequence: buf.readInt32BE(BASE_SEQUENCE_AT),
      lastOffsetDelta: buf.readInt32BE(LAST_OFFSET_DELTA_AT),
      maxTimestamp: buf.readBigInt64BE(MAX_TIMESTAMP_AT),
    },
  };
}

function bad(error: string, message: string): ScanResult {
  return { ok: false, error, message };
}
