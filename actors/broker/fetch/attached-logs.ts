/**
 * Read-only handles (PartitionLog.attach) on the partition logs Fetch reads,
 * held on the broker's thread: the log itself is open once in the process
 * (by its partition actor, inline or on a worker), and a read through an
 * attached handle returns views over the mapped segments, so no byte is
 * copied and none crosses a thread.
 *
 * Lifetime: an entry lives while its log is open. It is dropped when its
 * topic is removed (PartitionRouter.removeTopic), when a read finds its log
 * closed (a reopen after a reconfigure, a topic deleted meanwhile), and all
 * at broker stop. A handle never keeps a closed log readable: the writer's
 * close() closes it for every handle.
 */
import { PartitionLog, StorageError } from '../../../native/index.js';

export class AttachedLogs {
  private readonly byKey = new Map<string, PartitionLog>();

  get size(): number {
    return this.byKey.size;
  }

  /** The handle for partition `key` on `dir`, attached on first use; throws StorageError NOT_OPEN when no log is open there. */
  get(key: string, dir: string): PartitionLog {
    const cached = this.byKey.get(key);
    if (cached !== undefined && !cached.closed && cached.dir === dir) return cached;
    if (cached !== undefined) this.drop(key);
    const log = PartitionLog.attach(dir);
    this.byKey.set(key, log);
    return log;
  }

  /** Attaches `key` ahead of a read (so caught-up fetches can skip their actor); quietly nothing if no log is open there. */
  attachIfOpen(key: string, dir: string): void {
    try {
      this.get(key, dir);
    } catch (err) {
      // NOT_OPEN: the partition closed meanwhile; the next fetch asks its actor.
      if (!(err instanceof StorageError)) throw err;
    }
  }

  /** The handle already attached for `key`, if its log is still open; never attaches. */
  peek(key: string): PartitionLog | undefined {
    const cached = this.byKey.get(key);
    return cached !== undefined && !cached.closed ? cached : undefined;
  }

  drop(key: string): void {
    const log = this.byKey.get(key);
    if (log === undefined) return;
    this.byKey.delete(key);
    log.close();
  }

  clear(): void {
    for (const key of [...this.byKey.keys()]) this.drop(key);
  }
}
