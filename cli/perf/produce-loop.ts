// The produce workload: pre-encoded batches sent round-robin over groups of
// partitions, up to maxInFlight requests outstanding, paced to a target rate,
// latency taken from send to ack per request. Shared by `perf produce` and `perf e2e`.
import type { LeanProducer } from '../../protocol/client/producer.js';
import { PreEncodedBatch, perfPayload } from '../../protocol/client/pre-encoded-batch.js';
import type { LatencyRecorder } from './latency.js';
import { Pacer } from './pacer.js';

export interface ProduceWorkload {
  numRecords: number;
  recordSize: number;
  /** records/s; <= 0 unbounded */
  throughput: number;
  batchRecords: number;
  requestPartitions: number;
  compression: number;
  maxInFlight: number;
  timeoutMs: number;
}

export interface ProduceOutcome {
  records: number;
  bytes: number;
  requests: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  timedOut: boolean;
}

/** Running totals, readable while the loop runs (for progress lines). */
export interface ProduceCounters {
  ackedRecords: number;
  ackedBytes: number;
}

/** Groups of up to `size` partitions that share a leader, in partition order. */
export function partitionGroups(producer: Pick<LeanProducer, 'partitionCount' | 'leaderOf'>, size: number): number[][] {
  const byLeader = new Map<unknown, number[]>();
  for (let p = 0; p < producer.partitionCount; p++) {
    const l = producer.leaderOf(p);
    const list = byLeader.get(l) ?? [];
    list.push(p);
    byLeader.set(l, list);
  }
  const groups: number[][] = [];
  for (const list of byLeader.values()) for (let i = 0; i < list.length; i += size) groups.push(list.slice(i, i + size));
  return groups;
}

export async function runProduceWorkload(producer: LeanProducer, w: ProduceWorkload, latency: LatencyRecorder, counters: ProduceCounters): Promise<ProduceOutcome> {
  const value = perfPayload(w.recordSize);
  const batches = new Map<number, PreEncodedBatch>();
  const batchOf = (n: number): PreEncodedBatch => {
    let b = batches.get(n);
    if (!b) batches.set(n, (b = new PreEncodedBatch({ recordCount: n, value, compression: w.compression })));
    return b;
  };
  batchOf(Math.min(w.batchRecords, w.numRecords));
  const groups = partitionGroups(producer, w.requestPartitions);

  let sent = 0;
  let requests = 0;
  let errors = 0;
  let firstError: string | null = null;
  let inFlight = 0;
  let next = 0;
  let timedOut = false;
  let aborted = false;
  const start = performance.now();
  const deadline = start + w.timeoutMs;
  const pacer = new Pacer(w.throughput);

  await new Promise<void>((resolve) => {
    let waiting: NodeJS.Timeout | null = null;
    const finishIfDone = (): void => {
      if (inFlight === 0 && (sent >= w.numRecords || timedOut || aborted)) resolve();
    };
    const onTimer = (): void => {
      waiting = null;
      pump();
    };
    const pump = (): void => {
      while (inFlight < w.maxInFlight && sent < w.numRecords && !timedOut && !aborted) {
        const now = performance.now();
        if (now > deadline) {
          timedOut = true;
          break;
        }
        const delay = pacer.delayMs(sent);
        if (delay > 0) {
          waiting ??= setTimeout(onTimer, Math.max(1, Math.floor(delay)));
          return;
        }
        const group = groups[next++ % groups.length]!;
        const parts: { partition: number; batch: PreEncodedBatch }[] = [];
        let records = 0;
        for (const partition of group) {
          const n = Math.min(w.batchRecords, w.numRecords - sent - records);
          if (n <= 0) break;
          parts.push({ partition, batch: batchOf(n) });
          records += n;
        }
        sent += records;
        requests++;
        inFlight++;
        const t0 = performance.now();
        producer.send(parts, Date.now()).then(
          (acks) => {
            inFlight--;
            latency.record(performance.now() - t0);
            let failed = 0;
            for (const a of acks) {
              if (a.errorCode !== 0) {
                failed++;
                firstError ??= `partition ${a.partition}: error code ${a.errorCode}`;
              }
            }
            if (failed) errors++;
            else {
              counters.ackedRecords += records;
              counters.ackedBytes += records * w.recordSize;
            }
            pump();
            finishIfDone();
          },
          (e: unknown) => {
            inFlight--;
            errors++;
            firstError ??= e instanceof Error ? e.message : String(e);
            // A failed connection fails every later send too: stop sending.
            aborted = true;
            finishIfDone();
          },
        );
      }
      finishIfDone();
    };
    pump();
  });
  return {
    records: counters.ackedRecords,
    bytes: counters.ackedBytes,
    requests,
    errors,
    firstError,
    elapsedMs: performance.now() - start,
    timedOut: timedOut && sent < w.numRecords,
  };
}
