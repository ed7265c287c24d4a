// Snappy as Kafka clients send it. Java clients (snappy-java) write the "xerial"
// framing: an 8-byte magic, int32 version and compatible version, then blocks of
// int32 compressed length + raw snappy block. Other clients send one raw snappy
// block. We write xerial (every client reads it) and read both.
import type * as Snappy from 'snappy';
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

export function snappyCompressSync(data: Buffer): Buffer {
  return frame(blocksOf(data).map((b) => snappy().compressSync(b)));
}

export async function snappyCompress(data: Buffer): Promise<Buffer> {
  return frame(await Promise.all(blocksOf(data).map((b) => snappy().compress(b))));
}

export function snappyDecompressSync(data: Buffer): Buffer {
  if (!isXerial(data)) return asBuffer(snappy().uncompressSync(data, { asBuffer: true }));
  return Buffer.concat(xerialBlocks(data).map((b) => asBuffer(snappy().uncompressSync(b, { asBuffer: true }))));
}

export async function snappyDecompress(data: Buffer): Promise<Buffer> {
  if (!isXerial(data)) return asBuffer(await snappy().uncompress(data, { asBuffer: true }));
  const blocks = await Promise.all(xerialBlocks(data).map((b) => snappy().uncompress(b, { asBuffer: true })));
  return Buffer.concat(blocks.map(asBuffer));
}
