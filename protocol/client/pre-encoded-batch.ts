// A record batch built once and sent many times. The records section (compressed
// when asked) is encoded once and shared by every send; each send gets its own
// 61-byte header with fresh timestamps, whose CRC is combined with the section's
// stored CRC. So a send costs a 61-byte copy and a 40-byte CRC whatever the batch
// size, and the record bytes go to the socket by reference.
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_BYTES,
  CRC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  crc32c,
  encodeRecordBatchSync,
} from '../index.js';
import { crc32cCombine, crcShiftOperator } from './crc32c-combine.js';

export interface PreEncodedBatchOptions {
  /** records in the batch, each with the same value and a null key */
  recordCount: number;
  value: Buffer;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
  compression?: number;
}

export class PreEncodedBatch {
  readonly recordCount: number;
  /** bytes of the whole batch on the wire */
  readonly sizeBytes: number;
  /** bytes of record values (what MB/s counts, as Kafka's perf tools do) */
  readonly payloadBytes: number;
  /** the records section, shared by every send: never written to */
  readonly section: Buffer;
  private readonly template: Buffer;
  private readonly sectionCrc: number;
  private readonly shiftOp: number;

  constructor(opts: PreEncodedBatchOptions) {
    if (!Number.isInteger(opts.recordCount) || opts.recordCount < 1) throw new RangeError(`recordCount must be a positive integer, got ${opts.recordCount}`);
    const records = new Array(opts.recordCount);
    for (let i = 0; i < opts.recordCount; i++) records[i] = { key: null, value: opts.value };
    const whole = encodeRecordBatchSync({ records, compression: opts.compression ?? 0, baseTimestamp: 0n });
    this.recordCount = opts.recordCount;
    this.sizeBytes = whole.length;
    this.payloadBytes = opts.recordCount * opts.value.length;
    this.template = Buffer.from(whole.subarray(0, BATCH_HEADER_BYTES));
    this.section = whole.subarray(BATCH_HEADER_BYTES);
    this.sectionCrc = crc32c(this.section);
    this.shiftOp = crcShiftOperator(this.section.length);
  }

  /**
   * A header for one send, every record timestamped `timestampMs` (CreateTime).
   * Send it followed by `section`. A fresh buffer each call: the previous one may
   * still be queued on a socket.
   */
  header(timestampMs: number): Buffer {
    const h = Buffer.allocUnsafe(BATCH_HEADER_BYTES);
    this.template.copy(h);
    const ts = BigInt(timestampMs);
    h.writeBigInt64BE(ts, BASE_TIMESTAMP_OFFSET);
    h.writeBigInt64BE(ts, MAX_TIMESTAMP_OFFSET);
    const headCrc = crc32c(h, ATTRIBUTES_OFFSET, BATCH_HEADER_BYTES);
    h.writeUInt32BE(crc32cCombine(headCrc, this.sectionCrc, this.shiftOp), CRC_OFFSET);
    return h;
  }

  /** The whole batch as one buffer (copies; for tests and one-off sends). */
  toBuffer(timestampMs: number): Buffer {
    return Buffer.concat([this.header(timestampMs), this.section]);
  }
}

/** Kafka's perf payload: random upper-case letters, so compression has something real to do. */
export function perfPayload(bytes: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = 65 + ((x >>> 0) % 26);
  }
  return b;
}

/** Records of `recordBytes` that fit a batch of about `batchBytes` (at least one). */
export function recordsPerBatch(recordBytes: number, batchBytes: number): number {
  // A null-key record costs its value plus ~7-9 bytes of varints and attributes.
  const perRecord = recordBytes + 6 + varintBytes(recordBytes) + 2;
  return Math.max(1, Math.floor((batchBytes - BATCH_HEADER_BYTES) / perRecord));
}

function varintBytes(n: number): number {
  let z = n * 2;
  let k = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    k++;
  }
  return k;
}
