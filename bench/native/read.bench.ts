// Read throughput: 1 MiB fetches (zero-copy views over the mmap'd segment)
// next to readSync (pread) of the same byte ranges into one pooled buffer.
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSuite, measure } from '../harness.js';
import { PartitionLog } from '../../native/index.js';
import { simpleBatch } from '../../test/native/helpers/batch-builder.js';

const FETCH_BYTES = 1024 * 1024;
const LOG_BYTES = 128 * 1024 * 1024;

export default defineSuite('native/read', async (opts) => {
  const root = mkdtempSync(join(tmpdir(), 'samsa-bench-read-'));
  const dir = join(root, 'topic-0');
  const log = PartitionLog.open(dir, { segmentBytes: 1024 * 1024 * 1024 });
  const batch = simpleBatch(16, 1000);
  while (log.segments()[0]!.bytes < LOG_BYTES) log.append(batch);
  const end = log.logEndOffset;
  const fd = openSync(join(dir, '00000000000000000000.log'), 'r');
  const pooled = Buffer.alloc(FETCH_BYTES + batch.length);
  let offset = 0;
  let position = 0;
  let sink = 0;
  try {
    return await measure('native/read', [
      {
        name: 'readSync 1MiB (pread, pooled buffer)',
        bytes: FETCH_BYTES,
        fn: () => {
          const n = readSync(fd, pooled, 0, FETCH_BYTES, position);
          position = n < FETCH_BYTES ? 0 : position + n;
          sink += pooled[0]!;
        },
      },
      {
        name: 'read 1MiB (views)',
        bytes: FETCH_BYTES,
        ref: 'readSync 1MiB (pread, pooled buffer)',
        fn: () => {
          const r = log.read(offset, FETCH_BYTES);
          offset = r.nextOffset >= end ? 0 : r.nextOffset;
          // touch every page, as a socket write would
          for (const v of r.views) for (let i = 0; i < v.length; i += 4096) sink += v[i]!;
        },
      },
    ], opts);
  } finally {
    closeSync(fd);
    log.close();
    rmSync(root, { recursive: true, force: true });
    if (sink === -1) console.log(sink);
  }
});
