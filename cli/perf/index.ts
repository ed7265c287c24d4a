// `samsa perf <produce|consume|e2e> [flags]`: the perf tools, as entry points
// taking the arguments after `perf`.
import { UsageError } from './args.js';
import { runPerfConsume } from './consume.js';
import { runPerfE2e } from './e2e.js';
import { runPerfProduce, type PerfIo } from './produce.js';
import type { PerfSummary } from './report.js';

export { runPerfProduce, parseProduceArgs, batchRecordsOf, type PerfIo, type ProduceFlags } from './produce.js';
export { runPerfConsume, parseConsumeArgs, type ConsumeFlags } from './consume.js';
export { runPerfE2e, parseE2eArgs } from './e2e.js';
export { UsageError, parseFlags, usage } from './args.js';
export { LatencyRecorder, percentile, type LatencySummary } from './latency.js';
export { formatSummary, type PerfSummary } from './report.js';

const SUBCOMMANDS = 'produce | consume | e2e';

/** Dispatches on the sub-command (argv = the arguments after `perf`). */
export async function runPerf(argv: readonly string[], io?: PerfIo): Promise<PerfSummary | null> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'produce':
      return runPerfProduce(rest, io);
    case 'consume':
      return runPerfConsume(rest, io);
    case 'e2e':
      return runPerfE2e(rest, io);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      (io?.stdout ?? process.stdout).write(`usage: samsa perf <${SUBCOMMANDS}> [flags]   (--help after a sub-command lists its flags)\n`);
      return null;
    default:
      throw new UsageError(`unknown perf sub-command ${JSON.stringify(sub)}: expected ${SUBCOMMANDS}`);
  }
}
