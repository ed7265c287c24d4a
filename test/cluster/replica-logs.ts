/** The bytes replicas hold on disk, for tests that compare them (real processes' data directories). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

/** A replica's log: its segments in order (segment boundaries may differ between replicas; the batches may not). */
export function logBytesIn(partitionDir: string): Buffer {
  const files = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).sort();
  return Buffer.concat(files.map((f) => readFileSync(join(partitionDir, f))));
}

/** Waits until the partition directories hold the same bytes; returns the byte count, or -1 past the time. */
export async function logsAgree(partitionDirs: readonly string[], timeoutMs: number): Promise<number> {
  let size = -1;
  const took = await waitFor(() => {
    const [a, ...rest] = partitionDirs.map(logBytesIn);
    size = a!.length;
    return rest.every((b) => b.equals(a!));
  }, timeoutMs);
  return took === -1 ? -1 : size;
}
