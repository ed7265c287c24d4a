/**
 * Walks the batch headers of a produce request's records (a few fixed-offset
 * reads per batch, never per record) to check framing, magic, size and the
 * producer fields before the native append validates CRCs and writes.
 * Compressed batches are the exception: their payload is decompressed once,
 * up to a size limit, to check it holds its records (see
 * compressed-records-check.ts).
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
/** A limit on everything: batches in one partition's share of a request. */
export const MAX_BATCHES_PER_APPEND = 10_000;

export interface ScannedBatch extends BatchIdentity {
  readonly start: number;
  readonly size: number;
  readonly maxTimestamp: bigint;
}

export type ScanResult = { ok: true; batches: ScannedBatch[] } | { ok: false; error: string; message: string };

export interface ScanLimits {
  /** max.message.bytes: the largest batch. */
  readonly maxMessageBytes: number;
  /** message.decompressed.max.bytes: the largest decompressed payload of a compressed batch. */
  readonly maxDecompressedBytes: number;
}

export function scanBatches(buf: Buffer, { maxMessageBytes, maxDecompressedBytes }: ScanLimits): ScanResult {
  const batches: ScannedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < HEADER_BYTES) return bad('CORRUPT_MESSAGE', `truncated record batch header at byte ${pos}`);
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + 8);
    if (size < HEADER_BYTES || size > buf.length - pos) return bad('CORRUPT_MESSAGE', `record batch length ${size - LOG_OVERHEAD} at byte ${pos} does not fit the data`);
    const magic = buf.readInt8(pos + MAGIC_AT);
    if (magic !== 2) return bad('UNSUPPORTED_FOR_MESSAGE_FORMAT', `record batch magic ${magic}; only magic 2 is accepted`);
    if (size > maxMessageBytes) return bad('MESSAGE_TOO_LARGE', `The request included a message larger than the max message size the server will accept (${size} > ${maxMessageBytes})`);
    const attributes = buf.readInt16BE(pos + ATTRIBUTES_AT);
    if ((attributes & COMPRESSION_MASK) > COMPRESSION_ID_MAX) return bad('CORRUPT_MESSAGE', `record batch at byte ${pos} names unknown compression id ${attributes & COMPRESSION_MASK}`);
    if (attributes & CONTROL_BIT) return bad('INVALID_RECORD', 'control batches are not accepted from clients');
    if (attributes & TRANSACTIONAL_BIT) return bad('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'transactions are not served by this broker');
    if ((attributes & COMPRESSION_MASK) !== 0) {
      const problem = compressedRecordsProblem(buf, pos, size, attributes & COMPRESSION_MASK, maxDecompressedBytes);
      if (problem !== null) return bad(problem.error, problem.message);
    }
    batches.push({
      start: pos,
      size,
      producerId: buf.readBigInt64BE(pos + PRODUCER_ID_AT),
      producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_AT),
      baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_AT),
      lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_AT),
      maxTimestamp: buf.readBigInt64BE(pos + MAX_TIMESTAMP_AT),
    });
    if (batches.length > MAX_BATCHES_PER_APPEND) return bad('RECORD_LIST_TOO_LARGE', `more than ${MAX_BATCHES_PER_APPEND} batches for one partition`);
    pos += size;
  }
  if (batches.length === 0) return bad('CORRUPT_MESSAGE', 'no record batch');
  return { ok: true, batches };
}

function bad(error: string, message: string): ScanResult {
  return { ok: false, error, message };
}
