// Latency samples and their percentiles. Samples are per request or per batch,
// never per record, so keeping them all and sorting once at the end is cheap and
// exact (no histogram bucketing error in the tail).

export interface LatencySummary {
  count: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile of ascending samples: the smallest value with at least p% of samples at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[n - 1]!;
  // The epsilon keeps 99.9% of 1000 at rank 999: 0.999 * 1000 is 999.0000000000001 in floating point.
  const rank = Math.ceil((p / 100) * n - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

export class LatencyRecorder {
  private samples: Float64Array;
  private n = 0;
  private sum = 0;
  private max = 0;
  /** window stats for progress lines */
  private windowCount = 0;
  private windowSum = 0;
  private windowMax = 0;

  constructor(
    initialCapacity = 1024,
    /** samples kept at most; later ones count in avg/max but not in percentiles */
    private readonly maxSamples = 20_000_000,
  ) {
    this.samples = new Float64Array(initialCapacity);
  }

  get count(): number {
    return this.n;
  }

  record(ms: number): void {
    if (this.n < this.maxSamples) {
      if (this.n === this.samples.length) {
        const next = new Float64Array(Math.min(this.maxSamples, this.samples.length * 2));
        next.set(this.samples);
        this.samples = next;
      }
      this.samples[this.n] = ms;
    }
    this.n++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    this.windowCount++;
    this.windowSum += ms;
    if (ms > this.windowMax) this.windowMax = ms;
  }

  /** avg and max since the last call, then starts a new window */
  takeWindow(): { count: number; avg: number; max: number } {
    const w = { count: this.windowCount, avg: this.windowCount ? this.windowSum / this.windowCount : 0, max: this.windowMax };
    this.windowCount = 0;
    this.windowSum = 0;
    this.windowMax = 0;
    return w;
  }

  summary(): LatencySummary {
    const kept = this.samples.slice(0, Math.min(this.n, this.maxSamples)).sort();
    return {
      count: this.n,
      avg: this.n ? this.sum / this.n : 0,
      p50: percentile(kept, 50),
      p95: percentile(kept, 95),
      p99: percentile(kept, 99),
      p999: percentile(kept, 99.9),
      max: this.max,
    };
  }
}
