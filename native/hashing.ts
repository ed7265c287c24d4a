// CRC-32C and Kafka's murmur2 partitioner, backed by the addon. Validation is
// here; the native side only computes.
import { addon } from './addon.js';
import { StorageError } from './errors.js';

function assertBytes(buf: unknown, what: string): asserts buf is Uint8Array {
  if (!(buf instanceof Uint8Array)) throw new StorageError(`${what} must be a Uint8Array`, 'INVALID_ARGUMENT');
}

function assertRange(buf: Uint8Array, start: number, end: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > buf.length) {
    throw new StorageError(`range [${start}, ${end}) is outside a buffer of ${buf.length} bytes`, 'INVALID_ARGUMENT');
  }
}

/** CRC-32C (Castagnoli) of buf[start, end), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  assertBytes(buf, 'crc32c input');
  assertRange(buf, start, end);
  return addon.crc32c(buf, start, end);
}

/** The portable (slicing-by-8) path, whatever the CPU. For tests and benchmarks. */
export function crc32cPortable(buf: Uint8Array, start = 0, end = buf.length): number {
  assertBytes(buf, 'crc32c input');
  assertRange(buf, start, end);
  return addon.crc32cPortable(buf, start, end);
}

/** The SSE4.2 path; throws INVALID_ARGUMENT on CPUs without it. For tests and benchmarks. */
export function crc32cHardware(buf: Uint8Array, start = 0, end = buf.length): number {
  assertBytes(buf, 'crc32c input');
  assertRange(buf, start, end);
  return addon.crc32cHardware(buf, start, end);
}

export function crc32cHardwareAvailable(): boolean {
  return addon.crc32cHardwareAvailable();
}

/** Kafka's murmur2 of the key bytes: a signed 32-bit integer. */
export function murmur2(key: Uint8Array): number {
  assertBytes(key, 'murmur2 key');
  return addon.murmur2(key);
}

function assertPartitions(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 0x7fffffff) {
    throw new StorageError(`numPartitions must be a positive int32, got ${numPartitions}`, 'INVALID_ARGUMENT');
  }
}

/** The partition Kafka's default partitioner picks for a non-null key: (murmur2 & 0x7fffffff) % n. */
export function partitionFor(key: Uint8Array, numPartitions: number): number {
  assertBytes(key, 'partition key');
  assertPartitions(numPartitions);
  return (addon.murmur2(key) & 0x7fffffff) % numPartitions;
}

/** Many keys in one buffer: key i is bytes[offsets[i], offsets[i + 1]). */
export interface PackedKeys {
  bytes: Uint8Array;
  /** count + 1 entries, non-decreasing, within bytes */
  offsets: Int32Array;
}

/** Packs keys (bytes, or strings as UTF-8) for the batch calls. */
export function packKeys(keys: ReadonlyArray<Uint8Array | string>): PackedKeys {
  const parts = keys.map((k) => (typeof k === 'string' ? Buffer.from(k, 'utf8') : k));
  let total = 0;
  for (const p of parts) total += p.length;
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(parts.length + 1);
  let at = 0;
  parts.forEach((p, i) => {
    bytes.set(p, at);
    at += p.length;
    offsets[i + 1] = at;
  });
  return { bytes, offsets };
}

function batchOut(keys: PackedKeys, out: Int32Array | undefined): Int32Array {
  assertBytes(keys.bytes, 'packed keys');
  if (!(keys.offsets instanceof Int32Array)) throw new StorageError('offsets must be an Int32Array', 'INVALID_ARGUMENT');
  const count = Math.max(0, keys.offsets.length - 1);
  if (out === undefined) return new Int32Array(count);
  if (!(out instanceof Int32Array) || out.length < count) {
    throw new StorageError(`out must be an Int32Array of at least ${count} entries`, 'INVALID_ARGUMENT');
  }
  return out;
}

/** murmur2 of every packed key in one native call. */
export function murmur2Batch(keys: PackedKeys, out?: Int32Array): Int32Array {
  const result = batchOut(keys, out);
  addon.murmur2Batch(keys.bytes, keys.offsets, result, 0);
  return result;
}

/** partitionFor of every packed key in one native call. */
export function partitionForBatch(keys: PackedKeys, numPartitions: number, out?: Int32Array): Int32Array {
  assertPartitions(numPartitions);
  const result = batchOut(keys, out);
  addon.murmur2Batch(keys.bytes, keys.offsets, result, numPartitions);
  return result;
}

/** A murmur2 batch kernel: 16 keys per AVX-512 register, 8 per AVX2 register, or scalar code. */
export type Murmur2Kernel = 'avx512' | 'avx2' | 'portable';

/** The batch kernels this CPU can run, fastest first; the batch calls use the first. For tests and benchmarks. */
export function murmur2Kernels(): Murmur2Kernel[] {
  return addon.murmur2Kernels() as Murmur2Kernel[];
}

/**
 * The batch calls on one named kernel: hashes when numPartitions is 0, else
 * partitions. Throws INVALID_ARGUMENT when the CPU cannot run it. For tests and benchmarks.
 */
export function murmur2BatchWith(kernel: Murmur2Kernel, keys: PackedKeys, numPartitions: number, out?: Int32Array): Int32Array {
  if (numPartitions !== 0) assertPartitions(numPartitions);
  const result = batchOut(keys, out);
  addon.murmur2Batch(keys.bytes, keys.offsets, result, numPartitions, kernel);
  return result;
}
