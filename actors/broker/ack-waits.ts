/**
 * Produce requests with acks=-1 waiting for their records to be on every ISR
 * member (Kafka's DelayedProduce): parked per partition until the leader's
 * high watermark passes their last offset, the partition stops being led
 * here, or the request's timeout. The high watermark moves with follower
 * fetches (the replica-fetch path reports it) and ISR changes; both run on
 * the broker's thread, so waking costs no cross-thread message.
 *
 * A wait holds only in the leader epoch its batch was appended in. The
 * append's answer crosses to this thread after the append, so leadership may
 * move in between: a wait parked after its partition was given up here, or
 * still parked when the partition is led again in a newer epoch, fails
 * NOT_LEADER_OR_FOLLOWER. Between the two epochs this broker may have
 * followed another leader and truncated the batch away; the new epoch's high
 * watermark passing its offsets says nothing about it.
 */

export type AckOutcome = { readonly ok: true; readonly isrSize: number } | { readonly ok: false; readonly error: 'REQUEST_TIMED_OUT' | 'NOT_LEADER_OR_FOLLOWER' };

interface AckWaiter {
  readonly requiredOffset: bigint;
  readonly leaderEpoch: number;
  settle(o: AckOutcome): void;
}

/** A limit on everything: parked produce partitions across all connections. */
export const MAX_PARKED_ACKS = 100_000;

const NOT_LEADER: AckOutcome = { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' };

export class AckWaits {
  private readonly byKey = new Map<string, Set<AckWaiter>>();
  /** What was last heard of each partition: led in `epoch`, or given up after leading in it. */
  private readonly leadership = new Map<string, { readonly epoch: number; readonly leads: boolean }>();
  private parked = 0;
  private closed = false;

  get size(): number {
    return this.parked;
  }

  /** Resolves once the high watermark of `key` reaches `requiredOffset` (everything below it replicated) in `leaderEpoch`. */
  wait(key: string, requiredOffset: bigint, leaderEpoch: number, timeoutMs: number): Promise<AckOutcome> {
    if (this.closed) return Promise.resolve(NOT_LEADER);
    const heard = this.leadership.get(key);
    if (heard !== undefined && (heard.epoch > leaderEpoch || (heard.epoch === leaderEpoch && !heard.leads))) return Promise.resolve(NOT_LEADER);
    if (this.parked >= MAX_PARKED_ACKS || timeoutMs <= 0) return Promise.resolve({ ok: false, error: 'REQUEST_TIMED_OUT' });
    return new Promise((resolve) => {
      let set = this.byKey.get(key);
      if (set === undefined) this.byKey.set(key, (set = new Set()));
      const waiters = set;
      const waiter: AckWaiter = {
        requiredOffset,
        leaderEpoch,
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

  /** This broker leads `key` in `leaderEpoch`, its high watermark now `highWatermark`, with `isrSize` in sync. */
  advance(key: string, highWatermark: bigint, isrSize: number, leaderEpoch: number): void {
    const heard = this.leadership.get(key);
    if (heard === undefined || heard.epoch < leaderEpoch || (heard.epoch === leaderEpoch && !heard.leads)) this.leadership.set(key, { epoch: leaderEpoch, leads: true });
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const w of [...set]) {
      if (w.leaderEpoch < leaderEpoch) w.settle(NOT_LEADER);
      else if (w.leaderEpoch === leaderEpoch && highWatermark >= w.requiredOffset) w.settle({ ok: true, isrSize });
    }
  }

  /** This broker no longer leads `key`: its waiting produces fail (the client retries at the new leader), and so do those parked later for an epoch up to the last one it led in. */
  abandon(key: string): void {
    const heard = this.leadership.get(key);
    if (heard !== undefined) this.leadership.set(key, { epoch: heard.epoch, leads: false });
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const w of [...set]) w.settle(NOT_LEADER);
  }

  /** `key` is deleted here (its topic deleted): its waits fail, and a topic made again under its name, whose epochs start again at 0, is not judged by the old one's. */
  forget(key: string): void {
    this.abandon(key);
    this.leadership.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.byKey.keys()]) this.abandon(key);
  }
}
