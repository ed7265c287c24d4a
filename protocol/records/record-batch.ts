// Full encode and decode of record batches (magic 2), for the places that need the
// records themselves: compaction, LogAppendTime rewrite, recompression, clients.
// The broker's produce/fetch path uses the header view instead.
//
// Record: length varint, attributes int8, timestampDelta varlong, offsetDelta
// varint, key (varint length, -1 null), value (same), header count varint, then
// per header: key (varint length + UTF-8), value (varint length, -1 null).
import { Reader } from '../primitives/reader.js';
import { Writer } from '../primitives/writer.js';
import { ProtocolError } from '../protocol-error.js';
import { codecFor } from '../compression/codecs.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_BYTES,
  BATCH_LENGTH_OFFSET,
  CONTROL_BIT,
  CRC_OFFSET,
  CURRENT_MAGIC,
  DELETE_HORIZON_BIT,
  LOG_OVERHEAD_BYTES,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORDS_OFFSET,
  RecordBatchHeader,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
} from './batch-header.js';
import { crc32c } from './crc32c.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: readonly RecordHeader[];
  /** absolute timestamp; defaults to the batch's baseTimestamp */
  timestamp?: bigint;
  /** defaults to the record's index in the batch */
  offsetDelta?: number;
}

export interface RecordBatchInput {
  records: readonly RecordInput[];
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
  compression?: number;
  /** 0 CreateTime, 1 LogAppendTime */
  timestampType?: 0 | 1;
  isTransactional?: boolean;
  isControl?: boolean;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** defaults to the first record's timestamp, else now */
  baseTimestamp?: bigint;
  /** for LogAppendTime batches: the append time written as maxTimestamp */
  maxTimestamp?: bigint;
  /** sets the delete-horizon bit; baseTimestamp then holds the horizon */
  deleteHorizonMs?: bigint;
}

export interface DecodedRecordBatch {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  timestampType: 0 | 1;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  records: KafkaRecord[];
}

/** smallest encoded record: length, attributes, two deltas, two null lengths, header count */
const MIN_RECORD_BYTES = 7;

function sizeOfVarint(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

function writeVarBytes(w: Writer, b: Buffer | null | undefined): void {
  if (b === null || b === undefined) w.varint(-1);
  else {
    w.varint(b.length);
    w.raw(b);
  }
}

/** The uncompressed records section. */
export function encodeRecords(records: readonly RecordInput[], baseTimestamp: bigint): Buffer {
  const w = new Writer(1024, Infinity);
  const body = new Writer(256, Infinity);
  records.forEach((rec, i) => {
    body.reset();
    body.int8(0);
    body.varlong((rec.timestamp ?? baseTimestamp) - baseTimestamp);
    body.varint(rec.offsetDelta ?? i);
    writeVarBytes(body, rec.key);
    writeVarBytes(body, rec.value);
    const headers = rec.headers ?? [];
    body.varint(headers.length);
    for (const h of headers) {
      const k = Buffer.from(h.key, 'utf8');
      body.varint(k.length);
      body.raw(k);
      writeVarBytes(body, h.value);
    }
    const bytes = body.toBuffer();
    w.ensure(sizeOfVarint(bytes.length) + bytes.length);
    w.varint(bytes.length);
    w.raw(bytes);
  });
  return w.toBuffer();
}

function batchParts(input: RecordBatchInput): { header: Buffer; recordsSection: Buffer; compression: number } {
  const recs = input.records;
  const now = BigInt(Date.now());
  const firstTs = recs.find((r) => r.timestamp !== undefined)?.timestamp;
  const baseTimestamp = input.deleteHorizonMs ?? input.baseTimestamp ?? firstTs ?? now;
  let maxTimestamp = -1n;
  for (const r of recs) {
    const ts = r.timestamp ?? baseTimestamp;
    if (ts > maxTimestamp) maxTimestamp = ts;
  }
  if (input.maxTimestamp !== undefined) maxTimestamp = input.maxTimestamp;
  let lastOffsetDelta = recs.length - 1;
  for (let i = 0; i < recs.length; i++) lastOffsetDelta = Math.max(lastOffsetDelta, recs[i]!.offsetDelta ?? i);
  const compression = input.compression ?? 0;
  let attributes = compression & 0x07;
  if (input.timestampType === 1) attributes |= TIMESTAMP_TYPE_BIT;
  if (input.isTransactional) attributes |= TRANSACTIONAL_BIT;
  if (input.isControl) attributes |= CONTROL_BIT;
  if (input.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_BIT;

  const h = Buffer.alloc(BATCH_HEADER_BYTES);
  h.writeBigInt64BE(input.baseOffset ?? 0n, 0);
  h.writeInt32BE(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 12);
  h.writeInt8(CURRENT_MAGIC, 16);
  h.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  h.writeInt32BE(Math.max(0, lastOffsetDelta), 23);
  h.writeBigInt64BE(baseTimestamp, 27);
  h.writeBigInt64BE(maxTimestamp, 35);
  h.writeBigInt64BE(input.producerId ?? NO_PRODUCER_ID, 43);
  h.writeInt16BE(input.producerEpoch ?? NO_PRODUCER_EPOCH, 51);
  h.writeInt32BE(input.baseSequence ?? NO_SEQUENCE, 53);
  h.writeInt32BE(recs.length, 57);
  return { header: h, recordsSection: encodeRecords(recs, baseTimestamp), compression };
}

function seal(header: Buffer, records: Buffer): Buffer {
  const batch = Buffer.concat([header, records]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD_BYTES, BATCH_LENGTH_OFFSET);
  batch.writeUInt32BE(crc32c(batch, ATTRIBUTES_OFFSET, batch.length), CRC_OFFSET);
  return batch;
}

export function encodeRecordBatchSync(input: RecordBatchInput): Buffer {
  const { header, recordsSection, compression } = batchParts(input);
  return seal(header, codecFor(compression).compressSync(recordsSection));
}

export async function encodeRecordBatch(input: RecordBatchInput): Promise<Buffer> {
  const { header, recordsSection, compression } = batchParts(input);
  return seal(header, await codecFor(compression).compress(recordsSection));
}

/** Decodes `count` records from an uncompressed records section. Throws ProtocolError. */
export function decodeRecords(section: Buffer, count: number, baseOffset: bigint, baseTimestamp: bigint): KafkaRecord[] {
  if (count < 0 || count * MIN_RECORD_BYTES > section.length) {
    throw new ProtocolError('length_exceeds_frame', `record count ${count} exceeds the ${section.length} bytes of records`);
  }
  const r = new Reader(section);
  const out: KafkaRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const len = r.varint();
    if (len < 0 || len > r.remaining) {
      r.fail('length_exceeds_frame', `record length ${len}`);
      break;
    }
    const end = r.pos + len;
    const outerEnd = r.end;
    r.end = end;
    r.int8(); // attributes: unused in magic 2
    const timestamp = baseTimestamp + r.varlong();
    const offset = baseOffset + BigInt(r.varint());
    const key = varBytes(r);
    const value = varBytes(r);
    const headerCount = r.varint();
    if (headerCount < 0 || headerCount * 2 > r.remaining) r.fail('length_exceeds_frame', `header count ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let j = 0; j < headerCount && !r.failed; j++) {
      const kb = varBytes(r);
      if (kb === null) r.fail('null_not_allowed', 'null header key');
      headers.push({ key: kb === null ? '' : kb.toString('utf8'), value: varBytes(r) });
    }
    if (!r.failed && r.pos !== end) r.fail('invalid_value', `record ${i} has ${end - r.pos} bytes left over`);
    r.end = outerEnd;
    if (r.failed) break;
    r.pos = end;
    out[i] = { offset, timestamp, key, value, headers };
  }
  r.check();
  return out;
}

function varBytes(r: Reader): Buffer | null {
  const n = r.varint();
  if (n === -1) return null;
  if (n < -1) {
    r.fail('negative_length', `length ${n}`);
    return null;
  }
  return r.view(n);
}

function decodedHeader(v: RecordBatchHeader): Omit<DecodedRecordBatch, 'records'> {
  return {
    baseOffset: v.baseOffset,
    batchLength: v.batchLength,
    partitionLeaderEpoch: v.partitionLeaderEpoch,
    magic: v.magic,
    crc: v.crc,
    attributes: v.attributes,
    compression: v.compression,
    timestampType: v.timestampType,
    isTransactional: v.isTransactional,
    isControl: v.isControl,
    hasDeleteHorizon: v.hasDeleteHorizon,
    lastOffsetDelta: v.lastOffsetDelta,
    baseTimestamp: v.baseTimestamp,
    maxTimestamp: v.maxTimestamp,
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    baseSequence: v.baseSequence,
  };
}

function checked(batch: Buffer | RecordBatchHeader, verifyCrc: boolean): RecordBatchHeader {
  const v = batch instanceof RecordBatchHeader ? batch : new RecordBatchHeader(batch);
  const avail = v.buf.length - v.offset;
  if (avail < RECORDS_OFFSET) throw new ProtocolError('short_read', `batch header truncated (${avail} bytes)`);
  if (v.sizeBytes > avail || v.batchLength < RECORDS_OFFSET - LOG_OVERHEAD_BYTES) throw new ProtocolError('length_exceeds_frame', `batch length ${v.batchLength}`);
  if (v.magic !== CURRENT_MAGIC) throw new ProtocolError('invalid_value', `magic ${v.magic} is not 2`);
  if (verifyCrc && v.computeCrc() !== v.crc) throw new ProtocolError('invalid_value', 'record batch CRC mismatch');
  return v;
}

function decompressionFailed(e: unknown): never {
  throw new ProtocolError('invalid_value', `records do not decompress: ${e instanceof Error ? e.message : String(e)}`);
}

export interface DecodeRecordBatchOptions {
  /** Check the CRC (default true). */
  verifyCrc?: boolean;
  /** Refuse (ProtocolError) a compressed payload that decompresses to more than this; unbounded by default. */
  maxDecompressedBytes?: number;
}

/** Decodes a whole batch (header view or bytes). Key/value/header values are views of the (decompressed) bytes. */
export function decodeRecordBatchSync(batch: Buffer | RecordBatchHeader, opts: DecodeRecordBatchOptions = {}): DecodedRecordBatch {
  const v = checked(batch, opts.verifyCrc ?? true);
  let section: Buffer;
  try {
    section = codecFor(v.compression).decompressSync(v.recordsBytes, opts.maxDecompressedBytes);
  } catch (e) {
    decompressionFailed(e);
  }
  return { ...decodedHeader(v), records: decodeRecords(section, v.recordCount, v.baseOffset, v.baseTimestamp) };
}

export async function decodeRecordBatch(batch: Buffer | RecordBatchHeader, opts: DecodeRecordBatchOptions = {}): Promise<DecodedRecordBatch> {
  const v = checked(batch, opts.verifyCrc ?? true);
  let section: Buffer;
  try {
    section = await codecFor(v.compression).decompress(v.recordsBytes, opts.maxDecompressedBytes);
  } catch (e) {
    decompressionFailed(e);
  }
  return { ...decodedHeader(v), records: decodeRecords(section, v.recordCount, v.baseOffset, v.baseTimestamp) };
}
