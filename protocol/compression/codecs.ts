// The record batch compression codecs, by the id in the batch attributes (bits 0-2).
// Every codec produces what Java clients produce and reads what any client sends:
// gzip streams, xerial-framed or raw snappy, LZ4 frames, zstd frames.
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import type * as Lz4 from 'lz4-napi';
import type * as Zstd from 'zstd-napi';
import { lazyRequire } from './lazy-native.js';
import { snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync } from './snappy.js';

export const CompressionType = { None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

export const COMPRESSION_NAMES: Readonly<Record<CompressionType, string>> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };

export interface Codec {
  compress(data: Buffer): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
  compressSync(data: Buffer): Buffer;
  decompressSync(data: Buffer): Buffer;
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

const gzipCodec: Codec = {
  compress: (d) => gzipAsync(d),
  decompress: (d) => gunzipAsync(d),
  compressSync: (d) => gzipSync(d),
  decompressSync: (d) => gunzipSync(d),
};

const snappyCodec: Codec = {
  compress: snappyCompress,
  decompress: snappyDecompress,
  compressSync: snappyCompressSync,
  decompressSync: snappyDecompressSync,
};

// lz4-napi's frames are what Kafka's KafkaLZ4BlockOutputStream reads: independent
// blocks, no block checksums, correct header checksum.
const lz4Codec: Codec = {
  compress: (d) => lz4().compressFrame(d),
  decompress: (d) => lz4().decompressFrame(d),
  compressSync: (d) => lz4().compressFrameSync(d),
  decompressSync: (d) => lz4().decompressFrameSync(d),
};

// zstd-napi's simple API decodes frames with or without a content size (Java
// clients stream, so theirs have none).
const zstdCodec: Codec = {
  compress: async (d) => zstd().compress(d),
  decompress: async (d) => zstd().decompress(d),
  compressSync: (d) => zstd().compress(d),
  decompressSync: (d) => zstd().decompress(d),
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

export function decompress(type: number, data: Buffer): Promise<Buffer> {
  return codecFor(type).decompress(data);
}

export function compressSync(type: number, data: Buffer): Buffer {
  return codecFor(type).compressSync(data);
}

export function decompressSync(type: number, data: Buffer): Buffer {
  return codecFor(type).decompressSync(data);
}
