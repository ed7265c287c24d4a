// Per-partition cost of a clean restart: open and close 100 partition logs that
// each hold a few batches, with their checkpointed recovery point at the log end
// (what a broker restart with many partitions pays per partition), next to a bare
// open+close of the same directories' files.
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSuite, measure } from '../harness.js';
import { PartitionLog } from '../../native/index.js';
import { simpleBatch } from '../../test/native/helpers/batch-builder.js';

const PARTITIONS = 100;
const BATCHES = 8;

export default defineSuite('native/open', async (opts) => {
  const root = mkdtempSync(join(tmpdir(), 'samsa-bench-open-'));
  const dirs = Array.from({ length: PARTITIONS }, (_, i) => join(root, `t-${i}`));
  const ends = new Map<string, number>();
  for (const dir of dirs) {
    const log = PartitionLog.open(dir);
    for (let b = 0; b < BATCHES; b++) log.append(simpleBatch(10, 100));
    log.flush();
    ends.set(dir, log.recoveryPoint);
    log.close();
  }
  const files = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
  try {
    return await measure(
      'native/open',
      [
        { name: `open+close files of ${PARTITIONS} partitions`, items: PARTITIONS, fn: () => { for (const f of files) closeSync(openSync(f, 'r')); } },
        {
          name: `clean restart of ${PARTITIONS} partition logs`,
          items: PARTITIONS,
          ref: `open+close files of ${PARTITIONS} partitions`,
          fn: () => { for (const dir of dirs) PartitionLog.open(dir, {}, { recoveryPoint: ends.get(dir)! }).close(); },
        },
      ],
      opts,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
