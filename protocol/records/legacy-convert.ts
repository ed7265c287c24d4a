/**
 * Conversion between the legacy message formats and record batches, as
 * Kafka 3.x does it: a produced magic 0/1 message set is stored as one magic 2
 * batch (up-conversion on append, the producer's codec kept), and stored
 * batches are served to Fetch v0-v3 in the magic those versions read
 * (down-conversion: v0-v1 magic 0, v2-v3 magic 1; headers dropped, control
 * batches skipped, a compressed batch becomes one wrapper with its codec).
 */
import { CompressionType } from '../compression/codecs.js';
import { ATTRIBUTES_OFFSET, BATCH_HEADER_BYTES, COMPRESSION_MASK, CONTROL_BIT, CURRENT_MAGIC, LOG_OVERHEAD_BYTES, MAGIC_OFFSET } from './batch-header.js';
import { decodeLegacyMessageSet, encodeLegacyMessageSet, LegacyFormatError, type LegacyMagic, type LegacyOutRecord } from './legacy-format.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from './record-batch.js';

/** A produced magic 0/1 message set as one record batch (magic 2) holding the same records; throws LegacyFormatError. */
export function upConvertMessageSet(messageSet: Buffer, maxDecompressedBytes: number): Buffer {
  const set = decodeLegacyMessageSet(messageSet, maxDecompressedBytes);
  return encodeRecordBatchSync({
    records: set.records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp, headers: [] })),
    compression: set.compression,
    timestampType: set.timestampType,
  });
}

/** The message format a Fetch version reads. */
export function fetchMagic(fetchVersion: number): LegacyMagic | 2 {
  return fetchVersion <= 1 ? 0 : fetchVersion <= 3 ? 1 : 2;
}

export type DownConverted = { ok: true; bytes: Buffer; records: number } | { ok: false; error: 'UNSUPPORTED_COMPRESSION_TYPE' | 'CORRUPT_MESSAGE'; message: string };

/**
 * Stored batches (back to back, possibly ending in a partial batch, which is
 * left out) as a message set of `magic`. A zstd batch has no legacy form:
 * UNSUPPORTED_COMPRESSION_TYPE, as Kafka answers Fetch below v10.
 */
export function downConvertBatches(views: readonly Buffer[], magic: LegacyMagic): DownConverted {
  const parts: Buffer[] = [];
  let records = 0;
  for (const view of views) {
    let pos = 0;
    while (view.length - pos >= BATCH_HEADER_BYTES) {
      const size = LOG_OVERHEAD_BYTES + view.readInt32BE(pos + 8);
      if (size > view.length - pos) break;
      const batch = view.subarray(pos, pos + size);
      pos += size;
      if (batch[MAGIC_OFFSET] !== CURRENT_MAGIC) return { ok: false, error: 'CORRUPT_MESSAGE', message: `stored batch with magic ${batch[MAGIC_OFFSET]}` };
      const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
      if (attributes & CONTROL_BIT) continue;
      const compression = attributes & COMPRESSION_MASK;
      if (compression === CompressionType.Zstd) return { ok: false, error: 'UNSUPPORTED_COMPRESSION_TYPE', message: 'zstd batches cannot be served to Fetch below v10' };
      let decoded;
      try {
        decoded = decodeRecordBatchSync(batch, { verifyCrc: false });
      } catch (err) {
        return { ok: false, error: 'CORRUPT_MESSAGE', message: `stored batch does not decode: ${(err as Error).message}` };
      }
      const out: LegacyOutRecord[] = decoded.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, timestamp: decoded.timestampType === 1 ? decoded.maxTimestamp : r.timestamp }));
      records += out.length;
      try {
        parts.push(encodeLegacyMessageSet(out, magic, compression, decoded.timestampType));
      } catch (err) {
        if (err instanceof LegacyFormatError) return { ok: false, error: 'UNSUPPORTED_COMPRESSION_TYPE', message: err.message };
        throw err;
      }
    }
  }
  return { ok: true, bytes: Buffer.concat(parts), records };
}
