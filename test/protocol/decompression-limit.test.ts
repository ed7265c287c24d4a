/**
 * Decompression with a cap on its output: every codec decompresses a payload
 * of exactly the limit, refuses one byte more with DecompressedSizeError, and
 * refuses a bomb (about 1 MiB that expands to gigabytes) quickly, without
 * the process's memory growing by anything like the expanded size.
 * Malformed framing is an ordinary decompression error, never a crash.
 */
import test, { type ExecutionContext } from 'ava';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import * as snappy from 'snappy';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import {
  CompressionType,
  compressSync,
  DecompressedSizeError,
  decodeRecordBatchSync,
  decompress,
  decompressSync,
  encodeRecordBatchSync,
  lz4FrameShape,
  ProtocolError,
  snappyStatedLength,
  zstdShape,
} from '../../protocol/index.js';

const require = createRequire(import.meta.url);
setFlagsFromString('--expose-gc');
/** A full collection, so that what a measurement sees is what the code under test kept or left. */
const gc = runInNewContext('gc') as () => void;
const zstd = require('zstd-napi/binding') as typeof ZstdBinding;

const KiB = 1 << 10;
const MiB = 1 << 20;
const DEFAULT_LIMIT = 256 * MiB;

/** Compressible, not trivially: numbered lines. */
function text(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let pos = 0;
  for (let i = 0; pos < n; i++) pos += out.write(`record ${i} of the decompression limit test, value ${(i * 2654435761) >>> 0}\n`, pos);
  return out;
}

/** A zstd frame without a content size, as streaming compressors (Java clients) write. */
function zstdStreamed(data: Buffer, checksum = false): Buffer {
  const cctx = new zstd.CCtx();
  if (checksum) cctx.setParameter(zstd.CParameter.checksumFlag, 1);
  const out = Buffer.alloc(zstd.compressBound(data.length) + 1024);
  let pos = 0;
  let src = data;
  while (src.length > 0) {
    const [, produced, consumed] = cctx.compressStream2(out.subarray(pos), src, zstd.EndDirective.continue);
    pos += produced;
    src = src.subarray(consumed);
  }
  for (;;) {
    const [remaining, produced] = cctx.compressStream2(out.subarray(pos), Buffer.alloc(0), zstd.EndDirective.end);
    pos += produced;
    if (remaining === 0) return out.subarray(0, pos);
  }
}

/** A zstd frame by hand: no content size, 128 KiB window, `blocks` RLE blocks of 128 KiB of zeros (4 bytes each). */
function zstdRleBomb(blocks: number): Buffer {
  const out = Buffer.alloc(6 + blocks * 4);
  out.writeUInt32LE(0xfd2fb528, 0);
  out[4] = 0x00; // no content size, not single segment, no checksum, no dictionary
  out[5] = 0x38; // window 2^(10+7) = 128 KiB
  for (let i = 0; i < blocks; i++) out.writeUIntLE((i === blocks - 1 ? 1 : 0) | (1 << 1) | ((128 * KiB) << 3), 6 + i * 4, 3);
  return out;
}

/** Copies of `frame` up to about `bytes`. */
function repeated(frame: Buffer, bytes: number): Buffer {
  return Buffer.concat(Array<Buffer>(Math.max(1, Math.floor(bytes / frame.length))).fill(frame));
}

/** An LZ4 frame by hand: lz4-napi's header (4 MiB blocks) and its block of 1 MiB of zeros, repeated to about `bytes`. */
function lz4Bomb(bytes: number): { bomb: Buffer; expanded: number } {
  const one = compressSync(CompressionType.Lz4, Buffer.alloc(MiB));
  const shape = lz4FrameShape(one);
  if (shape.blocks !== 1 || shape.blockMax < MiB) throw new Error('unexpected lz4 frame shape');
  const header = one.subarray(0, 7);
  const block = one.subarray(7, 11 + one.readUInt32LE(7));
  const n = Math.floor((bytes - 11) / block.length);
  return { bomb: Buffer.concat([header, ...Array<Buffer>(n).fill(block), Buffer.alloc(4)]), expanded: n * MiB };
}

/** Runs `fn`, which must throw DecompressedSizeError, measuring time and memory growth. */
async function refusal(t: ExecutionContext, what: string, fn: () => unknown, expanded: number, limit: number): Promise<{ ms: number; rss: number; arrayBuffers: number }> {
  gc();
  const before = process.memoryUsage();
  const start = performance.now();
  let error: unknown = null;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  const rss = after.rss - before.rss;
  const arrayBuffers = after.arrayBuffers - before.arrayBuffers;
  t.log(`${what}: ${(expanded / MiB).toFixed(0)} MiB expanded, limit ${limit / MiB} MiB: refused in ${ms.toFixed(1)} ms, RSS ${(rss / MiB).toFixed(1)} MiB, arrayBuffers ${(arrayBuffers / MiB).toFixed(1)} MiB`);
  t.true(error instanceof DecompressedSizeError, `${what}: ${String(error)}`);
  if (error instanceof DecompressedSizeError) t.is(error.limit, limit);
  return { ms, rss, arrayBuffers };
}

// ---- exactly the limit, and one byte more, per codec (sync and async) ----

const LIMIT = 1 * MiB + 123;

const EXACT: Array<[string, number, (d: Buffer) => Buffer]> = [
  ['gzip', CompressionType.Gzip, (d) => gzipSync(d)],
  ['snappy (xerial)', CompressionType.Snappy, (d) => compressSync(CompressionType.Snappy, d)],
  ['snappy (raw)', CompressionType.Snappy, (d) => snappy.compressSync(d)],
  ['lz4', CompressionType.Lz4, (d) => compressSync(CompressionType.Lz4, d)],
  ['zstd (content size)', CompressionType.Zstd, (d) => compressSync(CompressionType.Zstd, d)],
  ['zstd (streamed, no content size)', CompressionType.Zstd, zstdStreamed],
];

for (const [name, type, make] of EXACT) {
  test(`${name}: a payload of exactly the limit decompresses, one byte more is refused with DecompressedSizeError`, async (t) => {
    const data = text(LIMIT + 1);
    const under = make(data.subarray(0, LIMIT));
    const over = make(data);
    t.true(decompressSync(type, under, LIMIT).equals(data.subarray(0, LIMIT)));
    t.true((await decompress(type, under, LIMIT)).equals(data.subarray(0, LIMIT)));
    const e = t.throws(() => decompressSync(type, over, LIMIT), { instanceOf: DecompressedSizeError });
    t.is(e?.limit, LIMIT);
    t.regex(e?.message ?? '', /more than the limit of 1048699 bytes/);
    await t.throwsAsync(decompress(type, over, LIMIT), { instanceOf: DecompressedSizeError });
    // Far under the limit, and without one: unchanged.
    t.true(decompressSync(type, over, DEFAULT_LIMIT).equals(data));
    t.true(decompressSync(type, over).equals(data));
  });
}

test('a limit of 0 accepts only an empty payload', (t) => {
  for (const type of [1, 2, 3, 4]) {
    t.is(decompressSync(type, compressSync(type, Buffer.alloc(0)), 0).length, 0);
    t.throws(() => decompressSync(type, compressSync(type, Buffer.from('x')), 0), { instanceOf: DecompressedSizeError });
  }
});

test('zstd: several frames (and skippable frames) count together', (t) => {
  const a = text(300 * KiB);
  const skippable = Buffer.alloc(12);
  skippable.writeUInt32LE(0x184d2a53, 0);
  skippable.writeUInt32LE(4, 4);
  const payload = Buffer.concat([zstdStreamed(a), skippable, compressSync(CompressionType.Zstd, a), zstdStreamed(a)]);
  const shape = zstdShape(payload);
  t.is(shape.frames, 3);
  t.is(shape.contentSize, null);
  t.true(decompressSync(CompressionType.Zstd, payload, 3 * a.length).equals(Buffer.concat([a, a, a])));
  t.throws(() => decompressSync(CompressionType.Zstd, payload, 3 * a.length - 1), { instanceOf: DecompressedSizeError });
});

// ---- bombs ----

test.serial('zstd bomb: 1 MiB of RLE blocks stating 32 GiB is refused from its block headers, nothing decoded', async (t) => {
  const bomb = zstdRleBomb(Math.floor(MiB / 4) - 2);
  const expanded = zstdShape(bomb).bound;
  t.true(expanded > 30 * 1024 * MiB);
  const r = await refusal(t, 'zstd RLE bomb', () => decompressSync(CompressionType.Zstd, bomb, DEFAULT_LIMIT), expanded, DEFAULT_LIMIT);
  t.true(r.rss < 32 * MiB, `RSS grew ${r.rss}`);
  t.true(r.ms < 2000, `${r.ms} ms`);
});

test.serial("zstd bomb: zstd's own frames of 16 MiB of zeros, concatenated to 1 MiB (about 30 GiB), are refused unread", async (t) => {
  const frame = zstdStreamed(Buffer.alloc(16 * MiB));
  const bomb = repeated(frame, MiB);
  const expanded = (bomb.length / frame.length) * 16 * MiB;
  const r = await refusal(t, 'zstd multi-frame bomb', () => decompressSync(CompressionType.Zstd, bomb, DEFAULT_LIMIT), expanded, DEFAULT_LIMIT);
  t.true(r.rss < 32 * MiB, `RSS grew ${r.rss}`);
  // With a content size in each frame, the declared total is refused the same way.
  const declared = repeated(compressSync(CompressionType.Zstd, Buffer.alloc(16 * MiB)), MiB);
  const e = t.throws(() => decompressSync(CompressionType.Zstd, declared, DEFAULT_LIMIT), { instanceOf: DecompressedSizeError });
  t.regex(e?.message ?? '', /frame headers declare/);
});

test.serial('zstd just over the limit, in blocks whose size only decoding tells: decoding stops at the limit', async (t) => {
  // A 7-byte pattern: zstd writes compressed blocks (long matches), bounded by the block maximum, not stated.
  const pattern = Buffer.alloc(64 * MiB + 7);
  for (let i = 0; i < pattern.length; i++) pattern[i] = 'abcdefg'.charCodeAt(i % 7);
  const payload = zstdStreamed(pattern);
  const limit = 64 * MiB;
  t.true(zstdShape(payload).bound <= limit + zstdShape(payload).slack, 'within one block of the limit: decoded, not refused from headers');
  const r = await refusal(t, 'zstd compressed blocks', () => decompressSync(CompressionType.Zstd, payload, limit), pattern.length, limit);
  t.true(r.rss < limit + 64 * MiB, `RSS grew ${r.rss}`);
});

test.serial('lz4 bomb: 1 MiB of blocks of 1 MiB of zeros (about 250 MiB) is refused from its block headers', async (t) => {
  const { bomb, expanded } = lz4Bomb(MiB);
  t.true(expanded > 200 * MiB);
  const limit = 64 * MiB;
  const r = await refusal(t, 'lz4 bomb', () => decompressSync(CompressionType.Lz4, bomb, limit), expanded, limit);
  t.true(r.rss < 32 * MiB, `RSS grew ${r.rss}`);
  t.true(r.ms < 2000, `${r.ms} ms`);
  await t.throwsAsync(decompress(CompressionType.Lz4, bomb, limit), { instanceOf: DecompressedSizeError });
});

test.serial('gzip bomb: 1 MiB of gzip members expanding to 1 GiB stops at the limit', async (t) => {
  const member = gzipSync(Buffer.alloc(8 * MiB), { level: 9 });
  const bomb = repeated(member, MiB);
  const expanded = (bomb.length / member.length) * 8 * MiB;
  t.true(expanded > 900 * MiB);
  const limit = 64 * MiB;
  const r = await refusal(t, 'gzip bomb', () => decompressSync(CompressionType.Gzip, bomb, limit), expanded, limit);
  t.true(r.rss < limit + 64 * MiB, `RSS grew ${r.rss}`);
  t.true(r.ms < 5000, `${r.ms} ms`);
  await t.throwsAsync(decompress(CompressionType.Gzip, bomb, limit), { instanceOf: DecompressedSizeError });
});

test.serial('snappy: stated lengths over the limit are refused before anything is allocated; one no block could hold is malformed', async (t) => {
  // Snappy expands at most 64/3: 2 MiB of zeros is a block of ~96 KiB stating 2 MiB.
  const block = snappy.compressSync(Buffer.alloc(2 * MiB));
  const limit = 16 * MiB;
  const r = await refusal(t, 'snappy raw', () => decompressSync(CompressionType.Snappy, block, MiB), 2 * MiB, MiB);
  t.true(r.rss < 8 * MiB, `RSS grew ${r.rss}`);
  // xerial: each block states 2 MiB; together they are over.
  const header = compressSync(CompressionType.Snappy, Buffer.alloc(0)).subarray(0, 16);
  const len = Buffer.alloc(4);
  len.writeInt32BE(block.length, 0);
  const xerial = Buffer.concat([header, ...Array<Buffer>(10).fill(Buffer.concat([len, block]))]);
  const x = await refusal(t, 'snappy xerial', () => decompressSync(CompressionType.Snappy, xerial, limit), 20 * MiB, limit);
  t.true(x.rss < 8 * MiB, `RSS grew ${x.rss}`);
  t.throws(() => decompressSync(CompressionType.Snappy, xerial, limit), { message: /10 xerial blocks state 20971520 bytes/ });
  await t.throwsAsync(decompress(CompressionType.Snappy, xerial, limit), { instanceOf: DecompressedSizeError });
  t.is(decompressSync(CompressionType.Snappy, xerial, 20 * MiB).length, 20 * MiB);
  // 4 GiB stated in 7 bytes: no snappy block can hold that; malformed, and nothing allocated.
  const lie = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x00]);
  t.is(snappyStatedLength(lie), 2 ** 32 - 1);
  t.throws(() => decompressSync(CompressionType.Snappy, lie, DEFAULT_LIMIT), { instanceOf: RangeError, message: /more than it can hold/ });
});

// ---- malformed framing: decompression errors, not crashes ----

function lz4Frame(): Buffer {
  return compressSync(CompressionType.Lz4, text(200 * KiB));
}

test('malformed lz4 frames are decompression errors (RangeError), not crashes', (t) => {
  const good = lz4Frame();
  const cases: Array<[string, Buffer]> = [];
  const edit = (what: string, f: (b: Buffer) => Buffer) => cases.push([what, f(Buffer.from(good))]);
  edit('empty', () => Buffer.alloc(0));
  edit('short header', (b) => b.subarray(0, 5));
  edit('bad magic', (b) => (b.writeUInt32LE(0x184d2205, 0), b));
  edit('skippable frame first', (b) => (b.writeUInt32LE(0x184d2a50, 0), b));
  edit('version 0', (b) => ((b[4] = b[4]! & 0x3f), b));
  edit('reserved FLG bit', (b) => ((b[4] = b[4]! | 0x02), b));
  edit('reserved block size id', (b) => ((b[5] = 0x30), b));
  edit('block size over the block maximum', (b) => (b.writeUInt32LE(0x7fffffff, 7), b));
  edit('block past the end', (b) => b.subarray(0, 200));
  edit('no end mark', (b) => b.subarray(0, b.length - 4));
  for (const [what, bytes] of cases) {
    t.throws(() => lz4FrameShape(bytes), { instanceOf: RangeError }, what);
    const e = t.throws(() => decompressSync(CompressionType.Lz4, bytes, DEFAULT_LIMIT), undefined, what);
    t.false(e instanceof DecompressedSizeError, what);
  }
  // A content size: over the limit is a size refusal; more than the blocks can hold is malformed.
  const withSize = (frame: Buffer, size: bigint) => {
    const b = Buffer.concat([frame.subarray(0, 6), Buffer.alloc(8), frame.subarray(6)]);
    b[4] = b[4]! | 0x08;
    b.writeBigUInt64LE(size, 6);
    return b;
  };
  const { bomb, expanded } = lz4Bomb(256 * KiB);
  const e = t.throws(() => decompressSync(CompressionType.Lz4, withSize(bomb, BigInt(expanded)), 16 * MiB), { instanceOf: DecompressedSizeError });
  t.regex(e?.message ?? '', /frame header declares/);
  t.throws(() => decompressSync(CompressionType.Lz4, withSize(good, 1n << 40n), DEFAULT_LIMIT), { instanceOf: RangeError, message: /more than its blocks can hold/ });
});

test('malformed snappy is a decompression error, not a crash', (t) => {
  const xerial = compressSync(CompressionType.Snappy, text(100 * KiB));
  const cases: Array<[string, Buffer]> = [
    ['empty raw', Buffer.alloc(0)],
    ['truncated preamble', Buffer.from([0x80, 0x80])],
    ['preamble over 10 bytes', Buffer.alloc(12, 0xff)],
    ['raw body shorter than stated', Buffer.from([0x40, 0x00, 0x01])],
    ['xerial block length past the end', (() => {
      const b = Buffer.from(xerial);
      b.writeInt32BE(1 << 30, 16);
      return b;
    })()],
    ['xerial truncated block', xerial.subarray(0, xerial.length - 10)],
    ['xerial block with a garbage preamble', Buffer.concat([xerial.subarray(0, 16), Buffer.from([0, 0, 0, 2, 0x80, 0x80])])],
  ];
  for (const [what, bytes] of cases) {
    const e = t.throws(() => decompressSync(CompressionType.Snappy, bytes, DEFAULT_LIMIT), undefined, what);
    t.false(e instanceof DecompressedSizeError, what);
  }
});

test('malformed zstd is a decompression error, not a crash', (t) => {
  const good = zstdStreamed(text(300 * KiB), true);
  const reservedBlock = Buffer.from(good);
  reservedBlock.writeUIntLE((reservedBlock.readUIntLE(6, 3) & ~0x6) | (3 << 1), 6, 3);
  const cases: Array<[string, Buffer]> = [
    ['garbage', Buffer.from('definitely not zstd')],
    ['truncated', good.subarray(0, good.length - 5)],
    ['trailing bytes', Buffer.concat([good, Buffer.from([1, 2, 3])])],
    ['reserved header bit', (() => {
      const b = Buffer.from(good);
      b[4] = b[4]! | 0x08;
      return b;
    })()],
    ['reserved block type', reservedBlock],
    // Single segment, content size 1 GiB, one RLE block of 10 bytes.
    ['content size more than its blocks hold', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x40, 0x53, 0, 0, 0])],
    ['corrupt block content', (() => {
      const b = Buffer.from(good);
      for (let i = 20; i < 60; i++) b[i] = 0xa5;
      return b;
    })()],
  ];
  for (const [what, bytes] of cases) {
    const e = t.throws(() => decompressSync(CompressionType.Zstd, bytes, DEFAULT_LIMIT), undefined, what);
    t.false(e instanceof DecompressedSizeError, `${what}: ${e?.message}`);
  }
});

test('decodeRecordBatchSync takes the limit as maxDecompressedBytes', (t) => {
  const batch = encodeRecordBatchSync({ records: [{ value: Buffer.alloc(100 * KiB, 1) }], compression: CompressionType.Zstd });
  t.is(decodeRecordBatchSync(batch, { maxDecompressedBytes: MiB }).records.length, 1);
  const e = t.throws(() => decodeRecordBatchSync(batch, { maxDecompressedBytes: 10 * KiB }), { instanceOf: ProtocolError });
  t.regex(e?.message ?? '', /more than the limit of 10240 bytes/);
});
