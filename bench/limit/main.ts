// Runs the limit server in its own process: prints {"bootstrap": "..."} on one
// line once listening, stops on SIGTERM/SIGINT, when stdin closes with
// --exit-with-stdin (its parent went away), and after --max-ms whatever happens.
//   node dist/bench/limit/main.js [--store] [--fetch-records N] [--record-size B] [--batch-records R] [--partitions P] [--max-ms MS]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../cli/perf/args.js';
import { startLimitServer } from './server.js';
import { stopWhen } from './stop-when.js';

const flags = parseFlags(process.argv.slice(2), {
  'fetch-records': { type: 'int', default: 0, min: 0, help: 'records in the in-memory log every fetch reads' },
  'record-size': { type: 'int', default: 100, min: 0, help: 'bytes of each stored record value' },
  'batch-records': { type: 'int', default: 1000, min: 1, help: 'records per stored batch' },
  partitions: { type: 'int', default: 1, min: 1, help: 'partitions of topics nobody created' },
  store: { type: 'bool', default: false, help: 'write produced records to files in a fresh temporary directory' },
  port: { type: 'int', default: 0, min: 0, help: 'port (0: ephemeral)' },
  'exit-with-stdin': { type: 'bool', default: false, help: 'exit when stdin closes (for a parent process holding a pipe)' },
  'max-ms': { type: 'int', default: 3_600_000, min: 1, help: 'exit after this long' },
});

const server = await startLimitServer({
  port: flags.port,
  storeDir: flags.store ? mkdtempSync(join(tmpdir(), 'samsa-limit-')) : undefined,
  defaultPartitions: flags.partitions,
  fetchLog: { records: flags.fetchRecords, recordBytes: flags.recordSize, batchRecords: flags.batchRecords },
});
process.stdout.write(JSON.stringify({ bootstrap: server.bootstrap }) + '\n');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0));
};
stopWhen(flags, stop);
