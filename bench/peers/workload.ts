// The peers' produce workload, shaped as `samsa perf produce`: batches of
// batchRecords records, up to maxInFlight batches outstanding, latency from a
// batch's write to its last acknowledgement. Peers acknowledge record by record
// in order, so a batch is done when the running count of replies passes its end.
import { LatencyRecorder } from '../../cli/perf/latency.js';

export interface PeerWorkload {
  numRecords: number;
  batchRecords: number;
  maxInFlight: number;
  value: Buffer;
  timeoutMs: number;
}

export interface PeerOutcome {
  records: number;
  elapsedMs: number;
  batches: number;
  errors: string[];
  latency: LatencyRecorder;
}

export interface PeerTransport {
  /** writes one batch of `records` records */
  send(records: number): void;
  /** registers the handler that gets the count of acknowledgements in each read */
  onReplies(handler: (acked: number) => void): void;
  errors(): string[];
}

export function runPipelined(w: PeerWorkload, t: PeerTransport): Promise<PeerOutcome> {
  const latency = new LatencyRecorder();
  const ends: number[] = []; // cumulative record count at the end of each batch in flight
  const starts: number[] = [];
  let sent = 0;
  let acked = 0;
  let batches = 0;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer workload did not finish in ${w.timeoutMs} ms (${acked} of ${w.numRecords} acknowledged)`)), w.timeoutMs);
    const pump = (): void => {
      while (ends.length < w.maxInFlight && sent < w.numRecords) {
        const n = Math.min(w.batchRecords, w.numRecords - sent);
        sent += n;
        ends.push(sent);
        starts.push(performance.now());
        batches++;
        t.send(n);
      }
    };
    t.onReplies((n) => {
      acked += n;
      const now = performance.now();
      while (ends.length > 0 && acked >= ends[0]!) {
        ends.shift();
        latency.record(now - starts.shift()!);
      }
      if (acked >= w.numRecords) {
        clearTimeout(timer);
        resolve({ records: acked, elapsedMs: now - start, batches, errors: t.errors(), latency });
        return;
      }
      pump();
    });
    pump();
  });
}
