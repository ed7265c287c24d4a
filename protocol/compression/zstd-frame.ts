/**
 * zstd decompression with a cap on its output (RFC 8878 frames).
 *
 * The frames' headers and block headers are walked first, without decoding:
 * raw and RLE blocks state their decompressed size, a compressed block
 * decompresses to at most the frame's block maximum size (min(window,
 * 128 KiB)), a frame's content size (when it has one) is exact; the bound
 * zstd's own ZSTD_decompressBound computes, with RLE blocks at their size. A payload
 * whose bound is far over the limit (an RLE bomb states gigabytes in a few
 * bytes per 128 KiB block) is refused without any decoding. Otherwise the
 * payload is decoded in one pass into a buffer of min(bound, limit) bytes:
 * zstd's one-shot decoder writes straight into it (no window buffer of its
 * own) and stops with "Destination buffer is too small" at its end, so no
 * more than the limit is ever produced.
 */
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { DecompressedSizeError } from './errors.js';
import { lazyRequire } from './lazy-native.js';

const binding = lazyRequire<typeof ZstdBinding>('zstd-napi/binding');

const MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_START = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 << 10;
const RAW = 0;
const RLE = 1;
const RESERVED = 3;
const DICT_ID_BYTES = [0, 1, 2, 4] as const;

export interface ZstdShape {
  /** Upper bound of the decompressed size of every frame together. */
  readonly bound: number;
  /** How much of `bound` may be partial last blocks of frames without a content size. */
  readonly slack: number;
  /** The sum of the frames' content sizes, or null when a frame has none. */
  readonly contentSize: number | null;
  readonly frames: number;
  readonly blocks: number;
}

function malformed(what: string): RangeError {
  return new RangeError(`malformed zstd frame: ${what}`);
}

/** Reads the frame and block headers of `data` (zstd frames and skippable frames); throws RangeError on a malformed one. */
export function zstdShape(data: Buffer): ZstdShape {
  let pos = 0;
  let bound = 0;
  let slack = 0;
  let contentSize: number | null = 0;
  let frames = 0;
  let blocks = 0;
  while (pos < data.length) {
    if (data.length - pos < 4) throw malformed(`${data.length - pos} trailing bytes`);
    const magic = data.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_START) {
      if (data.length - pos < 8) throw malformed('truncated skippable frame');
      const size = data.readUInt32LE(pos + 4);
      pos += 8;
      if (size > data.length - pos) throw malformed(`skippable frame of ${size} bytes runs past the end`);
      pos += size;
      continue;
    }
    if (magic !== MAGIC) throw malformed(`magic 0x${magic.toString(16)}`);
    pos += 4;
    if (pos >= data.length) throw malformed('truncated frame header');
    const fhd = data[pos++]!;
    if ((fhd & 0x08) !== 0) throw malformed('reserved frame header bit set');
    const singleSegment = (fhd & 0x20) !== 0;
    const fcsFlag = fhd >> 6;
    let windowSize = 0;
    if (!singleSegment) {
      if (pos >= data.length) throw malformed('truncated frame header');
      const wd = data[pos++]!;
      const base = 2 ** (10 + (wd >> 3));
      windowSize = base + (base / 8) * (wd & 7);
    }
    pos += DICT_ID_BYTES[fhd & 3]!;
    const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
    if (fcsBytes > data.length - pos) throw malformed('truncated frame header');
    let fcs: number | null = null;
    if (fcsBytes === 1) fcs = data[pos]!;
    else if (fcsBytes === 2) fcs = data.readUInt16LE(pos) + 256;
    else if (fcsBytes === 4) fcs = data.readUInt32LE(pos);
    else if (fcsBytes === 8) fcs = Number(data.readBigUInt64LE(pos));
    pos += fcsBytes;
    if (singleSegment) windowSize = fcs!;
    const blockMax = Math.min(windowSize, BLOCK_SIZE_MAX);
    let frameBound = 0;
    for (;;) {
      if (data.length - pos < 3) throw malformed(`truncated block header in frame ${frames}`);
      const header = data.readUIntLE(pos, 3);
      pos += 3;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === RESERVED) throw malformed(`reserved block type in frame ${frames}`);
      const carried = type === RLE ? 1 : size;
      if (carried > data.length - pos) throw malformed(`block of ${carried} bytes in frame ${frames} runs past the end`);
      pos += carried;
      frameBound += type === RAW || type === RLE ? size : blockMax;
      blocks++;
      if ((header & 1) !== 0) break;
    }
    if ((fhd & 0x04) !== 0) {
      if (data.length - pos < 4) throw malformed('truncated content checksum');
      pos += 4;
    }
    if (fcs !== null && fcs > frameBound) throw malformed(`frame ${frames} declares ${fcs} bytes, more than its blocks can hold (${frameBound})`);
    // A content size is exact (the decoder checks it); without one, the last block may be partial.
    bound += fcs ?? frameBound;
    if (fcs === null) slack += blockMax;
    contentSize = contentSize === null || fcs === null ? null : contentSize + fcs;
    frames++;
  }
  return { bound, slack, contentSize, frames, blocks };
}

let dctx: ZstdBinding.DCtx | undefined;

/** Decompresses zstd frames into at most `maxBytes`; throws DecompressedSizeError past it, RangeError or Error on a malformed payload. */
export function zstdDecompressBounded(data: Buffer, maxBytes: number): Buffer {
  const shape = zstdShape(data);
  if (shape.contentSize !== null && shape.contentSize > maxBytes) {
    throw new DecompressedSizeError('zstd', maxBytes, `its frame headers declare ${shape.contentSize} bytes`);
  }
  if (shape.bound > maxBytes + shape.slack) {
    throw new DecompressedSizeError('zstd', maxBytes, `its ${shape.blocks} blocks can hold ${shape.bound} bytes`);
  }
  const capacity = Math.min(shape.bound, maxBytes);
  const out = Buffer.allocUnsafe(capacity);
  if (shape.frames === 0) return out;
  dctx ??= new (binding().DCtx)();
  let n: number;
  try {
    n = dctx.decompress(out, data);
  } catch (err) {
    if (capacity < shape.bound && /too small/i.test((err as Error).message)) {
      throw new DecompressedSizeError('zstd', maxBytes, `decoding reached the limit`);
    }
    throw err;
  }
  return n === capacity ? out : out.subarray(0, n);
}
