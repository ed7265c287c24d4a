/**
 * Kafka's message formats before record batches, as old clients still send
 * and expect them: magic 0 (Kafka 0.8-0.9) and magic 1 (0.10, timestamps).
 *
 * A message set is a run of entries, back to back:
 *
 *   offset        int64
 *   message size  int32   (bytes of the message that follows)
 *   crc           uint32  CRC-32 (IEEE, not C) of everything after this field
 *   magic         int8    0 or 1
 *   attributes    int8    bits 0-2 codec (0 none, 1 gzip, 2 snappy, 3 lz4);
 *                         bit 3 (magic 1) LogAppendTime
 *   timestamp     int64   magic 1 only
 *   key           int32 length (-1 null), bytes
 *   value         int32 length (-1 null), bytes
 *
 * A compressed set is a single wrapper message whose value is the compressed
 * inner message set. Inner offsets of magic 1 are relative (0..n-1) and the
 * wrapper holds the absolute offset of the last inner message; magic 0 inner
 * offsets are absolute. Magic 0 LZ4 frames carry a header checksum computed
 * over the wrong bytes (the frame magic included), which Kafka writes and
 * ignores for that magic.
 */
import { crc32 } from 'node:zlib';
import type XXHashAddon from 'xxhash-addon';
import { codecFor } from '../compression/codecs.js';
import { DecompressedSizeError } from '../compression/errors.js';
import { lazyRequire } from '../compression/lazy-native.js';

// Loaded on the first LZ4 message set of magic 0, not at start-up.
const xxhash = lazyRequire<typeof XXHashAddon>('xxhash-addon');

export type LegacyMagic = 0 | 1;

export interface LegacyRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** -1 (no timestamp) for magic 0 */
  readonly timestamp: bigint;
}

export interface LegacyMessageSet {
  readonly magic: LegacyMagic;
  /** The wrapper's codec (0 for an uncompressed set). */
  readonly compression: number;
  /** 1 when the producer marked the set LogAppendTime (magic 1). */
  readonly timestampType: 0 | 1;
  readonly records: LegacyRecord[];
}

/** The Kafka error a produce of this message set gets, with why. */
export class LegacyFormatError extends Error {
  override readonly name = 'LegacyFormatError';
  constructor(
    readonly errorName: 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'UNSUPPORTED_COMPRESSION_TYPE' | 'MESSAGE_TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

const LOG_OVERHEAD = 12;
const CRC_AT = 0;
const MAGIC_AT = 4;
const ATTRIBUTES_AT = 5;
const TIMESTAMP_AT = 6;
/** crc, magic, attributes, key length, value length (+ timestamp for magic 1) */
const MESSAGE_MIN_BYTES: Readonly<Record<LegacyMagic, number>> = { 0: 14, 1: 22 };
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME_BIT = 0x08;
const ZSTD = 4;
const NO_TIMESTAMP = -1n;

/** Whether record bytes (a produce's or a stored partition's) start with a legacy message. */
export function isLegacyMagic(records: Uint8Array): boolean {
  return records.length > LOG_OVERHEAD + MAGIC_AT && (records[LOG_OVERHEAD + MAGIC_AT] === 0 || records[LOG_OVERHEAD + MAGIC_AT] === 1);
}

interface RawMessage {
  readonly offset: bigint;
  readonly magic: LegacyMagic;
  readonly attributes: number;
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Walks a message set, checking framing and each message's CRC; `where` names it in errors. */
function walk(buf: Buffer, where: string): RawMessage[] {
  const out: RawMessage[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < LOG_OVERHEAD) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: ${buf.length - pos} bytes at ${pos} are too few for a message header`);
    const offset = buf.readBigInt64BE(pos);
    const size = buf.readInt32BE(pos + 8);
    const start = pos + LOG_OVERHEAD;
    if (size < MESSAGE_MIN_BYTES[0] || size > buf.length - start) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message size ${size} at byte ${pos} does not fit the data`);
    const m = buf.subarray(start, start + size);
    const magic = m[MAGIC_AT]!;
    if (magic !== 0 && magic !== 1) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message at byte ${pos} has magic ${magic} in a legacy message set`);
    if (size < MESSAGE_MIN_BYTES[magic]) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message size ${size} is below the magic ${magic} minimum`);
    if (crc32(m.subarray(MAGIC_AT)) >>> 0 !== m.readUInt32BE(CRC_AT)) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message at byte ${pos} fails its CRC`);
    let at = magic === 1 ? TIMESTAMP_AT + 8 : TIMESTAMP_AT;
    const bytes = (): Buffer | null => {
      if (m.length - at < 4) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message at byte ${pos} is cut inside a length`);
      const n = m.readInt32BE(at);
      at += 4;
      if (n === -1) return null;
      if (n < 0 || n > m.length - at) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message at byte ${pos} has a length ${n} past its end`);
      at += n;
      return m.subarray(at - n, at);
    };
    const key = bytes();
    const value = bytes();
    if (at !== m.length) throw new LegacyFormatError('CORRUPT_MESSAGE', `${where}: message at byte ${pos} has ${m.length - at} bytes after its value`);
    out.push({ offset, magic, attributes: m[ATTRIBUTES_AT]!, timestamp: magic === 1 ? m.readBigInt64BE(TIMESTAMP_AT) : NO_TIMESTAMP, key, value });
    pos = start + size;
  }
  return out;
}

/**
 * Decodes a produced message set of magic 0 or 1, as Kafka's LogValidator
 * checks one: every CRC, one magic throughout, a compressed set is one wrapper
 * holding uncompressed messages of its own magic, no zstd before magic 2.
 * Throws LegacyFormatError with the Kafka error to answer.
 */
export function decodeLegacyMessageSet(buf: Buffer, maxDecompressedBytes: number): LegacyMessageSet {
  const outer = walk(buf, 'message set');
  if (outer.length === 0) throw new LegacyFormatError('CORRUPT_MESSAGE', 'empty message set');
  const magic = outer[0]!.magic;
  if (outer.some((m) => m.magic !== magic)) throw new LegacyFormatError('INVALID_RECORD', 'a message set mixes magic 0 and magic 1 messages');
  const codecs = outer.map((m) => m.attributes & CODEC_MASK);
  const compression = codecs.find((c) => c !== 0) ?? 0;
  if (compression === 0) {
    return { magic, compression, timestampType: 0, records: outer.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp })) };
  }
  if (outer.length !== 1) throw new LegacyFormatError('INVALID_RECORD', 'a compressed message set must be one wrapper message');
  const wrapper = outer[0]!;
  const messages = unwrap(wrapper, maxDecompressedBytes);
  return {
    magic,
    compression,
    timestampType: magic === 1 && (wrapper.attributes & LOG_APPEND_TIME_BIT) !== 0 ? 1 : 0,
    records: messages.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp })),
  };
}

/** The checked inner messages of a compressed wrapper, with the wrapper's time when it says LogAppendTime. */
function unwrap(wrapper: RawMessage, maxDecompressedBytes: number): RawMessage[] {
  const { magic } = wrapper;
  const compression = wrapper.attributes & CODEC_MASK;
  if (compression === ZSTD) throw new LegacyFormatError('UNSUPPORTED_COMPRESSION_TYPE', 'zstd needs record batches (magic 2)');
  if (compression > ZSTD) throw new LegacyFormatError('CORRUPT_MESSAGE', `unknown compression id ${compression}`);
  if (wrapper.value === null) throw new LegacyFormatError('INVALID_RECORD', 'compressed wrapper message with a null value');
  let inner: Buffer;
  try {
    const payload = compression === LZ4 && magic === 0 ? withProperLz4HeaderChecksum(wrapper.value) : wrapper.value;
    inner = codecFor(compression).decompressSync(payload, maxDecompressedBytes);
  } catch (err) {
    if (err instanceof DecompressedSizeError) throw new LegacyFormatError('MESSAGE_TOO_LARGE', err.message);
    throw new LegacyFormatError('CORRUPT_MESSAGE', `compressed wrapper does not decompress: ${(err as Error).message}`);
  }
  const messages = walk(inner, 'compressed message set');
  if (messages.length === 0) throw new LegacyFormatError('INVALID_RECORD', 'compressed wrapper message holds no messages');
  for (const m of messages) {
    if (m.magic !== magic) throw new LegacyFormatError('INVALID_RECORD', `inner message magic ${m.magic} does not match its wrapper's ${magic}`);
    if ((m.attributes & CODEC_MASK) !== 0) throw new LegacyFormatError('INVALID_RECORD', 'a compressed wrapper holds a compressed message');
  }
  const logAppendTime = magic === 1 && (wrapper.attributes & LOG_APPEND_TIME_BIT) !== 0;
  return logAppendTime ? messages.map((m) => ({ ...m, timestamp: wrapper.timestamp })) : messages;
}

export interface LegacyOutRecord extends LegacyRecord {
  readonly offset: bigint;
}

/**
 * Reads a fetched message set (any number of messages and wrappers) the way
 * an old consumer does: absolute offsets, magic 1 inner offsets resolved
 * against their wrapper's. For tests and tools; a produce goes through
 * decodeLegacyMessageSet.
 */
export function readLegacyMessageSet(buf: Buffer, maxDecompressedBytes: number): LegacyOutRecord[] {
  const out: LegacyOutRecord[] = [];
  for (const m of walk(buf, 'message set')) {
    if ((m.attributes & CODEC_MASK) === 0) {
      out.push({ offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp });
      continue;
    }
    const inner = unwrap(m, maxDecompressedBytes);
    const last = inner[inner.length - 1]!.offset;
    for (const x of inner) out.push({ offset: m.magic === 1 ? m.offset - (last - x.offset) : x.offset, key: x.key, value: x.value, timestamp: x.timestamp });
  }
  return out;
}

/**
 * Encodes records (offsets ascending) as a magic 0 or 1 message set: one
 * message each, or with a codec one wrapper holding them all (magic 1 inner
 * offsets relative, the wrapper at the last offset).
 */
export function encodeLegacyMessageSet(records: readonly LegacyOutRecord[], magic: LegacyMagic, compression: number, timestampType: 0 | 1): Buffer {
  if (records.length === 0) return Buffer.alloc(0);
  const tsBit = magic === 1 && timestampType === 1 ? LOG_APPEND_TIME_BIT : 0;
  if (compression === 0) return Buffer.concat(records.map((r) => entry(r.offset, message(magic, tsBit, r.timestamp, r.key, r.value))));
  if (compression >= ZSTD) throw new LegacyFormatError('UNSUPPORTED_COMPRESSION_TYPE', `compression id ${compression} has no magic ${magic} form`);
  const first = records[0]!.offset;
  const inner = Buffer.concat(records.map((r) => entry(magic === 1 ? r.offset - first : r.offset, message(magic, tsBit, r.timestamp, r.key, r.value))));
  let payload = codecFor(compression).compressSync(inner);
  if (compression === LZ4 && magic === 0) payload = withLegacyLz4HeaderChecksum(payload);
  let maxTimestamp = NO_TIMESTAMP;
  for (const r of records) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  return entry(records[records.length - 1]!.offset, message(magic, compression | tsBit, maxTimestamp, null, payload));
}

function entry(offset: bigint, msg: Buffer): Buffer {
  const head = Buffer.alloc(LOG_OVERHEAD);
  head.writeBigInt64BE(offset, 0);
  head.writeInt32BE(msg.length, 8);
  return Buffer.concat([head, msg]);
}

function message(magic: LegacyMagic, attributes: number, timestamp: bigint, key: Buffer | null, value: Buffer | null): Buffer {
  const size = MESSAGE_MIN_BYTES[magic] + (key?.length ?? 0) + (value?.length ?? 0);
  const m = Buffer.alloc(size);
  m.writeInt8(magic, MAGIC_AT);
  m.writeInt8(attributes, ATTRIBUTES_AT);
  let at = TIMESTAMP_AT;
  if (magic === 1) {
    m.writeBigInt64BE(timestamp, at);
    at += 8;
  }
  for (const b of [key, value]) {
    m.writeInt32BE(b === null ? -1 : b.length, at);
    at += 4;
    if (b !== null) at += b.copy(m, at);
  }
  m.writeUInt32BE(crc32(m.subarray(MAGIC_AT)) >>> 0, CRC_AT);
  return m;
}

const LZ4 = 3;
const LZ4_DESCRIPTOR_AT = 4;

/** Where the frame's header checksum byte is: after FLG, BD, and the optional content size and dictionary id. */
function lz4HeaderChecksumAt(frame: Buffer): number {
  if (frame.length < 7) throw new RangeError('LZ4 frame shorter than its header');
  const flg = frame[LZ4_DESCRIPTOR_AT]!;
  return LZ4_DESCRIPTOR_AT + 2 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0);
}

function headerChecksum(bytes: Buffer): number {
  return (xxhash().XXHash32.hash(bytes).readUInt32BE(0) >>> 8) & 0xff;
}

function withProperLz4HeaderChecksum(frame: Buffer): Buffer {
  const at = lz4HeaderChecksumAt(frame);
  if (at >= frame.length) throw new RangeError('LZ4 frame cut inside its header');
  const copy = Buffer.from(frame);
  copy[at] = headerChecksum(frame.subarray(LZ4_DESCRIPTOR_AT, at));
  return copy;
}

function withLegacyLz4HeaderChecksum(frame: Buffer): Buffer {
  const at = lz4HeaderChecksumAt(frame);
  frame[at] = headerChecksum(frame.subarray(0, at));
  return frame;
}
