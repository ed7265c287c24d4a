// Child process for the disk-full test, run under `ulimit -f` (Node ignores
// SIGXFSZ, so writes past the limit fail with EFBIG): appends until an append
// fails, then reports what the log looked like before and after.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, StorageError } from '../../../native/index.js';
import { simpleBatch } from './batch-builder.js';

const dir = process.argv[2]!;
const log = PartitionLog.open(dir, { durable: true, segmentIndexBytes: 4096 });
const segment = join(dir, '00000000000000000000.log');
let acked = 0;
for (let i = 0; i < 10_000; i++) {
  const before = { end: log.logEndOffset, bytes: statSync(segment).size };
  try {
    log.append(simpleBatch(3, 700));
    acked = log.logEndOffset;
  } catch (e) {
    const code = e instanceof StorageError ? e.code : String(e);
    const after = { end: log.logEndOffset, bytes: statSync(segment).size };
    let readBytes = 0;
    for (const v of log.read(0, 1 << 30).views) readBytes += v.length;
    process.stdout.write(JSON.stringify({ code, before, after, acked, readBytes }));
    process.exit(0);
  }
}
process.stdout.write(JSON.stringify({ code: 'none' }));
