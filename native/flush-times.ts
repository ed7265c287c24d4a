/**
 * How long a log's fsyncs took, as cumulative bucket counts (Kafka's
 * LogFlushStats.LogFlushRateAndTimeMs): the broker adds every partition's
 * into one Prometheus histogram when scraped, so nothing crosses threads per
 * flush.
 */
export const FLUSH_BUCKETS_MS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export interface FlushStats {
  readonly count: number;
  readonly sumMs: number;
  /** Flushes at or under each of FLUSH_BUCKETS_MS, cumulative as Prometheus' `le`. */
  readonly buckets: readonly number[];
}

export class FlushTimes {
  #count = 0;
  #sumMs = 0;
  /** Per bucket, not cumulative; one more for those past the last bound. */
  readonly #counts = new Array<number>(FLUSH_BUCKETS_MS.length + 1).fill(0);

  /** Runs `flush` and records how long it took. */
  time(flush: () => void): void {
    const t0 = performance.now();
    flush();
    const ms = performance.now() - t0;
    this.#count++;
    this.#sumMs += ms;
    let i = 0;
    while (i < FLUSH_BUCKETS_MS.length && ms > FLUSH_BUCKETS_MS[i]!) i++;
    this.#counts[i]!++;
  }

  stats(): FlushStats {
    const buckets: number[] = [];
    let running = 0;
    for (let i = 0; i < FLUSH_BUCKETS_MS.length; i++) buckets.push((running += this.#counts[i]!));
    return { count: this.#count, sumMs: this.#sumMs, buckets };
  }
}
