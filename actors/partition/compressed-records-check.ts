/**
 * A compressed batch's CRC covers its compressed bytes, so a batch whose
 * payload does not decompress (or decompresses into something that is not
 * `recordCount` records) still passes the CRC check, and once stored every
 * consumer of the partition would fail on it. Kafka's LogValidator
 * decompresses compressed batches on produce and refuses such a batch with
 * CORRUPT_MESSAGE; so does this. Uncompressed batches need none of it: the
 * CRC covers their records directly.
 *
 * Decompression is capped at `maxDecompressedBytes`
 * (message.decompressed.max.bytes): a payload of at most message.max.bytes
 * can decompress to gigabytes (a zstd or LZ4 bomb), and holding that would
 * take the broker down. The codecs refuse such a payload from what its
 * framing states, or stop decoding at the limit, and the batch is refused
 * with MESSAGE_TOO_LARGE (Kafka's answer to a batch too large to accept;
 * Java producers split and retry a batch of several records).
 *
 * The walk reads each record's length only (one varint), no record is
 * decoded; the cost is the decompression itself, paid only for compressed
 * batches, and on a worker thread when partitions run on the pool.
 */
import { COMPRESSION_NAMES, DecompressedSizeError, decompressSync, type CompressionType } from '../../protocol/compression/index.js';
import { Reader } from '../../protocol/primitives/reader.js';

const RECORD_COUNT_AT = 57;
const RECORDS_AT = 61;

export interface CompressedRecordsProblem {
  readonly error: 'CORRUPT_MESSAGE' | 'MESSAGE_TOO_LARGE';
  readonly message: string;
}

/** What is wrong with the compressed batch at `start`, or null when its records are whole. */
export function compressedRecordsProblem(buf: Buffer, start: number, size: number, compression: number, maxDecompressedBytes: number): CompressedRecordsProblem | null {
  const count = buf.readInt32BE(start + RECORD_COUNT_AT);
  const name = COMPRESSION_NAMES[compression as CompressionType];
  let data: Buffer;
  try {
    data = decompressSync(compression, buf.subarray(start + RECORDS_AT, start + size), maxDecompressedBytes);
  } catch (err) {
    if (err instanceof DecompressedSizeError) {
      const message = `record batch at byte ${start}: its ${err.codec} payload decompresses to more than message.decompressed.max.bytes (${err.limit}): ${err.detail}`;
      return { error: 'MESSAGE_TOO_LARGE', message };
    }
    return corrupt(`record batch at byte ${start}: its ${name} payload does not decompress (${(err as Error).message})`);
  }
  const r = new Reader(data);
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    if (r.failed || length <= 0 || length > r.remaining) {
      return corrupt(`record batch at byte ${start}: record ${i} of ${count} does not fit its decompressed ${name} payload`);
    }
    r.skip(length);
  }
  if (r.remaining !== 0) return corrupt(`record batch at byte ${start}: ${r.remaining} bytes follow its ${count} records`);
  return null;
}

function corrupt(message: string): CompressedRecordsProblem {
  return { error: 'CORRUPT_MESSAGE', message };
}
