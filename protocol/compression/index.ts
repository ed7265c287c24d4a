export * from './codecs.js';
export { isXerial, snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync } from './snappy.js';
