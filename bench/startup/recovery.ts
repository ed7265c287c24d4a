// Recovery after a crash, inline (workers: 0) against the pool (workers: 2).
// A broker is filled through P partitions and SIGKILLed before it checkpoints a
// recovery point, so a restart validates every batch of every partition (CRC-32C
// and structure) before it serves. Each run restarts a copy of that crashed data
// dir and times spawn -> listening; inline and pool take turns, the order rotating.
// With --clean the broker is stopped cleanly instead: a restart with nothing to
// recover, which shows what the pool's start costs by itself.
//
//   node dist/bench/startup/recovery.js [--partitions 8] [--mb 128] [--runs 3] [--clean] [--json]
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../cli/perf/args.js';
import { median, runPerfProcess, startServerProcess } from '../limit/processes.js';

const flags = parseFlags(process.argv.slice(2), {
  partitions: { type: 'int', default: 8, min: 1, help: 'partitions of the topic' },
  mb: { type: 'int', default: 128, min: 1, help: 'MiB of records per partition' },
  runs: { type: 'int', default: 3, min: 1, help: 'restarts measured per placement' },
  clean: { type: 'bool', default: false, help: 'stop the filling broker cleanly (nothing to recover)' },
  json: { type: 'bool', default: false, help: 'print the results as JSON' },
});

const RECORD = 100;
const root = mkdtempSync(join(tmpdir(), 'samsa-recovery-'));
const crashed = join(root, 'crashed');

async function fill(): Promise<void> {
  const broker = await startServerProcess('fill', 'limit/samsa-main.js', ['--data-dir', crashed, '--partitions', String(flags.partitions)]);
  try {
    const records = Math.round((flags.partitions * flags.mb * 2 ** 20) / (RECORD + 8));
    await runPerfProcess(['produce', '--bootstrap', broker.bootstrap, '--topic', 'recover', '--partitions', String(flags.partitions), '--request-partitions', String(flags.partitions), '--num-records', String(records), '--record-size', String(RECORD), '--batch-bytes', '262144', '--acks', '1'], 600_000);
  } finally {
    if (flags.clean) await broker.stop();
    else await broker.kill!();
  }
}

/** Spawn to listening on a fresh copy of the crashed dir, in ms. */
async function restart(workers: number, run: number): Promise<number> {
  const dir = join(root, `run-${run}-w${workers}`);
  cpSync(crashed, dir, { recursive: true });
  const t0 = performance.now();
  const broker = await startServerProcess(`w${workers}`, 'limit/samsa-main.js', ['--data-dir', dir, '--workers', String(workers)], 600_000);
  const ms = performance.now() - t0;
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

try {
  await fill();
  const times: Record<number, number[]> = { 0: [], 2: [] };
  for (let r = 0; r < flags.runs; r++) {
    for (const w of r % 2 === 0 ? [0, 2] : [2, 0]) {
      const ms = await restart(w, r);
      times[w]!.push(ms);
      process.stderr.write(`run ${r + 1}/${flags.runs} workers=${w}: ${ms.toFixed(0)} ms\n`);
    }
  }
  const ratios = times[0]!.map((t, i) => t / times[2]![i]!);
  const result = {
    partitions: flags.partitions,
    mbPerPartition: flags.mb,
    crashed: !flags.clean,
    inlineMs: median(times[0]!),
    poolMs: median(times[2]!),
    /** inline time over pool time, median of the per-run ratios (> 1: the pool is faster) */
    poolSpeedup: median(ratios),
    runs: times,
  };
  if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
  else {
    process.stdout.write(
      `${flags.clean ? 'clean restart' : 'recovery after SIGKILL'}: ${flags.partitions} partitions x ${flags.mb} MiB\n` +
        `  inline (workers 0): ${result.inlineMs.toFixed(0)} ms median (${times[0]!.map((t) => t.toFixed(0)).join(', ')})\n` +
        `  pool (workers 2):   ${result.poolMs.toFixed(0)} ms median (${times[2]!.map((t) => t.toFixed(0)).join(', ')})\n` +
        `  pool speed-up:      ${result.poolSpeedup.toFixed(2)}x (median of per-run inline/pool)\n`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
