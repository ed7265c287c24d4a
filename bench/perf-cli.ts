// Runs `samsa perf` without the samsa command: node dist/bench/perf-cli.js produce --num-records ...
import { runPerf } from '../cli/perf/index.js';
import { UsageError } from '../cli/perf/args.js';

runPerf(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
