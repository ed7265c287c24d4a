/**
 * Frames no well-behaved client sends. Each generator returns the bytes to
 * write (size prefixes included, possibly lying) and whether the stream is
 * still frame-aligned afterwards (a short frame leaves the broker waiting for
 * the rest, so nothing after it can be interpreted).
 */
import { crc32c } from '../../../protocol/index.js';
import type { Random } from '../harness/random.js';
import { recordBatch, validFrame, type ServedRange } from './templates.js';

export interface Hostile {
  readonly kind: string;
  readonly bytes: Buffer;
  readonly aligned: boolean;
}

const HEADER_FIXED_BYTES = 8; // api key, version, correlation id
const BATCH_HEADER_BYTES = 61;
const LAST_OFFSET_DELTA_AT = 23;
const RECORD_COUNT_AT = 57;
const INT32_MAX = 0x7fffffff;

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

function header(apiKey: number, version: number, correlationId: number): Buffer {
  const h = Buffer.alloc(10);
  h.writeInt16BE(apiKey, 0);
  h.writeInt16BE(version, 2);
  h.writeInt32BE(correlationId, 4);
  h.writeInt16BE(-1, 8); // null client id
  return h;
}

/** The 4-byte size prefix set to what the payload now is. */
function refit(bytes: Buffer): Buffer {
  bytes.writeInt32BE(bytes.length - 4, 0);
  return bytes;
}

function mutate(rnd: Random, valid: Buffer): Buffer {
  const b = Buffer.from(valid);
  const bodyStart = 4 + HEADER_FIXED_BYTES;
  if (b.length <= bodyStart) return b;
  const at = () => rnd.int(bodyStart, b.length - 1);
  switch (rnd.int(0, 6)) {
    case 0: // bit flips
      for (let i = rnd.int(1, 8); i > 0; i--) {
        const p = at();
        b[p] = b[p]! ^ (1 << rnd.int(0, 7));
      }
      return b;
    case 1: // interesting bytes
      for (let i = rnd.int(1, 4); i > 0; i--) b[at()] = rnd.pick([0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe]);
      return b;
    case 2: // truncated, size prefix telling the truth
      return refit(b.subarray(0, rnd.int(4, b.length - 1)));
    case 3: {
      // an int32 that many fields are (counts, lengths) set to a huge or negative value
      const p = rnd.int(bodyStart, Math.max(bodyStart, b.length - 4));
      if (p + 4 <= b.length) b.writeInt32BE(rnd.pick([INT32_MAX, -1, -2, 0x40000000, 0x00ffffff]), p);
      return b;
    }
    case 4: {
      // an unsigned varint (compact counts, tagged fields) of the maximal length
      const p = at();
      const varint = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
      return refit(Buffer.concat([b.subarray(0, p), varint, b.subarray(p)]));
    }
    case 5: // random bytes inserted
      return refit(Buffer.concat([b.subarray(0, at()), rnd.bytes(rnd.int(1, 32)), b.subarray(at())]));
    default: // random bytes appended (trailing garbage after a valid body)
      return refit(Buffer.concat([b, rnd.bytes(rnd.int(1, 64))]));
  }
}

/** A Produce frame with one record batch broken in one of the ways a batch can be. */
export function badBatchProduce(rnd: Random, produce: ServedRange, correlationId: number, how?: BatchDamage): { bytes: Buffer; damage: BatchDamage } {
  const damage = how ?? rnd.pick(BATCH_DAMAGE);
  let batch = recordBatch(rnd, rnd.int(1, 10));
  const fixCrc = () => batch.writeUInt32BE(crc32c(batch, 21, batch.length) >>> 0, 17);
  switch (damage) {
    case 'crc':
      batch.writeUInt32BE((batch.readUInt32BE(17) ^ 0x1) >>> 0, 17);
      break;
    case 'magic':
      batch.writeInt8(rnd.pick([0, 1, 3, 127, -1]), 16);
      break;
    case 'truncated':
      batch = batch.subarray(0, rnd.int(1, batch.length - 1));
      break;
    case 'length-lies':
      batch.writeInt32BE(batch.readInt32BE(8) + rnd.int(1, 1 << 20), 8);
      break;
    case 'record-count':
      batch.writeInt32BE(rnd.pick([INT32_MAX, -1, 0, 1 << 24]), 57);
      fixCrc();
      break;
    case 'unknown-codec':
      // Compression ids 5-7 name no codec; CRC made valid so only the attributes are wrong.
      batch.writeInt16BE(rnd.int(5, 7), 21);
      fixCrc();
      break;
    case 'garbage-compressed':
      // A gzip/snappy/lz4/zstd batch whose payload does not decompress, CRC made valid.
      batch = Buffer.concat([batch.subarray(0, 61), rnd.bytes(rnd.int(0, 100))]);
      batch.writeInt32BE(batch.length - 12, 8);
      batch.writeInt16BE(rnd.int(1, 4), 21);
      fixCrc();
      break;
    default:
      batch = damageRecords(rnd, batch, damage);
  }
  return { bytes: produceFrame(batch, rnd.int(produce.min, produce.max), correlationId), damage };
}

/** A Produce frame (acks=-1, partition 0 of the fuzz topic) carrying exactly these record bytes. */
export function produceFrame(records: Buffer, version: number, correlationId: number): Buffer {
  return frame(Buffer.concat([header(0, version, correlationId), ...(version >= 9 ? [Buffer.from([0])] : []), produceBody(records, version)]));
}

/** Several valid batches for one partition in one Produce (Kafka refuses it whole: INVALID_RECORD). */
export function multiBatchProduce(rnd: Random, version: number, correlationId: number): Buffer {
  return produceFrame(Buffer.concat(Array.from({ length: rnd.int(2, 4) }, () => recordBatch(rnd))), version, correlationId);
}

/**
 * Damage inside the records of an uncompressed batch, with the header's length
 * and CRC made right again: only a walk over the records can tell.
 */
function damageRecords(rnd: Random, valid: Buffer, damage: BatchDamage): Buffer {
  let batch = Buffer.from(valid);
  switch (damage) {
    case 'records-garbage':
      rnd.bytes(batch.length - BATCH_HEADER_BYTES).copy(batch, BATCH_HEADER_BYTES);
      break;
    case 'records-missing': {
      // More records declared (count and last offset delta agree) than the bytes hold.
      const more = rnd.int(1, 3);
      batch.writeInt32BE(batch.readInt32BE(RECORD_COUNT_AT) + more, RECORD_COUNT_AT);
      batch.writeInt32BE(batch.readInt32BE(LAST_OFFSET_DELTA_AT) + more, LAST_OFFSET_DELTA_AT);
      break;
    }
    case 'records-trailing':
      batch = Buffer.concat([batch, rnd.bytes(rnd.int(1, 16))]);
      break;
    case 'records-cut':
      batch = batch.subarray(0, batch.length - rnd.int(1, 3));
      break;
    case 'record-length-lies': {
      // The first record's length varint: negative, zero, or past the batch (never its true value).
      const choices = [0x01, 0x00, 0x7f, 0x7e, 0xfe].filter((b) => b !== batch[BATCH_HEADER_BYTES]);
      batch[BATCH_HEADER_BYTES] = rnd.pick(choices);
      break;
    }
    default:
      throw new Error(`not a records damage: ${damage}`);
  }
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length) >>> 0, 17);
  return batch;
}

/** Damage a header check cannot see: a valid CRC over broken records. */
export const RECORDS_DAMAGE = ['records-garbage', 'records-missing', 'records-trailing', 'records-cut', 'record-length-lies'] as const;
export const BATCH_DAMAGE = ['crc', 'magic', 'truncated', 'length-lies', 'record-count', 'unknown-codec', 'garbage-compressed', ...RECORDS_DAMAGE] as const;
export type BatchDamage = (typeof BATCH_DAMAGE)[number];

/** Produce body (acks=-1) by hand, so the records bytes go in exactly as damaged. */
function produceBody(records: Buffer, version: number): Buffer {
  const flex = version >= 9;
  const parts: Buffer[] = [];
  const int16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n, 0);
    parts.push(b);
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n, 0);
    parts.push(b);
  };
  const uvarint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    parts.push(Buffer.from(out));
  };
  const str = (s: string) => {
    if (flex) uvarint(s.length + 1);
    else int16(s.length);
    parts.push(Buffer.from(s));
  };
  if (flex) uvarint(0); // null transactional id
  else int16(-1);
  int16(-1); // acks
  int32(5000); // timeout
  if (flex) uvarint(2);
  else int32(1);
  str('fuzz');
  if (flex) uvarint(2);
  else int32(1);
  int32(0); // partition
  if (flex) uvarint(records.length + 1);
  else int32(records.length);
  parts.push(records);
  if (flex) parts.push(Buffer.from([0, 0, 0])); // partition, topic, request tagged fields
  return Buffer.concat(parts);
}

export function hostileFrame(rnd: Random, apis: readonly ServedRange[], correlationId: number, requestMaxBytes: number): Hostile {
  const roll = rnd.int(0, 99);
  if (roll < 10) return { kind: 'random-bytes', bytes: frame(rnd.bytes(rnd.pick([0, 1, 7, 9, 10, 64, 512, 4096]))), aligned: true };
  if (roll < 14) {
    const size = rnd.pick([0, -1, -0x80000000, INT32_MAX, requestMaxBytes + 1]);
    const b = Buffer.alloc(4);
    b.writeInt32BE(size, 0);
    // Size 0 is a complete (empty) frame; the others are refused or never complete.
    return { kind: `size ${size}`, bytes: Buffer.concat([b, rnd.bytes(rnd.int(0, 16))]), aligned: false };
  }
  if (roll < 18) {
    const valid = validFrame(rnd, rnd.pick(apis), correlationId);
    if (valid !== null) return { kind: 'short', bytes: valid.subarray(0, rnd.int(1, valid.length - 1)), aligned: false };
  }
  if (roll < 26) {
    const known = rnd.pick(apis);
    const [apiKey, version] = rnd.next() < 0.5 ? [rnd.pick([-1, 99, 1000, 32767, 75, 68]), 0] : [known.apiKey, rnd.pick([-1, known.max + 1, 99, 32767])];
    return { kind: 'unknown api/version', bytes: frame(Buffer.concat([header(apiKey, version, correlationId), rnd.bytes(rnd.int(0, 64))])), aligned: true };
  }
  if (roll < 38) {
    const produce = apis.find((a) => a.apiKey === 0);
    if (produce && rnd.next() < 0.15) return { kind: 'multi-batch produce', bytes: multiBatchProduce(rnd, rnd.int(produce.min, produce.max), correlationId), aligned: true };
    if (produce) return { kind: 'bad batch', bytes: badBatchProduce(rnd, produce, correlationId).bytes, aligned: true };
  }
  if (roll < 44) {
    // A valid header and an array count of 2^31-1 (or a maximal compact count) where the body starts.
    const api = rnd.pick(apis);
    const version = rnd.int(api.min, api.max);
    const count = rnd.next() < 0.5 ? Buffer.from([0x7f, 0xff, 0xff, 0xff]) : Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
    return { kind: 'huge count', bytes: frame(Buffer.concat([header(api.apiKey, version, correlationId), Buffer.from([0]), count, rnd.bytes(rnd.int(0, 32))])), aligned: true };
  }
  if (roll < 48) {
    // Thousands of tagged fields, each claiming a body: the tagged-field loop must be bounded by the bytes present.
    const api = rnd.pick(apis);
    const tags: number[] = [0xff, 0xff, 0x03];
    for (let i = 0; i < 2000; i++) tags.push(i & 0x7f, 0x7f);
    return { kind: 'deep tagged fields', bytes: frame(Buffer.concat([header(api.apiKey, api.max, correlationId), Buffer.from(tags)])), aligned: true };
  }
  const valid = validFrame(rnd, rnd.pick(apis), correlationId);
  if (valid === null) return { kind: 'random-bytes', bytes: frame(rnd.bytes(32)), aligned: true };
  if (roll < 55) return { kind: 'valid', bytes: valid, aligned: true };
  return { kind: 'mutated', bytes: mutate(rnd, valid), aligned: true };
}
