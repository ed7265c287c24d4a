// The calling thread's nice value (Linux; other platforms have no per-thread
// priority and get null). For background threads that should yield the CPU to
// the broker's own: raising a thread's nice needs no privilege, lowering it
// again does.
import { addon } from './addon.js';
import { StorageError } from './errors.js';

/** Sets the calling thread's nice value (-20..19); returns it as read back, or null where threads have none. */
export function setThreadNice(nice: number): number | null {
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw new StorageError(`nice must be an integer in [-20, 19], got ${nice}`, 'INVALID_ARGUMENT');
  return addon.setThreadNice(nice);
}
