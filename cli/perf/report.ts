// What a perf run prints: a progress line every few seconds and a summary, as
// text for people or as one JSON object (--json) for harnesses.
import type { LatencyRecorder, LatencySummary } from './latency.js';

/** Kafka's perf tools count MB as 2^20 bytes. */
export const MB = 1024 * 1024;

export interface PerfSummary {
  mode: 'produce' | 'consume' | 'e2e';
  records: number;
  /** bytes of record values (produce, e2e) or of fetched batches (consume) */
  bytes: number;
  elapsedMs: number;
  recordsPerSec: number;
  mbPerSec: number;
  requests: number;
  errors: number;
  /** produce: send-to-ack per request; consume: per fetch round trip; e2e: produce-to-consume per batch */
  latencyMs: LatencySummary;
  /** the settings that shaped the run */
  config: Record<string, unknown>;
}

export function summarize(
  mode: PerfSummary['mode'],
  records: number,
  bytes: number,
  elapsedMs: number,
  requests: number,
  errors: number,
  latency: LatencyRecorder,
  config: Record<string, unknown>,
): PerfSummary {
  const s = Math.max(elapsedMs, 1e-6) / 1000;
  return { mode, records, bytes, elapsedMs, recordsPerSec: records / s, mbPerSec: bytes / MB / s, requests, errors, latencyMs: latency.summary(), config };
}

const f2 = (v: number): string => v.toFixed(2);

export function formatSummary(s: PerfSummary): string {
  const l = s.latencyMs;
  const what = s.mode === 'produce' ? 'records sent' : s.mode === 'consume' ? 'records consumed' : 'records produced and consumed';
  const per = s.mode === 'produce' ? 'send-to-ack per request' : s.mode === 'consume' ? 'per fetch' : 'produce-to-consume';
  return (
    `${s.records} ${what}, ${s.recordsPerSec.toFixed(1)} records/sec (${f2(s.mbPerSec)} MB/sec), ` +
    `${f2(l.avg)} ms avg latency, ${f2(l.max)} ms max latency, ${f2(l.p50)} ms 50th, ${f2(l.p95)} ms 95th, ${f2(l.p99)} ms 99th, ${f2(l.p999)} ms 99.9th (${per}; ` +
    `${s.requests} requests, ${s.errors} errors, ${(s.elapsedMs / 1000).toFixed(2)} s)`
  );
}

/** Prints progress every `everyMs` while the run lasts; returns a stop function. */
export function startProgress(everyMs: number, out: NodeJS.WritableStream, latency: LatencyRecorder, counted: () => { records: number; bytes: number }): () => void {
  if (everyMs <= 0) return () => undefined;
  let last = { ...counted(), at: performance.now() };
  const timer = setInterval(() => {
    const now = { ...counted(), at: performance.now() };
    const s = (now.at - last.at) / 1000;
    const w = latency.takeWindow();
    out.write(
      `${now.records - last.records} records, ${((now.records - last.records) / s).toFixed(1)} records/sec ` +
        `(${f2((now.bytes - last.bytes) / MB / s)} MB/sec), ${f2(w.avg)} ms avg latency, ${f2(w.max)} ms max latency.\n`,
    );
    last = now;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
