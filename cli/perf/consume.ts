// `samsa perf consume`: the consumer perf tool (kafka-consumer-perf-test's role),
// group-less: it reads the topic's partitions from the earliest (or latest) offset.
import { Cluster } from '../../protocol/client/cluster.js';
import { LeanConsumer } from '../../protocol/client/consumer.js';
import { parseFlags, usage, type ParsedFlags } from './args.js';
import { runConsumeWorkload } from './consume-loop.js';
import { CONSUME_FLAGS } from './flags.js';
import { LatencyRecorder } from './latency.js';
import { defaultIo, type PerfIo } from './produce.js';
import { formatSummary, startProgress, summarize, type PerfSummary } from './report.js';

export type ConsumeFlags = ParsedFlags<typeof CONSUME_FLAGS>;

export function parseConsumeArgs(argv: readonly string[]): ConsumeFlags {
  return parseFlags(argv, CONSUME_FLAGS);
}

/** Runs `samsa perf consume`; resolves with the summary (null for --help). */
export async function runPerfConsume(argv: readonly string[], io: PerfIo = defaultIo()): Promise<PerfSummary | null> {
  const f = parseConsumeArgs(argv);
  if (f.help) {
    io.stdout.write(usage('samsa perf consume', CONSUME_FLAGS) + '\n');
    return null;
  }
  const cluster = await Cluster.connect({ bootstrap: f.bootstrap, clientId: 'samsa-perf-consumer', maxFrameBytes: Math.max(f.fetchMaxBytes * 2, 64 * 1024 * 1024) });
  try {
    await cluster.ensureTopic(f.topic, f.partitions);
    const consumer = await LeanConsumer.create(cluster, f.topic, {
      from: f.from as 'earliest' | 'latest',
      maxWaitMs: f.fetchMaxWaitMs,
      minBytes: f.fetchMinBytes,
      maxBytes: f.fetchMaxBytes,
      partitionMaxBytes: f.fetchBytes,
    });
    const latency = new LatencyRecorder();
    const counters = { records: 0, bytes: 0 };
    const stopProgress = startProgress(f.progressMs, f.json ? io.stderr : io.stdout, latency, () => counters);
    const out = await runConsumeWorkload(consumer, { numRecords: f.numRecords, timeoutMs: f.timeoutMs, idleMs: f.idleMs }, latency, counters).finally(stopProgress);
    const summary = summarize('consume', out.records, out.bytes, out.elapsedMs, out.fetches, out.errors, latency, {
      topic: f.topic,
      partitions: consumer.positions.size,
      fetchBytes: f.fetchBytes,
      fetchMaxBytes: f.fetchMaxBytes,
      fetchMaxWaitMs: f.fetchMaxWaitMs,
      fetchMinBytes: f.fetchMinBytes,
      stoppedEarly: out.stoppedEarly,
      firstError: out.firstError,
    });
    io.stdout.write((f.json ? JSON.stringify(summary) : formatSummary(summary)) + '\n');
    if (out.firstError && !f.json) io.stderr.write(`first error: ${out.firstError}\n`);
    return summary;
  } finally {
    await cluster.close();
  }
}
