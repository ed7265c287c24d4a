// Runs the embedded samsa broker in its own process for the compare harness, on
// an ephemeral port and a fresh temporary data directory (removed on exit).
// Prints {"bootstrap": "..."} once listening; stops like main.ts does.
//   node dist/bench/limit/samsa-main.js [--workers N] [--partitions P] [--data-dir D] [--exit-with-stdin] [--max-ms MS]
// With --data-dir the directory is the caller's: used as found and kept at exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../cli/perf/args.js';
import { startBroker } from '../../index.js';
import { stopWhen } from './stop-when.js';

const flags = parseFlags(process.argv.slice(2), {
  workers: { type: 'int', default: 0, min: 0, help: 'worker threads for partition actors' },
  partitions: { type: 'int', default: 1, min: 1, help: 'num.partitions' },
  'data-dir': { type: 'string', default: '', help: 'use this data directory and keep it (default: a fresh temporary one, removed at exit)' },
  'exit-with-stdin': { type: 'bool', default: false, help: 'exit when stdin closes' },
  'max-ms': { type: 'int', default: 3_600_000, min: 1, help: 'exit after this long' },
});

const ownDir = flags.dataDir === '';
const dataDir = ownDir ? mkdtempSync(join(tmpdir(), 'samsa-bench-')) : flags.dataDir;
const broker = await startBroker({ dataDir, port: 0, workers: flags.workers, 'num.partitions': flags.partitions, logger: 'silent' });
process.stdout.write(JSON.stringify({ bootstrap: broker.bootstrap }) + '\n');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  const done = (): never => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  broker.stop().then(done, done);
};
stopWhen(flags, stop);
