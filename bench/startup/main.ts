// `samsa start` to the first answered Metadata request, and the broker's idle RSS.
// Each run spawns the real CLI (with the Node flags of its shebang) on a fixed
// free port and polls it with Metadata every few milliseconds from this process;
// the time is taken from spawn to the first answer. With --partitions N a topic
// of N partitions is created first and every run is a restart of that data dir
// (the per-partition costs of opening: files, mappings, checkpoints, metadata).
//
//   node dist/bench/startup/main.js [--runs 5] [--partitions 0] [--json]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../../protocol/client/cluster.js';
import { parseFlags } from '../../cli/perf/args.js';
import { median } from '../limit/processes.js';

const flags = parseFlags(process.argv.slice(2), {
  runs: { type: 'int', default: 5, min: 1, help: 'starts measured' },
  partitions: { type: 'int', default: 0, min: 0, help: 'restart with a topic of this many partitions (0: fresh data dir each run)' },
  'idle-ms': { type: 'int', default: 2000, min: 0, help: 'wait this long after the first answer before reading RSS' },
  json: { type: 'bool', default: false, help: 'print the results as JSON' },
});

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');
/** The flags after `node` in cli/main.ts's shebang, so a run is what `samsa start` is. */
const shebangFlags = readFileSync(main, 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(3);
const POLL_MS = 2;
const LIMIT_MS = 60_000;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function firstMetadata(bootstrap: string, child: ChildProcess, t0: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`samsa start exited with ${child.exitCode}`);
    if (performance.now() - t0 > LIMIT_MS) throw new Error(`no Metadata answer within ${LIMIT_MS} ms`);
    try {
      const c = await Cluster.connect({ bootstrap, requestTimeoutMs: 5_000 });
      await c.refresh([]);
      const ms = performance.now() - t0;
      await c.close();
      return ms;
    } catch {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function startOnce(dataDir: string, idleMs: number): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...shebangFlags, main, 'start', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const ms = await firstMetadata(`127.0.0.1:${port}`, child, t0);
    if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
    return { ms, rssMb: rssMb(child.pid!) };
  } finally {
    await stop(child);
  }
}

async function createTopic(dataDir: string, partitions: number): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [...shebangFlags, main, 'start', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await firstMetadata(`127.0.0.1:${port}`, child, performance.now());
    const c = await Cluster.connect({ bootstrap: `127.0.0.1:${port}`, requestTimeoutMs: LIMIT_MS });
    const t0 = performance.now();
    await c.ensureTopic('restart', partitions, 1, LIMIT_MS);
    const ms = performance.now() - t0;
    await c.close();
    return ms;
  } finally {
    await stop(child);
  }
}

const root = mkdtempSync(join(tmpdir(), 'samsa-startup-'));
try {
  const runs: Array<{ ms: number; rssMb: number }> = [];
  let createMs: number | undefined;
  if (flags.partitions > 0) createMs = await createTopic(join(root, 'data'), flags.partitions);
  for (let i = 0; i < flags.runs; i++) {
    const dir = flags.partitions > 0 ? join(root, 'data') : join(root, `fresh-${i}`);
    runs.push(await startOnce(dir, flags.idleMs));
  }
  const result = {
    partitions: flags.partitions,
    createTopicMs: createMs,
    startToMetadataMs: runs.map((r) => Math.round(r.ms)),
    medianMs: Math.round(median(runs.map((r) => r.ms))),
    idleRssMb: Math.round(median(runs.map((r) => r.rssMb))),
  };
  if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
  else {
    const what = flags.partitions > 0 ? `restart with ${flags.partitions} partitions (created in ${Math.round(createMs!)} ms)` : 'fresh start';
    process.stdout.write(`${what}: start to Metadata median ${result.medianMs} ms (${result.startToMetadataMs.join(', ')}), idle RSS ${result.idleRssMb} MB\n`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
