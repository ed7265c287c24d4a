// The produce workload (N records of 100 B, batches of 1000 pipelined 5 deep)
// against samsa, Redis Streams and NATS JetStream, and the limit server for
// scale; targets alternate within each round, each load in its own process.
// A peer whose server binary is missing is skipped with a note.
//   node dist/bench/peers/compare.js [--rounds 3] [--num-records 1000000] [--bootstrap host:port] [--json]
import { parseFlags } from '../../cli/perf/args.js';
import type { PerfSummary } from '../../cli/perf/report.js';
import { median, runPerfProcess, startServerProcess, type ServerProcess } from '../limit/processes.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Daemon } from './daemon.js';
import { startNats } from './nats.js';
import { startRedis } from './redis.js';

const f = parseFlags(process.argv.slice(2), {
  rounds: { type: 'int', default: 3, min: 1, help: 'runs per target' },
  'num-records': { type: 'int', default: 1_000_000, min: 1, help: 'records per run' },
  'record-size': { type: 'int', default: 100, min: 0, help: 'bytes per record' },
  'batch-records': { type: 'int', default: 1000, min: 1, help: 'records per batch' },
  'max-in-flight': { type: 'int', default: 5, min: 1, help: 'batches outstanding' },
  bootstrap: { type: 'string', default: '', help: 'a running Kafka-protocol broker instead of starting samsa' },
  json: { type: 'bool', default: false, help: 'print JSON' },
});

const here = dirname(fileURLToPath(import.meta.url));

interface Target {
  name: string;
  run(): Promise<PerfSummary>;
}

async function peerRun(peer: string, port: number): Promise<PerfSummary> {
  const args = ['--port', String(port), '--num-records', String(f.numRecords), '--record-size', String(f.recordSize), '--batch-records', String(f.batchRecords), '--max-in-flight', String(f.maxInFlight)];
  const child = spawn(process.execPath, [join(here, 'load.js'), peer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 330_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${peer} load exited with ${code}: ${err.trim()}`);
  return JSON.parse(out.trim().split('\n').pop()!) as PerfSummary;
}

async function main(): Promise<void> {
  const servers: ServerProcess[] = [];
  const daemons: Daemon[] = [];
  const notes: string[] = [];
  const targets: Target[] = [];
  const kafkaArgs = (bootstrap: string, topic: string): string[] => [
    'produce', '--bootstrap', bootstrap, '--topic', topic, '--num-records', String(f.numRecords), '--record-size', String(f.recordSize),
    '--batch-records', String(f.batchRecords), '--max-in-flight', String(f.maxInFlight), '--acks', '1', '--warmup-records', String(Math.round(f.numRecords / 10)),
  ];
  try {
    let samsaBootstrap = f.bootstrap;
    if (!samsaBootstrap) {
      const s = await startServerProcess('samsa', 'limit/samsa-main.js', ['--workers', '0']);
      servers.push(s);
      samsaBootstrap = s.bootstrap;
    }
    targets.push({ name: 'samsa', run: () => runPerfProcess(kafkaArgs(samsaBootstrap, 'peers-p')) });
    const redis = startRedis();
    if (redis) {
      const d = await redis;
      daemons.push(d);
      targets.push({ name: 'redis streams (XADD, AOF, appendfsync no)', run: () => peerRun('redis', d.port) });
    } else notes.push('redis-server not installed: Redis Streams skipped (apt-get install redis-server)');
    const nats = startNats();
    if (nats) {
      const d = await nats;
      daemons.push(d);
      targets.push({ name: 'nats jetstream (file storage)', run: () => peerRun('nats', d.port) });
    } else notes.push('nats-server not installed: NATS JetStream skipped (apt-get install nats-server)');
    const limit = await startServerProcess('limit', 'limit/main.js', []);
    servers.push(limit);
    targets.push({ name: 'limit', run: () => runPerfProcess(kafkaArgs(limit.bootstrap, 'peers-p')) });

    const runs = new Map<string, PerfSummary[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < f.rounds; r++) {
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(i + r) % targets.length]!;
        const s = await t.run();
        if (s.errors > 0) throw new Error(`${t.name}: ${s.errors} errors (${String(s.config['firstError'])})`);
        runs.get(t.name)!.push(s);
        process.stderr.write(`round ${r + 1}/${f.rounds} ${t.name}: ${s.recordsPerSec.toFixed(0)} records/s, p99 ${s.latencyMs.p99.toFixed(2)} ms\n`);
      }
    }
    const samsaRate = median(runs.get('samsa')!.map((s) => s.recordsPerSec));
    const rows = targets.map((t) => {
      const rs = runs.get(t.name)!;
      const rate = median(rs.map((s) => s.recordsPerSec));
      return { target: t.name, recordsPerSec: rate, mbPerSec: median(rs.map((s) => s.mbPerSec)), p50Ms: median(rs.map((s) => s.latencyMs.p50)), p99Ms: median(rs.map((s) => s.latencyMs.p99)), samsaOverThis: samsaRate / rate };
    });
    if (f.json) {
      process.stdout.write(JSON.stringify({ rounds: f.rounds, numRecords: f.numRecords, recordSize: f.recordSize, batchRecords: f.batchRecords, rows, notes }, null, 2) + '\n');
      return;
    }
    const lines = [
      `produce ${f.numRecords} x ${f.recordSize} B, batches of ${f.batchRecords} pipelined ${f.maxInFlight} deep; ${f.rounds} rounds alternating; latency per batch`,
      '',
      '| target | records/s (median) | MB/s | p50 ms | p99 ms | samsa / target |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.target} | ${r.recordsPerSec.toFixed(0)} | ${r.mbPerSec.toFixed(1)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.samsaOverThis.toFixed(3)} |`),
      ...notes.map((n) => `\nnote: ${n}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await Promise.all([...servers.map((s) => s.stop()), ...daemons.map((d) => d.stop())]);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
