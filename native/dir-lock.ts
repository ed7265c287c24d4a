// The data directory lock: an exclusive flock on `<dir>/.lock`, held for a
// broker's life, as Kafka locks each log dir. A second broker on the same
// directory, in another process or this one, gets LOCKED instead of writing
// the same partitions and metadata file. The OS drops the lock when the
// process dies, however it dies.
import { addon } from './addon.js';

export const DIR_LOCK_FILE = '.lock';

export class DirLock {
  #native: { release(): void } | null;

  private constructor(
    readonly dir: string,
    native: { release(): void },
  ) {
    this.#native = native;
  }

  /** Takes the lock or throws StorageError LOCKED (another holder) or an I/O code. The directory must exist. */
  static acquire(dir: string): DirLock {
    return new DirLock(dir, new addon.NativeDirLock(dir));
  }

  get held(): boolean {
    return this.#native !== null;
  }

  /** Idempotent. */
  release(): void {
    const n = this.#native;
    this.#native = null;
    n?.release();
  }
}
