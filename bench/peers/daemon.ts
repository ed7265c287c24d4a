// Starting and stopping a peer's server binary for one run: a free port on
// 127.0.0.1, a temporary directory, a readiness probe, and a kill on stop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Daemon {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** The binary's path, or null when it is not installed. */
export function findBinary(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} /usr/bin/${name} 2>/dev/null | head -1`], { encoding: 'utf8' });
  const path = r.stdout.trim().split('\n')[0];
  return path ? path : null;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server did not listen on ${port} within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `binary args(port, dir)` until stop(); the directory is removed afterwards. */
export async function startDaemon(binary: string, args: (port: number, dir: string) => string[], limitMs = 15_000): Promise<Daemon> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'samsa-peer-'));
  const child = spawn(binary, args(port, dir), { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, child, limitMs);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${binary}: ${(e as Error).message}: ${stderr.trim()}`);
  }
  return {
    port,
    dir,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
