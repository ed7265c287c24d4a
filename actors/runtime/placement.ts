// Which pool worker hosts a key: xxhash64 of the key's UTF-8 bytes, mod the
// worker count. Deterministic across runs and processes, so a partition always
// lands on the same worker for a given pool size.
import xxhash from 'xxhash-addon';

const { XXHash64 } = xxhash;

export function workerIndexForKey(key: string, workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const digest = XXHash64.hash(Buffer.from(key, 'utf8'));
  return Number(digest.readBigUInt64BE(0) % BigInt(workers));
}
