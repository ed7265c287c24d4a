// Which pool worker hosts a key: xxhash64 of the key's UTF-8 bytes, mod the
// worker count. Deterministic across runs and processes, so a partition always
// lands on the same worker for a given pool size.
//
// A kind whose keys are numbered members of a group (`orders-0`, `orders-1`, ...:
// a topic's partitions) can ask for `spread` placement: member n of a group goes
// to worker (xxhash64(group) + n) mod workers. Hashing each key alone leaves
// small groups lopsided (8 partitions on 2 workers split 6/2 as often as 4/4),
// and a topic's partitions are what one request loads at once.
import { createRequire } from 'node:module';
import type XXHashAddon from 'xxhash-addon';

// Loaded on first use: with every actor inline (workers: 0) nothing is placed.
const require = createRequire(import.meta.url);
let xxhash64: typeof XXHashAddon.XXHash64 | undefined;

export type PlacementRule = 'hash' | 'spread';

/** `<group>-<n>`: n a decimal ordinal without leading zeros (so `t-01` hashes whole) */
const MEMBER = /^(.*)-(0|[1-9][0-9]{0,8})$/s;

/** The group and ordinal of a `<group>-<n>` key as 'spread' placement reads it; null for any other key. */
export function memberOfKey(key: string): { group: string; n: number } | null {
  const m = MEMBER.exec(key);
  return m ? { group: m[1]!, n: Number(m[2]) } : null;
}

export function workerIndexForKey(key: string, workers: number, rule: PlacementRule = 'hash'): number {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (rule === 'spread') {
    const m = memberOfKey(key);
    if (m) return Number((hash64(m.group) + BigInt(m.n)) % BigInt(workers));
  }
  return Number(hash64(key) % BigInt(workers));
}

function hash64(s: string): bigint {
  xxhash64 ??= (require('xxhash-addon') as typeof XXHashAddon).XXHash64;
  return xxhash64.hash(Buffer.from(s, 'utf8')).readBigUInt64BE(0);
}
