// Child processes for the harnesses: a server that prints {"bootstrap": ...} once
// listening, and a perf run that prints its summary as JSON. Each has a time
// limit and is stopped by its parent; none outlives the harness.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PerfSummary } from '../../cli/perf/report.js';

const distBench = join(dirname(fileURLToPath(import.meta.url)), '..'); // dist/bench

/** The V8 heap settings `samsa start` runs with (cli/main.ts), given to every process alike. */
export const NODE_FLAGS = ['--initial-old-space-size=64'];

export interface ServerProcess {
  name: string;
  bootstrap: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no shutdown work runs. */
  kill?(): Promise<void>;
}

/** Starts `script` (relative to dist/bench) and waits for its bootstrap line. */
export async function startServerProcess(name: string, script: string, args: readonly string[], startMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, join(distBench, script), ...args, '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${startMs} ms: ${stderr}`));
    }, startMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve((JSON.parse(out.slice(0, nl)) as { bootstrap: string }).bootstrap);
      } catch {
        reject(new Error(`${name} printed ${out.slice(0, nl)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening: ${stderr}`));
    });
  });
  return {
    name,
    bootstrap,
    stop: () => stopChild(child),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin!.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `perf <args> --json` in its own process and returns its summary. */
export async function runPerfProcess(args: readonly string[], limitMs = 300_000): Promise<PerfSummary> {
  const child = spawn(process.execPath, [...NODE_FLAGS, join(distBench, 'perf-cli.js'), ...args, '--json', '--progress-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`perf ${args.join(' ')} exited with ${code}: ${err.trim()}`);
  return JSON.parse(out.trim().split('\n').pop()!) as PerfSummary;
}

/** Median of a list (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
