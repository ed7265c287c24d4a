// Hand-rolled reading and writing of the few Kafka fields the limit server touches.
// The generic codecs build an object per request; the limit server must be the
// cheapest correct Node server, so on Produce and Fetch it reads only the fields
// it answers with and writes responses straight into one buffer.

/** A cursor over a request frame. Out-of-range reads throw RangeError (the connection is closed). */
export class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}
  i8(): number {
    return this.buf.readInt8(this.pos++);
  }
  i16(): number {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  /** int64 as a number: offsets in a bench stay far below 2^53 */
  i64(): number {
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }
  uvarint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError('varint past the end of the frame');
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
      if (shift > 28) throw new RangeError('varint too long');
    }
  }
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new RangeError('length past the end of the frame');
    this.pos += n;
  }
  /** array length: compact (n+1) or int32 */
  arrayLen(flex: boolean): number {
    return flex ? this.uvarint() - 1 : this.i32();
  }
  /** string as [start, end) in buf; -1 start for null */
  stringSpan(flex: boolean): [number, number] {
    const n = flex ? this.uvarint() - 1 : this.i16();
    if (n < 0) return [-1, -1];
    const s = this.pos;
    this.skip(n);
    return [s, s + n];
  }
  /** bytes length (compact n+1 or int32), cursor left at the bytes */
  bytesLen(flex: boolean): number {
    return flex ? this.uvarint() - 1 : this.i32();
  }
  skipTags(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}

/** Request header: apiKey, apiVersion, correlationId and where the body starts. */
export interface HeaderInfo {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  bodyStart: number;
}

export function readHeader(frame: Buffer, flexibleFrom: (apiKey: number) => number): HeaderInfo {
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  const c = new Cursor(frame, 8);
  const idLen = c.i16(); // client id: a classic nullable string in every header version
  if (idLen > 0) c.skip(idLen);
  const flexMin = flexibleFrom(apiKey);
  if (flexMin >= 0 && apiVersion >= flexMin && !(apiKey === 7 && apiVersion === 0)) c.skipTags();
  return { apiKey, apiVersion, correlationId, bodyStart: c.pos };
}

/**
 * A response written into one buffer, size prefix included; large byte fields
 * (fetched records) are attached by reference between the written pieces.
 */
export class Out {
  buf: Buffer;
  pos = 4;
  private segStart = 0;
  private readonly chunks: Buffer[] = [];
  private attachedBytes = 0;
  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  i8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v & 0xff;
  }
  i16(v: number): void {
    this.room(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }
  i32(v: number): void {
    this.room(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }
  i64(v: number): void {
    this.room(8);
    this.buf.writeInt32BE(Math.floor(v / 0x100000000), this.pos);
    this.buf.writeUInt32BE(v >>> 0, this.pos + 4);
    this.pos += 8;
  }
  uvarint(v: number): void {
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  arrayLen(n: number, flex: boolean): void {
    if (flex) this.uvarint(n + 1);
    else this.i32(n);
  }
  /** copies the string's bytes from a request frame */
  stringFrom(src: Buffer, start: number, end: number, flex: boolean): void {
    const n = end - start;
    if (flex) this.uvarint(n + 1);
    else this.i16(n);
    this.room(n);
    src.copy(this.buf, this.pos, start, end);
    this.pos += n;
  }
  nullString(flex: boolean): void {
    if (flex) this.uvarint(0);
    else this.i16(-1);
  }
  /** Sends `b` by reference at this point of the response. */
  attach(b: Buffer): void {
    this.chunks.push(this.buf.subarray(this.segStart, this.pos));
    this.segStart = this.pos;
    this.chunks.push(b);
    this.attachedBytes += b.length;
  }
  /** The response with its size prefix filled in. */
  frame(): Buffer {
    this.buf.writeInt32BE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
  /** The response as chunks (written pieces and attached buffers), size prefix filled in. */
  finishChunks(): Buffer[] {
    if (this.chunks.length === 0) return [this.frame()];
    this.chunks.push(this.buf.subarray(this.segStart, this.pos));
    // The prefix lives in the first piece, whichever buffer that view is of.
    this.chunks[0]!.writeInt32BE(this.pos - 4 + this.attachedBytes, 0);
    return this.chunks;
  }
}
