/**
 * A deleted partition's directory, removed off the thread that serves it:
 * renamed at once to `<topic>-<p>.<id>-delete` (Kafka's name for a log being
 * deleted), so nothing opens it again and a topic created under the same
 * name starts empty, then removed in the background (the libuv pool).
 * Removing a large log file by file costs tens of milliseconds per segment,
 * and the partition's thread serves every partition placed on it. A crash
 * before the removal ends leaves the renamed directory, which the broker
 * removes on its next start.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `<topic>-<p>.<32 hex>-delete` */
const DELETED_DIR = /^[a-zA-Z0-9._-]{1,249}-\d+\.[0-9a-f]{32}-delete$/;

/** Renames `dir` aside now and removes it in the background; resolves once it is gone (errors go to `onError`). */
export function deletePartitionDir(dir: string, onError: (err: Error) => void): Promise<void> {
  const target = join(dirname(dir), `${basename(dir)}.${randomUUID().replaceAll('-', '')}-delete`);
  try {
    renameSync(dir, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
    throw err;
  }
  return rm(target, { recursive: true, force: true }).catch((err: Error) => onError(err));
}

/** Removes, in the background, the deleted partitions' directories a crash left in `dataDir`; resolves with their names once gone. */
export async function removeLeftoverDeletedDirs(dataDir: string, onError: (err: Error) => void): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(dataDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && DELETED_DIR.test(e.name))
      .map((e) => e.name);
  } catch (err) {
    onError(err as Error);
    return [];
  }
  await Promise.all(names.map((n) => rm(join(dataDir, n), { recursive: true, force: true }).catch((err: Error) => onError(err))));
  return names;
}
