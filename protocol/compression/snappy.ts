// Snappy as Kafka clients send it. Java clients (snappy-java) write the "xerial"
// framing: an 8-byte magic, int32 version and compatible version, then blocks of
// int32 compressed length + raw snappy block. Other clients send one raw snappy
// block. We write xerial (every client reads it) and read both.
//
// A raw snappy block starts with its uncompressed length (a varint), and the
// decoder allocates that much before decoding; with a limit, the stated
// lengths (one per xerial block) are checked before anything is allocated.
import type * as Snappy from 'snappy';
import { DecompressedSizeError } from './errors.js';
import { lazyRequire } from './lazy-native.js';

const snappy = lazyRequire<typeof Snappy>('snappy');

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** snappy-java's default block size */
const XERIAL_BLOCK_BYTES = 32 * 1024;

export function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function header(): Buffer {
  const h = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(h, 0);
  h.writeInt32BE(1, 8);
  h.writeInt32BE(1, 12);
  return h;
}

function blocksOf(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += XERIAL_BLOCK_BYTES) out.push(data.subarray(i, Math.min(data.length, i + XERIAL_BLOCK_BYTES)));
  return out;
}

function frame(compressed: Buffer[]): Buffer {
  const parts: Buffer[] = [header()];
  for (const c of compressed) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(c.length, 0);
    parts.push(len, c);
  }
  return Buffer.concat(parts);
}

/** The raw blocks of a xerial stream; throws on a malformed one. */
function xerialBlocks(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.length) {
    if (data.length - pos < 4) throw new RangeError('truncated xerial snappy block length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || len > data.length - pos) throw new RangeError(`xerial snappy block of ${len} bytes exceeds the input`);
    out.push(data.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

const asBuffer = (b: string | Buffer): Buffer => (typeof b === 'string' ? Buffer.from(b) : b);

/** The uncompressed length a raw snappy block states in its varint preamble; throws RangeError on a malformed one. */
export function snappyStatedLength(block: Buffer): number {
  let length = 0;
  for (let i = 0; i < 10; i++) {
    if (i >= block.length) throw new RangeError('truncated snappy length preamble');
    const b = block[i]!;
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return length;
  }
  throw new RangeError('snappy length preamble longer than 10 bytes');
}

/**
 * Snappy's densest element is a 3-byte copy of 64 bytes: a block cannot
 * decompress to more than 64/3 of its size. A stated length past that is a
 * malformed block, not a large one.
 */
const MAX_RATIO = 22;

/** The total the blocks state; throws RangeError when a block states more than it can hold, DecompressedSizeError when the total is over `maxBytes`. */
function checkStated(blocks: readonly Buffer[], maxBytes: number, xerial: boolean): number {
  let total = 0;
  for (const b of blocks) {
    const stated = snappyStatedLength(b);
    if (stated > b.length * MAX_RATIO) throw new RangeError(`snappy block of ${b.length} bytes states ${stated}, more than it can hold`);
    total += stated;
  }
  if (total > maxBytes) {
    const what = xerial ? `its ${blocks.length} xerial blocks state ${total} bytes` : `it states ${total} bytes`;
    throw new DecompressedSizeError('snappy', maxBytes, what);
  }
  return total;
}

/** The decompressed blocks copied one by one into a buffer of the stated total (no second copy of the whole). */
function joinInto(total: number, parts: Iterable<Buffer>): Buffer {
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const p of parts) {
    if (p.length > total - pos) throw new RangeError('snappy block decompressed past its stated length');
    pos += p.copy(out, pos);
  }
  if (pos !== total) throw new RangeError('snappy blocks decompressed short of their stated length');
  return out;
}

export function snappyCompressSync(data: Buffer): Buffer {
  return frame(blocksOf(data).map((b) => snappy().compressSync(b)));
}

export async function snappyCompress(data: Buffer): Promise<Buffer> {
  return frame(await Promise.all(blocksOf(data).map((b) => snappy().compress(b))));
}

/** Raw or xerial snappy; with `maxBytes`, throws DecompressedSizeError before decoding when the stated length is over it. */
export function snappyDecompressSync(data: Buffer, maxBytes?: number): Buffer {
  const xerial = isXerial(data);
  const blocks = xerial ? xerialBlocks(data) : [data];
  if (maxBytes === undefined) {
    if (!xerial) return asBuffer(snappy().uncompressSync(data, { asBuffer: true }));
    return Buffer.concat(blocks.map((b) => asBuffer(snappy().uncompressSync(b, { asBuffer: true }))));
  }
  const total = checkStated(blocks, maxBytes, xerial);
  if (!xerial) return asBuffer(snappy().uncompressSync(data, { asBuffer: true }));
  return joinInto(total, (function* () {
    for (const b of blocks) yield asBuffer(snappy().uncompressSync(b, { asBuffer: true }));
  })());
}

export async function snappyDecompress(data: Buffer, maxBytes?: number): Promise<Buffer> {
  const xerial = isXerial(data);
  const blocks = xerial ? xerialBlocks(data) : [data];
  const total = maxBytes === undefined ? null : checkStated(blocks, maxBytes, xerial);
  if (!xerial) return asBuffer(await snappy().uncompress(data, { asBuffer: true }));
  const parts = (await Promise.all(blocks.map((b) => snappy().uncompress(b, { asBuffer: true })))).map(asBuffer);
  return total === null ? Buffer.concat(parts) : joinInto(total, parts);
}
