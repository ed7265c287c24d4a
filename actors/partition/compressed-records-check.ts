/**
 * A compressed batch's CRC covers its compressed bytes, so a batch whose
 * payload does not decompress (or decompresses into something that is not
 * `recordCount` records) still passes the CRC check, and once stored every
 * consumer of the partition would fail on it. Kafka's LogValidator
 * decompresses compressed batches on produce and refuses such a batch with
 * CORRUPT_MESSAGE; so does this. Uncompressed batches need none of it: the
 * CRC covers their records directly.
 *
 * The walk reads each record's length only (one varint), no record is
 * decoded; the cost is the decompression itself, paid only for compressed
 * batches, and on a worker thread when partitions run on the pool.
 */
import { COMPRESSION_NAMES, decompressSync, type CompressionType } from '../../protocol/compression/index.js';

const RECORD_COUNT_AT = 57;
const RECORDS_AT = 61;

/** What is wrong with the compressed batch at `start`, or null when its records are whole. */
export function compressedRecordsProblem(buf: Buffer, start: number, size: number, compression: number): string | null {
  const count = buf.readInt32BE(start + RECORD_COUNT_AT);
  const name = COMPRESSION_NAMES[compression as CompressionType];
  let data: Buffer;
  try {
    data = decompressSync(compression, buf.subarray(start + RECORDS_AT, start + size));
  } catch (err) {
    return `record batch at byte ${start}: its ${name} payload does not decompress (${(err as Error).message})`;
  }
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const length = readZigZagVarint(data, pos);
    if (length === null || length.value <= 0 || length.next + length.value > data.length) {
      return `record batch at byte ${start}: record ${i} of ${count} does not fit its decompressed ${name} payload`;
    }
    pos = length.next + length.value;
  }
  if (pos !== data.length) return `record batch at byte ${start}: ${data.length - pos} bytes follow its ${count} records`;
  return null;
}

function readZigZagVarint(b: Buffer, pos: number): { value: number; next: number } | null {
  let raw = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (pos >= b.length) return null;
    const byte = b[pos++]!;
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (raw >>> 1) ^ -(raw & 1), next: pos };
  }
  return null;
}
