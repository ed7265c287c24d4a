// The limit server's stored data: one contiguous buffer of record batches with
// consecutive offsets, built at start. Every topic and partition reads the same
// log, and a fetch is answered with one view of it, as a broker serving mmap'd
// segment bytes would.
import { BASE_OFFSET_OFFSET } from '../../protocol/index.js';
import { PreEncodedBatch, perfPayload } from '../../protocol/client/pre-encoded-batch.js';

export interface FetchLogOptions {
  /** records in the log (rounded up to whole batches) */
  records: number;
  recordBytes: number;
  batchRecords: number;
}

export class FetchLog {
  readonly bytes: Buffer;
  readonly batchRecords: number;
  readonly batchBytes: number;
  readonly batchCount: number;
  /** offset after the last record */
  readonly endOffset: number;

  constructor(opts: FetchLogOptions) {
    const batch = new PreEncodedBatch({ recordCount: opts.batchRecords, value: perfPayload(opts.recordBytes) });
    const one = batch.toBuffer(Date.now());
    this.batchRecords = opts.batchRecords;
    this.batchBytes = one.length;
    this.batchCount = Math.max(0, Math.ceil(opts.records / opts.batchRecords));
    this.endOffset = this.batchCount * opts.batchRecords;
    this.bytes = Buffer.allocUnsafe(this.batchCount * one.length);
    for (let i = 0; i < this.batchCount; i++) {
      const at = i * one.length;
      one.copy(this.bytes, at);
      // baseOffset lies outside the CRC'd range: patching it keeps the batch valid.
      this.bytes.writeBigInt64BE(BigInt(i * opts.batchRecords), at + BASE_OFFSET_OFFSET);
    }
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one
   * batch, as Kafka returns an oversized first batch whole). Empty at the end.
   */
  read(offset: number, maxBytes: number): Buffer {
    const first = Math.floor(offset / this.batchRecords);
    if (offset < 0 || first >= this.batchCount) return this.bytes.subarray(0, 0);
    const n = Math.min(this.batchCount - first, Math.max(1, Math.floor(maxBytes / this.batchBytes)));
    return this.bytes.subarray(first * this.batchBytes, (first + n) * this.batchBytes);
  }
}
