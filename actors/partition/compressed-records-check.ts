/**
 * A compressed batch's CRC covers its compressed bytes, so a batch whose
 * payload does not decompress (or decompresses into something that is not
 * `recordCount` records) still passes the CRC check, and once stored every
 * consumer of the partition would fail on it. Kafka's LogValidator
 * decompresses compressed batches on produce and refuses such a batch with
 * CORRUPT_MESSAGE; so does this. The decompressed records are then walked
 * by the same native walk the append runs over an uncompressed batch's
 * records (native/records.ts), so both kinds of batch are held to one set of
 * rules, and records that do not parse get INVALID_RECORD, as Kafka's
 * record iterator answers.
 *
 * Decompression is capped at `maxDecompressedBytes`
 * (message.decompressed.max.bytes): a payload of at most message.max.bytes
 * can decompress to gigabytes (a zstd or LZ4 bomb), and holding that would
 * take the broker down. The codecs refuse such a payload from what its
 * framing states, or stop decoding at the limit, and the batch is refused
 * with MESSAGE_TOO_LARGE (Kafka's answer to a batch too large to accept;
 * Java producers split and retry a batch of several records).
 *
 * The walk reads the varints only, no record is decoded; the cost is the
 * decompression itself, paid only for compressed batches, and on a worker
 * thread when partitions run on the pool.
 */
import { COMPRESSION_NAMES, DecompressedSizeError, decompressSync, type CompressionType } from '../../protocol/compression/index.js';
import { recordsProblem } from '../../native/index.js';

const RECORD_COUNT_AT = 57;
const RECORDS_AT = 61;

export interface CompressedRecordsProblem {
  readonly error: 'CORRUPT_MESSAGE' | 'MESSAGE_TOO_LARGE' | 'INVALID_RECORD';
  readonly message: string;
}

/** What is wrong with the compressed batch of `size` bytes at the start of `buf`, or null when its records are whole. */
export function compressedRecordsProblem(buf: Buffer, size: number, compression: number, maxDecompressedBytes: number, keyedOnly = false): CompressedRecordsProblem | null {
  const count = buf.readInt32BE(RECORD_COUNT_AT);
  const name = COMPRESSION_NAMES[compression as CompressionType];
  let data: Buffer;
  try {
    data = decompressSync(compression, buf.subarray(RECORDS_AT, size), maxDecompressedBytes);
  } catch (err) {
    if (err instanceof DecompressedSizeError) {
      const message = `record batch: its ${err.codec} payload decompresses to more than message.decompressed.max.bytes (${err.limit}): ${err.detail}`;
      return { error: 'MESSAGE_TOO_LARGE', message };
    }
    return corrupt(`record batch: its ${name} payload does not decompress (${(err as Error).message})`);
  }
  if (count < 0) return corrupt(`record batch: record count ${count}`);
  const problem = recordsProblem(data, count, keyedOnly);
  if (problem !== null) return { error: 'INVALID_RECORD', message: `record batch, decompressed ${name} payload: ${problem.message} (record ${problem.record} of ${count})` };
  return null;
}

/**
 * A keyless record in the uncompressed batch at the start of `buf`, for a
 * compacted topic: the append's walk checks this itself, but a batch stored
 * recompressed reaches the append compressed and is not walked there.
 */
export function keylessRecordProblem(buf: Buffer): CompressedRecordsProblem | null {
  const problem = recordsProblem(buf.subarray(RECORDS_AT), buf.readInt32BE(RECORD_COUNT_AT), true);
  return problem === null ? null : { error: 'INVALID_RECORD', message: `record batch: ${problem.message} (record ${problem.record})` };
}

function corrupt(message: string): CompressedRecordsProblem {
  return { error: 'CORRUPT_MESSAGE', message };
}
