/**
 * Long-poll waits parked per partition. A Fetch that has less than
 * `fetch.min.bytes` parks one waiter on every partition it reads; an append
 * to any of them (reported by the Produce path, which sees every append)
 * wakes it early, the deadline otherwise. Lives with the broker, so waking
 * costs no cross-thread message even when partitions run on the pool.
 */

export interface Waiter {
  readonly keys: readonly string[];
  wake(): void;
}

/** A limit on everything: parked fetches across all connections. */
export const MAX_PARKED_FETCHES = 10_000;

export class FetchWatch {
  private readonly byKey = new Map<string, Set<Waiter>>();
  private parked = 0;

  get size(): number {
    return this.parked;
  }

  /**
   * Resolves on the first append to one of `keys` or after `waitMs`; true
   * when woken by an append. Past the parking limit it resolves at once.
   */
  wait(keys: readonly string[], waitMs: number): Promise<boolean> {
    if (this.closed || this.parked >= MAX_PARKED_FETCHES || waitMs <= 0 || keys.length === 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        keys,
        wake: () => {
          clearTimeout(timer);
          this.remove(waiter);
          resolve(true);
        },
      };
      timer = setTimeout(() => {
        this.remove(waiter);
        resolve(false);
      }, waitMs);
      this.parked++;
      for (const k of keys) {
        let set = this.byKey.get(k);
        if (set === undefined) this.byKey.set(k, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  /** Wakes every fetch waiting on `key`. */
  notify(key: string): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const w of [...set]) w.wake();
  }

  /** True once closed: fetches answer with what they have instead of parking. */
  closed = false;

  /** Shutdown: wakes every parked fetch and parks no more. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  wakeAll(): void {
    for (const set of [...this.byKey.values()]) for (const w of [...set]) w.wake();
  }

  private remove(waiter: Waiter): void {
    let found = false;
    for (const k of waiter.keys) {
      const set = this.byKey.get(k);
      if (set?.delete(waiter)) found = true;
      if (set !== undefined && set.size === 0) this.byKey.delete(k);
    }
    if (found) this.parked--;
  }
}
