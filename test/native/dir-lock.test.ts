// The data directory lock: one holder at a time, in this process or another;
// released by release() and by the holder's death.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirLock, isStorageError } from '../../native/index.js';
import { tempDir } from './helpers/temp-dir.js';

const NATIVE_INDEX = fileURLToPath(new URL('../../native/index.js', import.meta.url));

function lockedDir(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, 'data');
  mkdirSync(dir, { recursive: true });
  return dir;
}

test('a second lock on a held directory is refused with LOCKED and the Kafka message', (t) => {
  const dir = lockedDir(t);
  const first = DirLock.acquire(dir);
  t.teardown(() => first.release());
  t.true(existsSync(join(dir, '.lock')));
  const err = t.throws(() => DirLock.acquire(dir));
  t.true(isStorageError(err, 'LOCKED'), String(err));
  t.regex(err!.message, new RegExp(`^Failed to acquire lock on file \\.lock in ${dir}\\. A samsa instance in another process or thread is using this directory\\.$`));
  first.release();
  t.false(first.held);
  first.release(); // idempotent
  const again = DirLock.acquire(dir);
  t.true(again.held);
  again.release();
});

test('a lock held by another process is refused; the OS releases it when that process is killed', async (t) => {
  const dir = lockedDir(t);
  const child = spawn(process.execPath, ['--input-type=module', '-e', `const { DirLock } = await import(${JSON.stringify(NATIVE_INDEX)}); globalThis.lock = DirLock.acquire(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not take the lock')), 10_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('held')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  t.true(isStorageError(t.throws(() => DirLock.acquire(dir)), 'LOCKED'));
  child.kill('SIGKILL');
  await exited;
  const lock = DirLock.acquire(dir);
  t.true(lock.held);
  lock.release();
});
