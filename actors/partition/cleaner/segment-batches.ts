/**
 * The record batches of one segment file, read in chunks with positional
 * reads (a cleaner thread cannot use the broker's mappings, and a segment may
 * be a gigabyte). Each batch yielded is a copy the caller may keep.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD_BYTES, RECORDS_OFFSET, RecordBatchHeader } from '../../../protocol/records/batch-header.js';

const CHUNK_BYTES = 1 << 20;

export class SegmentReadError extends Error {
  override readonly name = 'SegmentReadError';
}

/** Yields every batch of the first `bytes` bytes of the file at `path` (the size the segment had when the cleaner was planned). */
export function* segmentBatches(path: string, bytes: number): Generator<RecordBatchHeader> {
  const fd = openSync(path, 'r');
  try {
    let chunk = Buffer.alloc(0);
    let chunkStart = 0; // file position of chunk[0]
    let chunkLength = 0;
    // Makes [pos, pos + need) readable in chunk, reading on from pos (a tail read twice costs less than the bookkeeping).
    const ensure = (pos: number, need: number): void => {
      if (pos >= chunkStart && pos + need <= chunkStart + chunkLength) return;
      const want = Math.min(Math.max(need, CHUNK_BYTES), bytes - pos);
      if (chunk.length < want) chunk = Buffer.alloc(want);
      chunkStart = pos;
      chunkLength = 0;
      while (chunkLength < want) {
        const n = readSync(fd, chunk, chunkLength, want - chunkLength, pos + chunkLength);
        if (n === 0) break;
        chunkLength += n;
      }
      if (chunkLength < need) throw new SegmentReadError(`${path}: ${bytes} bytes expected, the file ends at ${pos + chunkLength}`);
    };
    let pos = 0;
    while (pos < bytes) {
      if (bytes - pos < RECORDS_OFFSET) throw new SegmentReadError(`${path}: ${bytes - pos} bytes at ${pos} are less than a batch header`);
      ensure(pos, RECORDS_OFFSET);
      const batchLength = chunk.readInt32BE(pos - chunkStart + BATCH_LENGTH_OFFSET);
      const size = LOG_OVERHEAD_BYTES + batchLength;
      if (batchLength < RECORDS_OFFSET - LOG_OVERHEAD_BYTES || pos + size > bytes) throw new SegmentReadError(`${path}: a batch at byte ${pos} of length ${batchLength} does not fit the segment`);
      ensure(pos, size);
      const at = pos - chunkStart;
      yield new RecordBatchHeader(Buffer.from(chunk.subarray(at, at + size)));
      pos += size;
    }
  } finally {
    closeSync(fd);
  }
}
