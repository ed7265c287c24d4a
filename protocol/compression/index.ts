export * from './codecs.js';
export { DecompressedSizeError } from './errors.js';
export { checkLz4Frame, lz4FrameShape, type Lz4FrameShape } from './lz4-frame.js';
export { isXerial, snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync, snappyStatedLength } from './snappy.js';
export { zstdDecompressBounded, zstdShape, type ZstdShape } from './zstd-frame.js';
