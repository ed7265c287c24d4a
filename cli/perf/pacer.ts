// Holds a sender to a target rate (records/s), as Kafka's ThroughputThrottler:
// the k-th record may leave no earlier than start + k / rate. A rate <= 0 is unbounded.
export class Pacer {
  private readonly startMs: number;

  constructor(
    private readonly recordsPerSec: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startMs = clock();
  }

  /** ms to wait before sending more once `sentRecords` have left; 0 when on or behind schedule. */
  delayMs(sentRecords: number): number {
    if (this.recordsPerSec <= 0) return 0;
    const dueMs = this.startMs + (sentRecords / this.recordsPerSec) * 1000;
    return Math.max(0, dueMs - this.clock());
  }
}
