// The consume workload: fetch rounds back to back (one Fetch per leader in flight,
// as a Kafka consumer), counting records and batch bytes from the batch headers
// without decoding records. Shared by `perf consume` and `perf e2e`.
import type { RecordBatchHeader } from '../../protocol/index.js';
import type { LeanConsumer } from '../../protocol/client/consumer.js';
import type { LatencyRecorder } from './latency.js';

export interface ConsumeWorkload {
  numRecords: number;
  timeoutMs: number;
  /** stop when no record arrived for this long */
  idleMs: number;
}

export interface ConsumeCounters {
  records: number;
  bytes: number;
}

export interface ConsumeOutcome {
  records: number;
  bytes: number;
  fetches: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  /** the run ended before numRecords: timeout or idle */
  stoppedEarly: boolean;
}

/**
 * Polls until numRecords were read, the timeout, or idleMs without records.
 * `fetchLatency` gets one sample per fetch round; `onBatch` sees every batch (e2e latency).
 */
export async function runConsumeWorkload(
  consumer: LeanConsumer,
  w: ConsumeWorkload,
  fetchLatency: LatencyRecorder | null,
  counters: ConsumeCounters,
  onBatch?: (batch: RecordBatchHeader, nowMs: number) => void,
): Promise<ConsumeOutcome> {
  const start = performance.now();
  const deadline = start + w.timeoutMs;
  let lastRecordAt = start;
  let fetches = 0;
  let errors = 0;
  let firstError: string | null = null;
  while (counters.records < w.numRecords) {
    const t0 = performance.now();
    if (t0 > deadline || t0 - lastRecordAt > w.idleMs) break;
    const parts = await consumer.poll();
    const t1 = performance.now();
    fetches++;
    fetchLatency?.record(t1 - t0);
    const nowMs = Date.now();
    let got = 0;
    for (const p of parts) {
      if (p.errorCode !== 0) {
        errors++;
        firstError ??= `partition ${p.partition}: error code ${p.errorCode}`;
        continue;
      }
      got += p.recordCount;
      counters.bytes += p.sizeBytes;
      if (onBatch) for (const b of p.batches) onBatch(b, nowMs);
    }
    counters.records += got;
    if (got > 0) lastRecordAt = t1;
    if (errors > 0 && got === 0) break;
  }
  return {
    records: counters.records,
    bytes: counters.bytes,
    fetches,
    errors,
    firstError,
    elapsedMs: performance.now() - start,
    stoppedEarly: counters.records < w.numRecords,
  };
}
