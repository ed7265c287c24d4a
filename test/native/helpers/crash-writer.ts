// Child process for crash tests: appends `count` deterministic batches to a
// log, then dies by SIGKILL without closing it (no final flush, index trim
// or clean shutdown), as a crashed broker would.
import { PartitionLog } from '../../../native/index.js';
import { simpleBatch } from './batch-builder.js';

const [dir, countText, segmentBytesText] = process.argv.slice(2);
const log = PartitionLog.open(dir!, { segmentBytes: Number(segmentBytesText), indexIntervalBytes: 512 });
for (let i = 0; i < Number(countText); i++) log.append(simpleBatch(1 + (i % 3), 20 + ((i * 53) % 300), { baseTimestamp: 1_000 + i }));
process.kill(process.pid, 'SIGKILL');
