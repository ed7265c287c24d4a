/** Real ZooKeeper servers for the cluster tests: started per file, stopped after it; the suite skips, saying why, where ZooKeeper is missing. */
import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ensemble } from '../../cluster/zookeeper/ensemble.js';
import { zookeeperMissing } from '../../cluster/zookeeper/server-process.js';

export { waitFor } from './wait-for.js';

export const ZK_MISSING = zookeeperMissing();
/** Short ticks so session timeouts of a second or two are allowed. */
export const TEST_TICK_MS = 250;

/** `test`, or `test.skip` with the reason logged once, when no ZooKeeper can run here. */
export function zkTest(): typeof test.serial {
  if (ZK_MISSING === null) return test.serial;
  test('ZooKeeper suites skip here', (t) => {
    t.log(`skipped: ${ZK_MISSING}`);
    t.pass();
  });
  return test.serial.skip as unknown as typeof test.serial;
}

/** An ensemble of `size` started before the file's tests and stopped after them. */
export function ensembleForFile(size: number): () => Ensemble {
  let ensemble: Ensemble | undefined;
  let dir: string | undefined;
  if (ZK_MISSING !== null) return () => ensemble!;
  test.before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samsa-zk-'));
    ensemble = await Ensemble.start({ dir, size, tickTimeMs: TEST_TICK_MS, minSessionTimeoutMs: 2 * TEST_TICK_MS });
  });
  test.after.always(async () => {
    await ensemble?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => ensemble!;
}

let chroots = 0;
/** A fresh chroot per test, so tests of one file share a server without seeing each other's znodes. */
export const freshChroot = (): string => `/t${process.pid}-${++chroots}`;

const HOLDER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hold-ephemeral.js');

/** A child process holding a session and an ephemeral znode at `path`; resolves once it exists. */
export async function holdEphemeral(t: ExecutionContext, connect: string, path: string, sessionTimeoutMs: number): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [HOLDER, connect, path, String(sessionTimeoutMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  });
  const lines: string[] = [];
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the session holder did not get ready in 15 s')), 15_000);
    child.on('exit', (code) => reject(new Error(`the session holder exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => l.startsWith('ready '))) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, lines };
}
