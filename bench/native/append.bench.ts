// Append throughput for 1 KiB, 16 KiB and 1 MiB batches, each next to
// fs.writeSync of the same bytes to a plain file in the same run (the ratio is
// the engine's cost over a bare write). Both are reset every RESET_BYTES so
// the page cache and the disk stay bounded.
import { mkdtempSync, openSync, writeSync, ftruncateSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSuite, measure, type BenchTask } from '../harness.js';
import { PartitionLog } from '../../native/index.js';
import { simpleBatch } from '../../test/native/helpers/batch-builder.js';

const RESET_BYTES = 256 * 1024 * 1024;
const SIZES: Array<[string, number]> = [['1KiB', 1024], ['16KiB', 16 * 1024], ['1MiB', 1024 * 1024]];

/** One batch of about `bytes` bytes: a single record carrying the rest. */
function batchOf(bytes: number): Buffer {
  return simpleBatch(1, bytes - 80);
}

export default defineSuite('native/append', async (opts) => {
  const root = mkdtempSync(join(tmpdir(), 'samsa-bench-append-'));
  const tasks: BenchTask[] = [];
  const cleanups: Array<() => void> = [];
  for (const [label, size] of SIZES) {
    const batch = batchOf(size);
    let log: PartitionLog;
    let logged = 0;
    const path = join(root, `plain-${label}`);
    let fd = -1;
    let written = 0;
    tasks.push({
      name: `fs.writeSync ${label}`,
      bytes: batch.length,
      beforeAll: () => {
        fd = openSync(path, 'w');
        written = 0;
      },
      fn: () => {
        writeSync(fd, batch);
        written += batch.length;
        if (written >= RESET_BYTES) {
          ftruncateSync(fd, 0);
          written = 0;
        }
      },
      afterAll: () => closeSync(fd),
    });
    tasks.push({
      name: `append ${label}`,
      bytes: batch.length,
      ref: `fs.writeSync ${label}`,
      beforeAll: () => {
        log = PartitionLog.open(join(root, `topic-${label}`)); // Kafka's defaults: 1 GiB segments
        logged = 0;
      },
      fn: () => {
        log.append(batch);
        logged += batch.length;
        if (logged >= RESET_BYTES) {
          log.truncateTo(0);
          logged = 0;
        }
      },
      afterAll: () => log.close(),
    });
  }
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  try {
    return await measure('native/append', tasks, opts);
  } finally {
    for (const c of cleanups) c();
  }
});
