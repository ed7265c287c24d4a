/**
 * What a produced record set becomes before it is stored, as Kafka's
 * LogValidator decides: message sets of magic 0/1 (Produce v0-v2) become one
 * magic 2 batch, and a topic whose compression.type names a codec gets its
 * batches recompressed to it. Both decode records, so both run only when
 * needed: a magic 2 batch on a `producer` topic passes untouched.
 */
import { batchCompression, isLegacyMagic, LegacyFormatError, ProtocolError, recompressBatch, upConvertMessageSet } from '../../protocol/index.js';
import type { LogPolicy } from '../config/index.js';
import { keylessRecordProblem } from './compressed-records-check.js';

export type StoredForm = { ok: true; records: Buffer } | { ok: false; error: string; message: string };

/** A legacy message set as its record batch; anything else unchanged. */
export function upConverted(records: Buffer, policy: LogPolicy): StoredForm {
  if (!isLegacyMagic(records)) return { ok: true, records };
  try {
    return { ok: true, records: upConvertMessageSet(records, policy.maxDecompressedBytes) };
  } catch (err) {
    if (err instanceof LegacyFormatError) return { ok: false, error: err.errorName, message: err.message };
    throw err;
  }
}

/** One checked batch in the topic's codec (the producer's when compression.type is producer). */
export function recompressed(batch: Buffer, policy: LogPolicy): StoredForm {
  if (policy.compression < 0 || batchCompression(batch) === policy.compression) return { ok: true, records: batch };
  if (policy.compacted && batchCompression(batch) === 0) {
    const problem = keylessRecordProblem(batch);
    if (problem !== null) return { ok: false, ...problem };
  }
  let out: Buffer;
  try {
    out = recompressBatch(batch, policy.compression, { maxDecompressedBytes: policy.maxDecompressedBytes });
  } catch (err) {
    if (err instanceof ProtocolError) return { ok: false, error: 'CORRUPT_MESSAGE', message: err.message };
    throw err;
  }
  if (out.length > policy.maxMessageBytes) {
    return { ok: false, error: 'MESSAGE_TOO_LARGE', message: `the batch recompressed to ${out.length} bytes, more than max.message.bytes ${policy.maxMessageBytes}` };
  }
  return { ok: true, records: out };
}
