import test from 'ava';
import fc from 'fast-check';
import { Reader } from '../../protocol/primitives/reader.js';
import { Writer } from '../../protocol/primitives/writer.js';
import { ProtocolError } from '../../protocol/protocol-error.js';
import type { Uuid } from '../../protocol/brands.js';

const roundTrip = <T>(write: (w: Writer, v: T) => void, read: (r: Reader) => T) => (v: T) => {
  const w = new Writer(8);
  write(w, v);
  const r = new Reader(w.toBuffer());
  const back = read(r);
  r.checkEnd();
  return back;
};

test('varint, varlong and unsigned varint round-trip over their whole range', (t) => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => roundTrip<number>((w, x) => w.varint(x), (r) => r.varint())(v) === v));
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => roundTrip<bigint>((w, x) => w.varlong(x), (r) => r.varlong())(v) === v));
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (v) => roundTrip<number>((w, x) => w.uvarint(x), (r) => r.uvarint())(v) === v));
  t.pass();
});

test('known varint encodings (zigzag)', (t) => {
  const enc = (v: number) => {
    const w = new Writer(8);
    w.varint(v);
    return [...w.toBuffer()];
  };
  t.deepEqual(enc(0), [0]);
  t.deepEqual(enc(-1), [1]);
  t.deepEqual(enc(1), [2]);
  t.deepEqual(enc(-64), [127]);
  t.deepEqual(enc(64), [0x80, 1]);
});

test('strings, bytes, uuid and fixed-width numbers round-trip, classic and compact', (t) => {
  for (const flex of [false, true]) {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => roundTrip<string>((w, x) => w.string(x, flex), (r) => r.string(flex))(s) === s));
    fc.assert(fc.property(fc.option(fc.string()), (s) => roundTrip<string | null>((w, x) => w.nullableString(x, flex), (r) => r.nullableString(flex))(s) === s));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => roundTrip<Buffer>((w, x) => w.bytes(x, flex), (r) => r.bytes(flex))(Buffer.from(b)).equals(b)));
  }
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
    const id = Buffer.from(b).toString('base64url') as Uuid;
    return roundTrip<Uuid>((w, x) => w.uuid(x), (r) => r.uuid())(id) === id;
  }));
  fc.assert(fc.property(fc.double({ noNaN: true }), (d) => Object.is(roundTrip<number>((w, x) => w.float64(x), (r) => r.float64())(d), d)));
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (v) => roundTrip<number>((w, x) => w.uint32(x), (r) => r.uint32())(v) === v));
  fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (v) => roundTrip<number>((w, x) => w.uint16(x), (r) => r.uint16())(v) === v));
  t.throws(() => new Writer().uuid('not-a-uuid' as Uuid), { instanceOf: ProtocolError });
});

test('a short read is recorded once, later reads return zero values, check() throws it', (t) => {
  const r = new Reader(Buffer.from([0, 0, 0, 5, 1]));
  t.is(r.int32(), 5);
  t.is(r.int32(), 0); // short
  t.true(r.failed);
  t.is(r.string(false), '');
  t.is(r.int64(), 0n);
  const e = t.throws(() => r.check(), { instanceOf: ProtocolError });
  t.is(e?.reason, 'short_read');
  t.is(e?.offset, 4);
});

test('hostile counts and lengths are refused before allocating', (t) => {
  const r = new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2]));
  t.deepEqual(r.array(false, 4, (x) => x.int32(), 0), []);
  t.is(r.error()?.reason, 'length_exceeds_frame');
  const neg = new Reader(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
  neg.arrayLen(false, 1);
  t.is(neg.error()?.reason, 'negative_length');
  const longVarint = new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
  longVarint.uvarint();
  t.is(longVarint.error()?.reason, 'invalid_varint');
  const nullStr = new Reader(Buffer.from([0xff, 0xff]));
  nullStr.string(false);
  t.is(nullStr.error()?.reason, 'null_not_allowed');
});

test('the writer appends large byte fields by reference and coalesces small ones', (t) => {
  const big = Buffer.alloc(4096, 1);
  const w = new Writer(64, 1024);
  w.beginFrame();
  w.int32(7);
  w.bytes([Buffer.from('ab'), big], false);
  w.int16(9);
  w.endFrame();
  const chunks = w.finish();
  t.is(chunks.length, 3);
  t.is(chunks[1], big, 'the record bytes are the caller\'s buffer, not a copy');
  const all = Buffer.concat(chunks);
  t.is(all.readInt32BE(0), all.length - 4);
  t.is(all.readInt32BE(8), 4098);
  t.is(all.readInt16BE(all.length - 2), 9);
  // Growing the buffer mid-frame keeps the size prefix right.
  w.reset();
  w.beginFrame();
  for (let i = 0; i < 1000; i++) w.int32(i);
  w.endFrame();
  const again = w.toBuffer();
  t.is(again.readInt32BE(0), 4000);
  t.is(again.readInt32BE(4 + 999 * 4), 999);
});

test('bytes fields take plain Uint8Arrays (what a Buffer becomes across threads) exactly as Buffers', (t) => {
  const data = Buffer.from('member metadata');
  const viaBuffer = new Writer(64);
  viaBuffer.bytes(data, false);
  viaBuffer.nullableBytes(data, true);
  viaBuffer.bytes([data, data], true);
  const plain = new Uint8Array(structuredClone(data));
  t.false(Buffer.isBuffer(plain));
  const viaPlain = new Writer(64);
  viaPlain.bytes(plain, false);
  viaPlain.nullableBytes(plain, true);
  viaPlain.bytes([plain, plain], true);
  t.deepEqual(viaPlain.toBuffer(), viaBuffer.toBuffer());
});
