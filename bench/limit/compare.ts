// samsa against the limit, as ratios taken in one run. Every server runs in its own
// process and every load generator in another; targets take turns within each
// round (A B, then B A, ...) so drift on a shared machine hits both alike.
// Reports per workload the median records/s, MB/s and p99 of each target and the
// ratio samsa/limit (median of the per-round ratios).
//
//   node dist/bench/limit/compare.js [--rounds 5] [--quick] [--bootstrap host:port] [--workers-variant] [--json]
//
// --bootstrap measures an already running broker instead of starting samsa.
// --workers-variant compares samsa with workers: 0 and workers: 2 on 1 and 8 partitions,
// and on 8 partitions of gzip and zstd batches.
// The main workloads also run against "limit+store", the limit server writing each
// produce's records to a file: the ceiling for any broker that stores what it acks.
import { parseFlags } from '../../cli/perf/args.js';
import type { PerfSummary } from '../../cli/perf/report.js';
import { median, runPerfProcess, startServerProcess, type ServerProcess } from './processes.js';

const flags = parseFlags(process.argv.slice(2), {
  rounds: { type: 'int', default: 5, min: 1, help: 'runs of each workload against each target' },
  quick: { type: 'bool', default: false, help: 'smaller workloads (smoke run)' },
  bootstrap: { type: 'string', default: '', help: 'measure this running broker instead of starting samsa' },
  'workers-variant': { type: 'bool', default: false, help: 'samsa workers 0 vs 2 on 1 and 8 partitions' },
  'only-limit': { type: 'bool', default: false, help: 'measure the limit server alone' },
  json: { type: 'bool', default: false, help: 'print the results as JSON' },
});

interface Workload {
  name: string;
  /** perf arguments (without --bootstrap) */
  args: string[];
  /** run once per target before the rounds (not measured) */
  setup?: string[];
}

const scale = flags.quick ? 0.2 : 1;
const n = (x: number): string => String(Math.round(x * scale));
const FETCH_RECORDS = Math.round(4_000_000 * scale);
/** produce runs start with this share of their records unmeasured (JIT warm-up) */
const warm = (x: number): string[] => ['--warmup-records', n(x / 10)];

function mainWorkloads(): Workload[] {
  return [
    { name: 'produce acks=1, 1000 x 100 B per batch', args: ['produce', '--topic', 'cmp-p1000', '--num-records', n(8_000_000), ...warm(8_000_000), '--record-size', '100', '--batch-records', '1000', '--acks', '1'] },
    { name: 'produce acks=1, 16 KiB requests', args: ['produce', '--topic', 'cmp-p16k', '--num-records', n(4_000_000), ...warm(4_000_000), '--record-size', '100', '--batch-bytes', '16384', '--acks', '1'] },
    {
      name: 'fetch stored data, 1 MiB fetches',
      args: ['consume', '--topic', 'cmp-fetch', '--num-records', String(FETCH_RECORDS), '--fetch-bytes', String(1 << 20), '--from', 'earliest'],
      setup: ['produce', '--topic', 'cmp-fetch', '--num-records', String(FETCH_RECORDS), '--record-size', '100', '--batch-records', '1000'],
    },
  ];
}

function workersWorkloads(): Workload[] {
  const produce = (p: number, compression: string): Workload => ({
    name: `produce 16 KiB batches${compression === 'none' ? '' : ` (${compression})`}, ${p} partition(s), one batch per partition per request`,
    args: ['produce', '--topic', `cmp-w${p}-${compression}`, '--partitions', String(p), '--request-partitions', String(p), '--num-records', n(4_000_000), ...warm(4_000_000), '--record-size', '100', '--batch-bytes', '16384', '--acks', '1', '--compression', compression],
  });
  // Compressed batches are decompressed on produce to check their records: CPU work
  // per batch that runs where the partition lives.
  return [produce(1, 'none'), produce(8, 'none'), produce(8, 'gzip'), produce(8, 'zstd')];
}

interface Row {
  workload: string;
  target: string;
  runs: PerfSummary[];
}

async function measure(targets: ServerProcess[], workloads: Workload[], rounds: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const w of workloads) for (const t of targets) rows.push({ workload: w.name, target: t.name, runs: [] });
  for (const w of workloads) {
    if (!w.setup) continue;
    for (const t of targets) await runPerfProcess([...w.setup, '--bootstrap', t.bootstrap]);
  }
  for (let r = 0; r < rounds; r++) {
    for (const w of workloads) {
      // Rotate who goes first so neither side always runs on a warmer or cooler machine.
      const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
      for (const t of order) {
        const s = await runPerfProcess([...w.args, '--bootstrap', t.bootstrap]);
        if (s.errors > 0) throw new Error(`${t.name} / ${w.name}: ${s.errors} errors (${String(s.config['firstError'])})`);
        rows.find((x) => x.workload === w.name && x.target === t.name)!.runs.push(s);
        process.stderr.write(`round ${r + 1}/${rounds} ${w.name} @ ${t.name}: ${s.recordsPerSec.toFixed(0)} records/s, ${s.mbPerSec.toFixed(1)} MB/s, p99 ${s.latencyMs.p99.toFixed(2)} ms\n`);
      }
    }
  }
  return rows;
}

interface Result {
  workload: string;
  target: string;
  recordsPerSec: number;
  mbPerSec: number;
  p99Ms: number;
  p50Ms: number;
  /** median records/s over the reference target's */
  ratio?: number;
  /** a row that only carries a ratio between two other rows */
  derived?: boolean;
  ratioTo?: string;
}

function results(rows: Row[], reference: string): Result[] {
  const out: Result[] = rows.map((r) => ({
    workload: r.workload,
    target: r.target,
    recordsPerSec: median(r.runs.map((s) => s.recordsPerSec)),
    mbPerSec: median(r.runs.map((s) => s.mbPerSec)),
    p50Ms: median(r.runs.map((s) => s.latencyMs.p50)),
    p99Ms: median(r.runs.map((s) => s.latencyMs.p99)),
  }));
  // The ratio is the median of per-round ratios: both runs of a round met the
  // same machine conditions, so each round's ratio is free of the drift between rounds.
  for (const r of out) {
    const mine = rows.find((x) => x.workload === r.workload && x.target === r.target)!;
    const ref = rows.find((x) => x.workload === r.workload && x.target === reference);
    if (ref && r.target !== reference) {
      r.ratio = median(mine.runs.map((s, i) => s.recordsPerSec / ref.runs[i]!.recordsPerSec));
      r.ratioTo = reference;
    }
  }
  return out;
}

function table(rs: Result[]): string {
  const lines = ['| workload | target | records/s (median) | MB/s | p50 ms | p99 ms | ratio |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rs) {
    const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(3)} of ${r.ratioTo}`;
    if (r.derived) {
      lines.push(`| ${r.workload} | ${r.target} | | | | | ${ratio} |`);
      continue;
    }
    lines.push(`| ${r.workload} | ${r.target} | ${r.recordsPerSec.toFixed(0)} | ${r.mbPerSec.toFixed(1)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${ratio} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started: ServerProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const limit = await startServerProcess('limit', 'limit/main.js', ['--fetch-records', String(FETCH_RECORDS), '--record-size', '100', '--batch-records', '1000']);
    started.push(limit);
    const targets: ServerProcess[] = [];
    if (flags.bootstrap) targets.push({ name: 'broker', bootstrap: flags.bootstrap, stop: async () => undefined });
    else if (!flags.onlyLimit && !flags.workersVariant) {
      const samsa = await startServerProcess('samsa', 'limit/samsa-main.js', ['--workers', '0']);
      started.push(samsa);
      targets.push(samsa);
    }
    if (flags.workersVariant && !flags.bootstrap) {
      for (const w of [0, 2]) {
        const s = await startServerProcess(`samsa workers=${w}`, 'limit/samsa-main.js', ['--workers', String(w)]);
        started.push(s);
        targets.push(s);
      }
    }
    if (!flags.workersVariant) {
      const stored = await startServerProcess('limit+store', 'limit/main.js', ['--store', '--fetch-records', String(FETCH_RECORDS), '--record-size', '100', '--batch-records', '1000']);
      started.push(stored);
      targets.push(stored);
    }
    targets.push(limit);
    const workloads = flags.workersVariant ? workersWorkloads() : mainWorkloads();
    const rows = await measure(targets, workloads, flags.rounds);
    const rs = results(rows, 'limit');
    if (flags.workersVariant) {
      for (const r of rs) {
        if (r.target !== 'samsa workers=2') continue;
        const w0 = rs.find((x) => x.workload === r.workload && x.target === 'samsa workers=0')!;
        const w2Runs = rows.find((x) => x.workload === r.workload && x.target === r.target)!.runs;
        const w0Runs = rows.find((x) => x.workload === r.workload && x.target === w0.target)!.runs;
        const ratio = median(w2Runs.map((s, i) => s.recordsPerSec / w0Runs[i]!.recordsPerSec));
        rs.push({ ...r, target: 'workers=2 / workers=0', ratio, ratioTo: 'samsa workers=0', derived: true });
      }
    }
    for (const r of [...rs]) {
      if (r.target === 'limit' || r.target === 'limit+store' || r.derived) continue;
      const mine = rows.find((x) => x.workload === r.workload && x.target === r.target)!.runs;
      const stored = rows.find((x) => x.workload === r.workload && x.target === 'limit+store')?.runs;
      if (!stored || r.workload.startsWith('fetch')) continue;
      const ratio = median(mine.map((s, i) => s.recordsPerSec / stored[i]!.recordsPerSec));
      rs.push({ ...r, target: `${r.target} / limit+store`, ratio, ratioTo: 'limit+store', derived: true });
    }
    if (flags.json) process.stdout.write(JSON.stringify({ rounds: flags.rounds, quick: flags.quick, results: rs }, null, 2) + '\n');
    else process.stdout.write(`${flags.rounds} rounds, targets alternating within each round\n\n${table(rs)}\n`);
  } finally {
    await stopAll();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
