// The record batch compression codecs, by the id in the batch attributes (bits 0-2).
// Every codec produces what Java clients produce and reads what any client sends:
// gzip streams, xerial-framed or raw snappy, LZ4 frames, zstd frames.
//
// Decompression takes an optional limit on its output (`maxBytes`). A small
// payload can decompress to gigabytes (deflate reaches ~1000:1, LZ4 ~255:1,
// zstd RLE blocks 128 KiB from 4 bytes); with a limit, each codec refuses
// with DecompressedSizeError before producing more than about the limit:
// gzip through zlib's maxOutputLength, snappy and LZ4 from the sizes their
// framing states, zstd from its block headers and a one-pass decode into a
// buffer of at most the limit. A malformed payload throws another error.
import { constants as bufferConstants } from 'node:buffer';
import { gunzip, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';
import type * as Lz4 from 'lz4-napi';
import type * as Zstd from 'zstd-napi';
import { DecompressedSizeError } from './errors.js';
import { lazyRequire } from './lazy-native.js';
import { checkLz4Frame } from './lz4-frame.js';
import { snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync } from './snappy.js';
import { zstdDecompressBounded } from './zstd-frame.js';

export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

export const COMPRESSION_NAMES: Readonly<Record<CompressionType, string>> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };

export interface Codec {
  compress(data: Buffer): Promise<Buffer>;
  /** With `maxBytes`, rejects with DecompressedSizeError rather than produce more than about that. */
  decompress(data: Buffer, maxBytes?: number): Promise<Buffer>;
  compressSync(data: Buffer): Buffer;
  /** With `maxBytes`, throws DecompressedSizeError rather than produce more than about that. */
  decompressSync(data: Buffer, maxBytes?: number): Buffer;
}

const lz4 = lazyRequire<typeof Lz4>('lz4-napi');
const zstd = lazyRequire<typeof Zstd>('zstd-napi');

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const identity: Codec = {
  compress: async (d) => d,
  decompress: async (d) => d,
  compressSync: (d) => d,
  decompressSync: (d) => d,
};

/** Refuses a decompressed payload longer than `maxBytes` (the codecs that can only bound it beforehand). */
function checkLength(codec: string, out: Buffer, maxBytes: number | undefined): Buffer {
  if (maxBytes !== undefined && out.length > maxBytes) throw new DecompressedSizeError(codec, maxBytes, `it decompresses to ${out.length} bytes`);
  return out;
}

// zlib stops as soon as its output passes maxOutputLength (RangeError ERR_BUFFER_TOO_LARGE).
function gunzipOptions(maxBytes: number | undefined): ZlibOptions {
  if (maxBytes === undefined) return {};
  return { maxOutputLength: Math.min(bufferConstants.MAX_LENGTH, Math.max(1, maxBytes)) };
}

function gunzipRefusal(err: unknown, maxBytes: number | undefined): unknown {
  if (maxBytes !== undefined && (err as NodeJS.ErrnoException)?.code === 'ERR_BUFFER_TOO_LARGE') {
    return new DecompressedSizeError('gzip', maxBytes, 'decoding reached the limit');
  }
  return err;
}

const gzipCodec: Codec = {
  compress: (d) => gzipAsync(d),
  decompress: async (d, max) => {
    try {
      return checkLength('gzip', await gunzipAsync(d, gunzipOptions(max)), max);
    } catch (err) {
      throw gunzipRefusal(err, max);
    }
  },
  compressSync: (d) => gzipSync(d),
  decompressSync: (d, max) => {
    try {
      return checkLength('gzip', gunzipSync(d, gunzipOptions(max)), max);
    } catch (err) {
      throw gunzipRefusal(err, max);
    }
  },
};

const snappyCodec: Codec = {
  compress: snappyCompress,
  decompress: snappyDecompress,
  compressSync: snappyCompressSync,
  decompressSync: snappyDecompressSync,
};

// lz4-napi's frames are what Kafka's KafkaLZ4BlockOutputStream reads: independent
// blocks, no block checksums, correct header checksum. With a limit, the frame's
// block headers are walked first (lz4-frame.ts).
const lz4Codec: Codec = {
  compress: (d) => lz4().compressFrame(d),
  decompress: async (d, max) => {
    if (max === undefined) return lz4().decompressFrame(d);
    checkLz4Frame(d, max);
    return checkLength('lz4', await lz4().decompressFrame(d), max);
  },
  compressSync: (d) => lz4().compressFrameSync(d),
  decompressSync: (d, max) => {
    if (max === undefined) return lz4().decompressFrameSync(d);
    checkLz4Frame(d, max);
    return checkLength('lz4', lz4().decompressFrameSync(d), max);
  },
};

// zstd-napi's simple API decodes frames with or without a content size (Java
// clients stream, so theirs have none); with a limit, zstd-frame.ts does.
const zstdCodec: Codec = {
  compress: async (d) => zstd().compress(d),
  decompress: async (d, max) => (max === undefined ? zstd().decompress(d) : zstdDecompressBounded(d, max)),
  compressSync: (d) => zstd().compress(d),
  decompressSync: (d, max) => (max === undefined ? zstd().decompress(d) : zstdDecompressBounded(d, max)),
};

const CODECS: readonly Codec[] = [identity, gzipCodec, snappyCodec, lz4Codec, zstdCodec];

/** The codec for a compression id; throws RangeError for ids 5-7 (reserved). */
export function codecFor(type: number): Codec {
  const c = CODECS[type];
  if (c === undefined) throw new RangeError(`unknown compression type ${type}`);
  return c;
}

export function compress(type: number, data: Buffer): Promise<Buffer> {
  return codecFor(type).compress(data);
}

/** With `maxBytes`, rejects with DecompressedSizeError rather than produce more than about that. */
export function decompress(type: number, data: Buffer, maxBytes?: number): Promise<Buffer> {
  return codecFor(type).decompress(data, maxBytes);
}

export function compressSync(type: number, data: Buffer): Buffer {
  return codecFor(type).compressSync(data);
}

/** With `maxBytes`, throws DecompressedSizeError rather than produce more than about that. */
export function decompressSync(type: number, data: Buffer, maxBytes?: number): Buffer {
  return codecFor(type).decompressSync(data, maxBytes);
}
