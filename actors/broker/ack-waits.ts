/**
 * Produce requests with acks=-1 waiting for their records to be on every ISR
 * member (Kafka's DelayedProduce): parked per partition until the leader's
 * high watermark passes their last offset, the partition stops being led
 * here, or the request's timeout. The high watermark moves with follower
 * fetches (the replica-fetch path reports it) and ISR changes; both run on
 * the broker's thread, so waking costs no cross-thread message.
 */

export type AckOutcome = { readonly ok: true; readonly isrSize: number } | { readonly ok: false; readonly error: 'REQUEST_TIMED_OUT' | 'NOT_LEADER_OR_FOLLOWER' };

interface AckWaiter {
  readonly requiredOffset: bigint;
  settle(o: AckOutcome): void;
}

/** A limit on everything: parked produce partitions across all connections. */
export const MAX_PARKED_ACKS = 100_000;

export class AckWaits {
  private readonly byKey = new Map<string, Set<AckWaiter>>();
  private parked = 0;
  private closed = false;

  get size(): number {
    return this.parked;
  }

  /** Resolves once the high watermark of `key` reaches `requiredOffset` (everything below it replicated). */
  wait(key: string, requiredOffset: bigint, timeoutMs: number): Promise<AckOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
    if (this.parked >= MAX_PARKED_ACKS || timeoutMs <= 0) return Promise.resolve({ ok: false, error: 'REQUEST_TIMED_OUT' });
    return new Promise((resolve) => {
      let set = this.byKey.get(key);
      if (set === undefined) this.byKey.set(key, (set = new Set()));
      const waiters = set;
      const waiter: AckWaiter = {
        requiredOffset,
        settle: (o) => {
          clearTimeout(timer);
          if (waiters.delete(waiter)) this.parked--;
          if (waiters.size === 0 && this.byKey.get(key) === waiters) this.byKey.delete(key);
          resolve(o);
        },
      };
      const timer = setTimeout(() => waiter.settle({ ok: false, error: 'REQUEST_TIMED_OUT' }), timeoutMs);
      waiters.add(waiter);
      this.parked++;
    });
  }

  /** The leader's high watermark of `key` is now `highWatermark`, with `isrSize` in sync. */
  advance(key: string, highWatermark: bigint, isrSize: number): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const w of [...set]) if (highWatermark >= w.requiredOffset) w.settle({ ok: true, isrSize });
  }

  /** This broker no longer leads `key`: its waiting produces fail (the client retries at the new leader). */
  abandon(key: string): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const w of [...set]) w.settle({ ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.byKey.keys()]) this.abandon(key);
  }
}
