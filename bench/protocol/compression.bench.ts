// Compress/decompress throughput of each record batch codec on 64 KiB of
// record-like data, against a plain copy of the same bytes.
import { defineSuite, measure, type BenchTask } from '../harness.js';
import { codecFor, COMPRESSION_NAMES, CompressionType } from '../../protocol/compression/codecs.js';

const SIZE = 64 * 1024;

export default defineSuite('protocol/compression', async (opts) => {
  // Semi-compressible: JSON-ish records with varying ids.
  const parts: string[] = [];
  for (let i = 0; parts.join('').length < SIZE; i++) parts.push(`{"id":${i * 7919},"user":"user-${i % 97}","event":"click","ts":${1700000000000 + i}}`);
  const data = Buffer.from(parts.join('')).subarray(0, SIZE);
  const sink = Buffer.alloc(SIZE);
  const tasks: BenchTask[] = [{ name: 'copy 64 KiB (Buffer.copy)', bytes: SIZE, fn: () => data.copy(sink) }];
  for (const type of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    const codec = codecFor(type);
    const packed = codec.compressSync(data);
    const n = COMPRESSION_NAMES[type];
    tasks.push({ name: `${n} compress`, bytes: SIZE, ref: 'copy 64 KiB (Buffer.copy)', gate: false, fn: () => codec.compressSync(data) });
    tasks.push({ name: `${n} decompress`, bytes: SIZE, ref: 'copy 64 KiB (Buffer.copy)', gate: false, fn: () => codec.decompressSync(packed) });
  }
  return measure('protocol/compression', tasks, opts);
});
