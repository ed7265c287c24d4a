/**
 * A real small filesystem (tmpfs) to run out of space on, when the process
 * may mount (root in a permissive sandbox). Callers skip when it cannot.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFs {
  readonly dir: string;
  /** Fills the free space with a file; returns its path. */
  fill(): string;
  remount(mode: 'ro' | 'rw'): void;
  unmount(): void;
}

export function mountSmallFs(sizeBytes: number): SmallFs | string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-smallfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})`;
  }
  let mounted = true;
  return {
    dir,
    fill() {
      const path = join(dir, 'filler');
      const fd = openSync(path, 'w');
      const chunk = Buffer.alloc(64 << 10, 0xaa);
      try {
        for (let i = 0; i < 1 << 16; i++) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return path;
    },
    remount(mode) {
      const m = spawnSync('mount', ['-o', `remount,${mode}`, dir], { encoding: 'utf8' });
      if (m.status !== 0) throw new Error(`remount ${mode}: ${m.stderr}`);
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
