// Writes frames into one growable buffer that is reused across frames, and emits
// them as Buffer[] chunks for socket.writev/cork. Large byte fields (records) are
// appended by reference as their own chunk, so record bytes are never copied in JS;
// everything small is coalesced into the writer's buffer.
//
// Lifetime: chunks returned by finish() view the writer's memory and stay valid
// until the next reset(); reset only once the socket has taken them (write callback).
import type { Uuid } from '../brands.js';
import { ProtocolError } from '../protocol-error.js';

/** Byte fields at least this long are appended by reference instead of copied. */
export const REFERENCE_THRESHOLD_BYTES = 1024;

/**
 * A bytes or records field: one byte array or a list of them (written in
 * order, large ones by reference). Plain Uint8Arrays are accepted beside
 * Buffers: that is what a Buffer becomes after crossing a worker thread.
 */
export type BytesInput = Uint8Array | readonly Uint8Array[];

export class Writer {
  buf: Buffer;
  pos = 0;
  /** start of the bytes written since the last chunk was cut */
  private start = 0;
  private chunks: Buffer[] = [];
  /** bytes in `chunks` */
  private flushed = 0;
  private frameBuf: Buffer | null = null;
  private frameOffset = 0;
  private frameTotalStart = 0;

  constructor(
    initialBytes = 64 * 1024,
    readonly referenceThresholdBytes = REFERENCE_THRESHOLD_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written since the last reset. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  /** Starts over, reusing the buffer. Earlier chunks must no longer be in use. */
  reset(): void {
    this.pos = 0;
    this.start = 0;
    this.chunks = [];
    this.flushed = 0;
    this.frameBuf = null;
  }

  ensure(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    const pending = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, pending + n, 256));
    this.buf.copy(next, 0, this.start, this.pos);
    // Cut chunks keep their view of the old buffer, which stays alive through them.
    if (this.frameBuf === this.buf && this.frameOffset >= this.start) {
      this.frameBuf = next;
      this.frameOffset -= this.start;
    }
    this.buf = next;
    this.start = 0;
    this.pos = pending;
  }

  /** Reserves the int32 size prefix of a frame; endFrame() fills it in. */
  beginFrame(): void {
    this.ensure(4);
    this.frameBuf = this.buf;
    this.frameOffset = this.pos;
    this.pos += 4;
    this.frameTotalStart = this.length;
  }

  endFrame(): void {
    if (this.frameBuf === null) throw new Error('endFrame without beginFrame');
    this.frameBuf.writeInt32BE(this.length - this.frameTotalStart, this.frameOffset);
    this.frameBuf = null;
  }

  /** The chunks written since the last reset, ready for writev. */
  finish(): Buffer[] {
    this.cut();
    return this.chunks;
  }

  /** Everything written since the last reset as one Buffer (copies when chunked). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  private cut(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  uuid(v: Uuid): void {
    this.ensure(16);
    if (v.length !== 22 || this.buf.write(v, this.pos, 16, 'base64url') !== 16) {
      throw new ProtocolError('unencodable', `not a 22-character base64url UUID: ${JSON.stringify(v)}`);
    }
    this.pos += 16;
  }

  uvarint(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let u = v >>> 0;
    while (u >= 0x80) {
      buf[this.pos++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    buf[this.pos++] = u;
  }

  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: bigint): void {
    this.ensure(10);
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    const buf = this.buf;
    while (u >= 0x80n) {
      buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    buf[this.pos++] = Number(u);
  }

  private strBody(s: string, flex: boolean): void {
    const n = Buffer.byteLength(s);
    if (flex) this.uvarint(n + 1);
    else {
      if (n > 0x7fff) throw new ProtocolError('unencodable', `string of ${n} bytes exceeds int16 length`);
      this.int16(n);
    }
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  string(s: string | null | undefined, flex: boolean): void {
    if (s === null || s === undefined) throw new ProtocolError('unencodable', 'null string in a non-nullable field');
    this.strBody(s, flex);
  }

  nullableString(s: string | null | undefined, flex: boolean): void {
    if (s === null || s === undefined) {
      if (flex) this.uvarint(0);
      else this.int16(-1);
    } else this.strBody(s, flex);
  }

  private bytesBody(b: BytesInput, flex: boolean): void {
    const single = b instanceof Uint8Array;
    let n = 0;
    if (single) n = b.length;
    else for (const c of b) n += c.length;
    if (flex) this.uvarint(n + 1);
    else this.int32(n);
    if (single) this.raw(asBuffer(b));
    else for (const c of b) this.raw(asBuffer(c));
  }

  bytes(b: BytesInput | null | undefined, flex: boolean): void {
    if (b === null || b === undefined) throw new ProtocolError('unencodable', 'null bytes in a non-nullable field');
    this.bytesBody(b, flex);
  }

  nullableBytes(b: BytesInput | null | undefined, flex: boolean): void {
    if (b === null || b === undefined) {
      if (flex) this.uvarint(0);
      else this.int32(-1);
    } else this.bytesBody(b, flex);
  }

  /** Appends bytes: large ones by reference (their own chunk), small ones copied. */
  raw(b: Buffer): void {
    if (b.length >= this.referenceThresholdBytes) {
      this.cut();
      this.chunks.push(b);
      this.flushed += b.length;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  arrayLen(n: number, flex: boolean): void {
    if (flex) this.uvarint(n + 1);
    else this.int32(n);
  }

  array<T>(a: readonly T[] | null | undefined, flex: boolean, write: (w: Writer, v: T, version: number) => void, version: number): void {
    if (a === null || a === undefined) a = [];
    this.arrayLen(a.length, flex);
    for (let i = 0; i < a.length; i++) write(this, a[i]!, version);
  }

  nullableArray<T>(a: readonly T[] | null | undefined, flex: boolean, write: (w: Writer, v: T, version: number) => void, version: number): void {
    if (a === null || a === undefined) {
      this.arrayLen(-1, flex);
      return;
    }
    this.array(a, flex, write, version);
  }

  /** Appends a tagged field: tag, size, then the bytes `write` produces. */
  tagged(tag: number, write: (w: Writer) => void): void {
    const scratch = new Writer(256, Infinity);
    write(scratch);
    const body = scratch.toBuffer();
    this.uvarint(tag);
    this.uvarint(body.length);
    this.ensure(body.length);
    body.copy(this.buf, this.pos);
    this.pos += body.length;
  }
}

// Element writers for arrays of primitives.
export const writeInt8 = (w: Writer, v: number): void => w.int8(v);
export const writeInt16 = (w: Writer, v: number): void => w.int16(v);
export const writeUint16 = (w: Writer, v: number): void => w.uint16(v);
export const writeInt32 = (w: Writer, v: number): void => w.int32(v);
export const writeUint32 = (w: Writer, v: number): void => w.uint32(v);
export const writeInt64 = (w: Writer, v: bigint): void => w.int64(v);
export const writeFloat64 = (w: Writer, v: number): void => w.float64(v);
export const writeBool = (w: Writer, v: boolean): void => w.bool(v);
export const writeUuid = (w: Writer, v: Uuid): void => w.uuid(v);
export const writeStringClassic = (w: Writer, v: string): void => w.string(v, false);
export const writeStringCompact = (w: Writer, v: string): void => w.string(v, true);

/** The same memory as a Buffer, without a copy. */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
