/**
 * The shape of an LZ4 frame (lz4.github.io/lz4 frame format), read from its
 * headers alone: what the frame can decompress to at most, before anything
 * is decompressed. Kafka's LZ4 batches are one such frame
 * (KafkaLZ4BlockOutputStream); the decoder reads the first frame and ignores
 * what follows it, and so does this walk.
 */
import { DecompressedSizeError } from './errors.js';

const MAGIC = 0x184d2204;
/** Block maximum sizes by the BD byte's bits 4-6; ids 0-3 are reserved. */
const BLOCK_MAX_BYTES = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20] as const;
/**
 * An LZ4 block yields at most 255 bytes per input byte: a match grows by
 * 255 per length-extension byte, and every sequence costs a token and a
 * 2-byte offset besides. 256 leaves room.
 */
const MAX_RATIO = 256;

export interface Lz4FrameShape {
  /** Upper bound of the decompressed size: stored blocks at their size, compressed ones at min(block max, 256 x their size). */
  readonly bound: number;
  /** The frame's block maximum size (64 KiB to 4 MiB). */
  readonly blockMax: number;
  readonly blocks: number;
  /** The content size the header declares, when it has one. */
  readonly contentSize: number | null;
}

function malformed(what: string): RangeError {
  return new RangeError(`malformed LZ4 frame: ${what}`);
}

/** Reads the frame's header and block headers; throws RangeError on a malformed frame. */
export function lz4FrameShape(data: Buffer): Lz4FrameShape {
  if (data.length < 7) throw malformed(`${data.length} bytes is shorter than a frame header`);
  const magic = data.readUInt32LE(0);
  if (magic !== MAGIC) throw malformed(`magic 0x${magic.toString(16)}`);
  const flg = data[4]!;
  const bd = data[5]!;
  if (flg >> 6 !== 1) throw malformed(`version ${flg >> 6}`);
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) throw malformed('reserved descriptor bits set');
  const blockMax = BLOCK_MAX_BYTES[(bd >> 4) & 7]!;
  if (blockMax === 0) throw malformed(`reserved block size id ${(bd >> 4) & 7}`);
  const blockChecksums = (flg & 0x10) !== 0;
  let pos = 6;
  let contentSize: number | null = null;
  if ((flg & 0x08) !== 0) {
    if (data.length - pos < 8) throw malformed('truncated content size');
    contentSize = Number(data.readBigUInt64LE(pos));
    pos += 8;
  }
  if ((flg & 0x01) !== 0) pos += 4; // dictionary id
  pos += 1; // header checksum
  if (pos > data.length) throw malformed('truncated frame header');
  let bound = 0;
  let blocks = 0;
  for (;;) {
    if (data.length - pos < 4) throw malformed('no end mark');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const stored = word >>> 31 === 1;
    const size = word & 0x7fffffff;
    if (size > blockMax) throw malformed(`block ${blocks} of ${size} bytes is over the frame's ${blockMax}-byte block size`);
    if (size > data.length - pos) throw malformed(`block ${blocks} of ${size} bytes runs past the end`);
    bound += stored ? size : Math.min(blockMax, size * MAX_RATIO);
    blocks++;
    pos += size + (blockChecksums ? 4 : 0);
  }
  return { bound, blockMax, blocks, contentSize };
}

/**
 * Refuses, before decompressing, an LZ4 frame that could decompress to more
 * than `maxBytes` (DecompressedSizeError): its declared content size is over,
 * or its blocks could hold more than `maxBytes` plus one block (the last
 * block of a frame is usually partial; the caller checks the decompressed
 * length against `maxBytes` itself). A content size its blocks cannot hold
 * is a malformed frame (RangeError). Returns the frame's shape.
 */
export function checkLz4Frame(data: Buffer, maxBytes: number): Lz4FrameShape {
  const shape = lz4FrameShape(data);
  if (shape.contentSize !== null && shape.contentSize > shape.bound) {
    throw malformed(`header declares ${shape.contentSize} bytes, more than its blocks can hold (${shape.bound})`);
  }
  if (shape.contentSize !== null && shape.contentSize > maxBytes) {
    throw new DecompressedSizeError('lz4', maxBytes, `its frame header declares ${shape.contentSize} bytes`);
  }
  if (shape.bound > maxBytes + shape.blockMax) {
    throw new DecompressedSizeError('lz4', maxBytes, `its ${shape.blocks} blocks can hold ${shape.bound} bytes`);
  }
  return shape;
}
