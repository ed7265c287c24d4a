// A cursor over one frame. A short read or malformed value records the first
// failure and moves the cursor to the end, so every later read fails fast and
// returns a zero value: decoders run straight through without exceptions and the
// caller checks once at the end (`check()`). Counts and lengths are validated
// against the bytes left before anything is allocated, so a hostile count costs
// nothing.
import type { Uuid } from '../brands.js';
import { ZERO_UUID } from '../brands.js';
import { ProtocolError, type ProtocolErrorReason } from '../protocol-error.js';

const EMPTY = Buffer.alloc(0);

export class Reader {
  buf: Buffer;
  pos: number;
  end: number;
  failed = false;
  private failReason: ProtocolErrorReason = 'short_read';
  private failMessage = '';
  private failOffset = -1;

  /** A plain Uint8Array (bytes that crossed threads arrive as one) is viewed as a Buffer, not copied. */
  constructor(buf: Buffer | Uint8Array, start = 0, end = buf.length) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Records the first failure only; later ones are consequences of it. */
  fail(reason: ProtocolErrorReason, message: string): void {
    if (!this.failed) {
      this.failed = true;
      this.failReason = reason;
      this.failMessage = message;
      this.failOffset = this.pos;
    }
    this.pos = this.end;
  }

  /** The recorded failure as an error, or null. */
  error(): ProtocolError | null {
    return this.failed ? new ProtocolError(this.failReason, this.failMessage, this.failOffset) : null;
  }

  /** Throws the recorded failure, if any. */
  check(): void {
    if (this.failed) throw this.error()!;
  }

  /** Throws unless every byte was consumed. */
  checkEnd(): void {
    this.check();
    if (this.pos !== this.end) throw new ProtocolError('trailing_bytes', `${this.end - this.pos} bytes left after the body`, this.pos);
  }

  private need(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    this.fail('short_read', `need ${n} bytes, ${this.end - this.pos} left`);
    return false;
  }

  skip(n: number): void {
    if (n < 0) this.fail('negative_length', `negative skip ${n}`);
    else if (this.need(n)) this.pos += n;
  }

  bool(): boolean {
    if (!this.need(1)) return false;
    return this.buf[this.pos++] !== 0;
  }

  int8(): number {
    if (!this.need(1)) return 0;
    const v = this.buf[this.pos++]!;
    return v > 127 ? v - 256 : v;
  }

  int16(): number {
    if (!this.need(2)) return 0;
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    if (!this.need(2)) return 0;
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    if (!this.need(8)) return 0n;
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    if (!this.need(8)) return 0;
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uuid(): Uuid {
    if (!this.need(16)) return ZERO_UUID;
    const v = this.buf.toString('base64url', this.pos, this.pos + 16) as Uuid;
    this.pos += 16;
    return v;
  }

  /** Unsigned varint of at most 5 bytes (32 bits). */
  uvarint(): number {
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) {
        this.fail('short_read', 'varint runs past the frame');
        return 0;
      }
      const b = buf[this.pos++]!;
      if (shift === 28 && b > 0x0f) break;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
    }
    this.fail('invalid_varint', 'unsigned varint longer than 32 bits');
    return 0;
  }

  /** Zigzag varint (int32). */
  varint(): number {
    const u = this.uvarint();
    return (u % 2 === 1 ? -(u + 1) / 2 : u / 2) | 0;
  }

  /** Zigzag varlong (int64), at most 10 bytes. */
  varlong(): bigint {
    const buf = this.buf;
    // Most values fit 7 bytes (49 bits): accumulate as a number, switch to bigint after.
    let lo = 0;
    let shift = 0;
    for (; shift < 49; shift += 7) {
      if (this.pos >= this.end) {
        this.fail('short_read', 'varlong runs past the frame');
        return 0n;
      }
      const b = buf[this.pos++]!;
      lo += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        const u = BigInt(lo);
        return (u >> 1n) ^ -(u & 1n);
      }
    }
    let u = BigInt(lo);
    for (; shift < 70; shift += 7) {
      if (this.pos >= this.end) {
        this.fail('short_read', 'varlong runs past the frame');
        return 0n;
      }
      const b = buf[this.pos++]!;
      if (shift === 63 && b > 1) break;
      u |= BigInt(b & 0x7f) << BigInt(shift);
      if (b < 0x80) return (u >> 1n) ^ -(u & 1n);
    }
    this.fail('invalid_varint', 'varlong longer than 64 bits');
    return 0n;
  }

  /** Length of a string/bytes: classic int16/int32 or compact uvarint-1; -1 is null. */
  private len(flex: boolean, classicInt32: boolean): number {
    const n = flex ? this.uvarint() - 1 : classicInt32 ? this.int32() : this.int16();
    if (n < -1) {
      this.fail('negative_length', `length ${n}`);
      return -1;
    }
    if (n > this.end - this.pos) {
      this.fail('length_exceeds_frame', `length ${n} exceeds the ${this.end - this.pos} bytes left`);
      return -1;
    }
    return n;
  }

  string(flex: boolean): string {
    const n = this.len(flex, false);
    if (n < 0) {
      if (!this.failed) this.fail('null_not_allowed', 'null string in a non-nullable field');
      return '';
    }
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  nullableString(flex: boolean): string | null {
    const n = this.len(flex, false);
    if (n < 0) return this.failed ? '' : null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A zero-copy view of the frame. */
  bytes(flex: boolean): Buffer {
    const n = this.len(flex, true);
    if (n < 0) {
      if (!this.failed) this.fail('null_not_allowed', 'null bytes in a non-nullable field');
      return EMPTY;
    }
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  nullableBytes(flex: boolean): Buffer | null {
    const n = this.len(flex, true);
    if (n < 0) return this.failed ? EMPTY : null;
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Raw view of the next n bytes. */
  view(n: number): Buffer {
    if (!this.need(n)) return EMPTY;
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /**
   * Element count of an array (-1 for null), refused when `count * minElementBytes`
   * exceeds the bytes left: nothing is allocated for a count the frame cannot hold.
   */
  arrayLen(flex: boolean, minElementBytes: number): number {
    const n = flex ? this.uvarint() - 1 : this.int32();
    if (n < -1) {
      this.fail('negative_length', `array count ${n}`);
      return 0;
    }
    if (n * minElementBytes > this.end - this.pos) {
      this.fail('length_exceeds_frame', `array count ${n} exceeds the ${this.end - this.pos} bytes left`);
      return 0;
    }
    return n;
  }

  array<T>(flex: boolean, minElementBytes: number, read: (r: Reader, version: number) => T, version: number): T[] {
    const n = this.arrayLen(flex, minElementBytes);
    if (n < 0) {
      this.fail('null_not_allowed', 'null array in a non-nullable field');
      return [];
    }
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = read(this, version);
    if (this.failed) out.length = 0;
    return out;
  }

  nullableArray<T>(flex: boolean, minElementBytes: number, read: (r: Reader, version: number) => T, version: number): T[] | null {
    const n = this.arrayLen(flex, minElementBytes);
    if (n < 0) return null;
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = read(this, version);
    if (this.failed) out.length = 0;
    return out;
  }

  /** Nullable struct marker: int8 -1 for null, 1 for present. */
  structPresent(): boolean {
    const m = this.int8();
    if (m === -1 || this.failed) return false;
    if (m !== 1) this.fail('invalid_value', `nullable struct marker ${m}`);
    return m === 1;
  }

  /**
   * Reads a tagged-field section; `field` decodes a known tag and returns false for
   * an unknown one, which is skipped by its size.
   */
  taggedFields<T>(target: T, version: number, field: ((r: Reader, target: T, tag: number, version: number) => boolean) | null): void {
    const count = this.uvarint();
    for (let i = 0; i < count && !this.failed; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      if (size > this.end - this.pos) {
        this.fail('length_exceeds_frame', `tagged field ${tag} of ${size} bytes exceeds the frame`);
        return;
      }
      const fieldEnd = this.pos + size;
      if (field === null) {
        this.pos = fieldEnd;
        continue;
      }
      // Decode within the field's own bounds so a lying size cannot read further.
      const outerEnd = this.end;
      this.end = fieldEnd;
      if (!field(this, target, tag, version)) this.pos = fieldEnd;
      const overrun = this.failed;
      this.end = outerEnd;
      if (overrun) {
        this.pos = outerEnd;
        return;
      }
      this.pos = fieldEnd;
    }
  }
}

// Element readers for arrays of primitives.
export const readInt8 = (r: Reader): number => r.int8();
export const readInt16 = (r: Reader): number => r.int16();
export const readUint16 = (r: Reader): number => r.uint16();
export const readInt32 = (r: Reader): number => r.int32();
export const readUint32 = (r: Reader): number => r.uint32();
export const readInt64 = (r: Reader): bigint => r.int64();
export const readFloat64 = (r: Reader): number => r.float64();
export const readBool = (r: Reader): boolean => r.bool();
export const readUuid = (r: Reader): Uuid => r.uuid();
export const readStringClassic = (r: Reader): string => r.string(false);
export const readStringCompact = (r: Reader): string => r.string(true);
