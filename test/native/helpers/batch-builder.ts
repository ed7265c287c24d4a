// Encodes valid record batches v2 for tests and benchmarks, written from the
// format description (docs/storage.md, Kafka's record batch layout) and
// independent of the engine's code: its CRC comes from crc32c-ref.ts.
import { crc32cTable } from './crc32c-ref.js';

export interface TestRecord {
  key?: Uint8Array | string | null;
  value?: Uint8Array | string | null;
  timestampDelta?: number;
  headers?: Array<{ key: string; value: Uint8Array | string | null }>;
}

export interface TestBatch {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  attributes?: number;
  baseTimestamp?: number;
  /** defaults to baseTimestamp + the largest timestampDelta */
  maxTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  records: TestRecord[];
  /** override the lastOffsetDelta (defaults to records.length - 1) */
  lastOffsetDelta?: number;
}

function bytes(v: Uint8Array | string | null | undefined): Uint8Array | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

class Writer {
  parts: number[] = [];
  varint(n: number): void {
    // zigzag for int32/int64 values that fit in a double
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    while (z >= 0x80) {
      this.parts.push((z % 0x80) | 0x80);
      z = Math.floor(z / 0x80);
    }
    this.parts.push(z);
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }
  nullableBytes(b: Uint8Array | null): void {
    if (b === null) {
      this.varint(-1);
      return;
    }
    this.varint(b.length);
    this.raw(b);
  }
}

function encodeRecord(r: TestRecord, offsetDelta: number): Uint8Array {
  const body = new Writer();
  body.parts.push(0); // attributes
  body.varint(r.timestampDelta ?? 0);
  body.varint(offsetDelta);
  body.nullableBytes(bytes(r.key));
  body.nullableBytes(bytes(r.value));
  const headers = r.headers ?? [];
  body.varint(headers.length);
  for (const h of headers) {
    const k = Buffer.from(h.key, 'utf8');
    body.varint(k.length);
    body.raw(k);
    body.nullableBytes(bytes(h.value));
  }
  const length = new Writer();
  length.varint(body.parts.length);
  return Buffer.concat([Uint8Array.from(length.parts), Uint8Array.from(body.parts)]);
}

export function encodeBatch(b: TestBatch): Buffer {
  const records = b.records.map((r, i) => encodeRecord(r, i));
  const recordBytes = records.reduce((n, r) => n + r.length, 0);
  const size = 61 + recordBytes;
  const buf = Buffer.alloc(size);
  const baseTimestamp = b.baseTimestamp ?? 1_700_000_000_000;
  const maxDelta = b.records.reduce((m, r) => Math.max(m, r.timestampDelta ?? 0), 0);
  buf.writeBigInt64BE(BigInt(b.baseOffset ?? 0), 0);
  buf.writeInt32BE(size - 12, 8);
  buf.writeInt32BE(b.partitionLeaderEpoch ?? -1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt16BE(b.attributes ?? 0, 21);
  buf.writeInt32BE(b.lastOffsetDelta ?? b.records.length - 1, 23);
  buf.writeBigInt64BE(BigInt(baseTimestamp), 27);
  buf.writeBigInt64BE(BigInt(b.maxTimestamp ?? baseTimestamp + maxDelta), 35);
  buf.writeBigInt64BE(BigInt(b.producerId ?? -1), 43);
  buf.writeInt16BE(b.producerEpoch ?? -1, 51);
  buf.writeInt32BE(b.baseSequence ?? -1, 53);
  buf.writeInt32BE(b.records.length, 57);
  let at = 61;
  for (const r of records) {
    buf.set(r, at);
    at += r.length;
  }
  buf.writeUInt32BE(crc32cTable(buf, 21, size), 17);
  return buf;
}

/** A batch of `count` records with values of `valueBytes` bytes each. */
export function simpleBatch(count: number, valueBytes: number, opts: Partial<TestBatch> = {}): Buffer {
  const records: TestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const value = Buffer.alloc(valueBytes, (i * 7 + valueBytes) & 0xff);
    records.push({ key: `k${i}`, value, timestampDelta: i });
  }
  return encodeBatch({ ...opts, records });
}

/** Recomputes the CRC after a test edits a batch's CRC-covered bytes. */
export function resealBatch(buf: Buffer, at = 0): void {
  const size = buf.readInt32BE(at + 8) + 12;
  buf.writeUInt32BE(crc32cTable(buf, at + 21, at + size), at + 17);
}
