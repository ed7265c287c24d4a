// Worker thread for the concurrency test: attaches to a log another thread
// writes and reads it to the end, checking that every batch it is served is
// whole (its CRC-32C matches) and in offset order. Keeps some views to check
// them again after the writer deleted their segments.
import { parentPort, workerData } from 'node:worker_threads';
import { PartitionLog, StorageError } from '../../../native/index.js';
import { crc32cTable } from './crc32c-ref.js';

const { dir, until } = workerData as { dir: string; until: number };
const log = PartitionLog.attach(dir);
let next = 0;
let batches = 0;
let restarts = 0;
const kept: Array<{ view: Buffer; crc: number }> = [];
const problems: string[] = [];

while (next < until && problems.length === 0) {
  let r;
  try {
    r = log.read(next, 64 * 1024);
  } catch (e) {
    if (e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE') {
      next = log.logStartOffset; // retention moved past us
      restarts++;
      continue;
    }
    throw e;
  }
  for (const view of r.views) {
    for (let pos = 0; pos < view.length; ) {
      const size = view.readInt32BE(pos + 8) + 12;
      const base = Number(view.readBigInt64BE(pos));
      const last = base + view.readInt32BE(pos + 23);
      if (pos + size > view.length) problems.push(`partial batch at ${base}`);
      else if (view.readUInt32BE(pos + 17) !== crc32cTable(view, pos + 21, pos + size)) problems.push(`bad crc at ${base}`);
      if (last < next) problems.push(`offset went back: ${last} < ${next}`);
      next = last + 1;
      batches++;
      pos += size;
    }
    if (kept.length < 50 && batches % 7 === 0) kept.push({ view, crc: crc32cTable(view) });
  }
}
// The views' segments may be deleted by now; their bytes must be unchanged.
for (const k of kept) if (crc32cTable(k.view) !== k.crc) problems.push('a kept view changed');
log.close();
parentPort!.postMessage({ batches, restarts, problems, next });
