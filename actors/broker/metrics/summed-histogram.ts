/**
 * A Prometheus histogram whose buckets are counted elsewhere (each
 * partition's log counts its own fsyncs) and summed when scraped: prom-client
 * only builds histograms from observations, so this speaks its metric
 * interface (name, help, type, get) directly.
 */
import type { Registry } from 'prom-client';

export interface BucketCounts {
  readonly count: number;
  readonly sumMs: number;
  /** Cumulative counts at each bound of `bounds`. */
  readonly buckets: readonly number[];
}

export class SummedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private parts: BucketCounts[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The counts the next scrape shows: replaced, not added to. */
  set(parts: BucketCounts[]): void {
    this.parts = parts;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> } {
    const sums = this.bounds.map(() => 0);
    let count = 0;
    let sum = 0;
    for (const p of this.parts) {
      count += p.count;
      sum += p.sumMs;
      for (let i = 0; i < sums.length; i++) sums[i]! += p.buckets[i] ?? p.count;
    }
    type Value = { metricName: string; labels: Record<string, string | number>; value: number };
    const values: Value[] = this.bounds.map((le, i) => ({ metricName: `${this.name}_bucket`, labels: { le }, value: sums[i]! }));
    values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, value: count });
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: sum }, { metricName: `${this.name}_count`, labels: {}, value: count });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.parts = [];
  }
}
