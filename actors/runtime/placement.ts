// Which pool worker hosts a key: xxhash64 of the key's UTF-8 bytes, mod the
// worker count. Deterministic across runs and processes, so a partition always
// lands on the same worker for a given pool size.
import { createRequire } from 'node:module';
import type XXHashAddon from 'xxhash-addon';

// Loaded on first use: with every actor inline (workers: 0) nothing is placed.
const require = createRequire(import.meta.url);
let xxhash64: typeof XXHashAddon.XXHash64 | undefined;

export function workerIndexForKey(key: string, workers: number): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  xxhash64 ??= (require('xxhash-addon') as typeof XXHashAddon).XXHash64;
  const digest = xxhash64.hash(Buffer.from(key, 'utf8'));
  return Number(digest.readBigUInt64BE(0) % BigInt(workers));
}
