// `samsa perf e2e`: produce at a steady rate while consuming from the end of the
// log; latency is consume time minus each batch's timestamp (the producer stamps
// the send time into every batch), so it covers produce, append, long-poll wake-up
// and fetch. Millisecond resolution: record timestamps are milliseconds.
import { Cluster } from '../../protocol/client/cluster.js';
import { LeanConsumer } from '../../protocol/client/consumer.js';
import { LeanProducer } from '../../protocol/client/producer.js';
import { parseFlags, usage, type ParsedFlags } from './args.js';
import { runConsumeWorkload } from './consume-loop.js';
import { COMPRESSION_IDS, E2E_FLAGS, parseAcks } from './flags.js';
import { LatencyRecorder } from './latency.js';
import { batchRecordsOf, defaultIo, type PerfIo } from './produce.js';
import { runProduceWorkload } from './produce-loop.js';
import { formatSummary, startProgress, summarize, type PerfSummary } from './report.js';

export type E2eFlags = ParsedFlags<typeof E2E_FLAGS>;

export function parseE2eArgs(argv: readonly string[]): E2eFlags {
  return parseFlags(argv, E2E_FLAGS);
}

export async function runPerfE2e(argv: readonly string[], io: PerfIo = defaultIo()): Promise<PerfSummary | null> {
  const f = parseE2eArgs(argv);
  if (f.help) {
    io.stdout.write(usage('samsa perf e2e', E2E_FLAGS) + '\n');
    return null;
  }
  const batchRecords = batchRecordsOf(f);
  const cluster = await Cluster.connect({ bootstrap: f.bootstrap, clientId: 'samsa-perf-e2e' });
  try {
    await cluster.ensureTopic(f.topic, f.partitions);
    const acks = parseAcks(f.acks);
    const producer = await LeanProducer.create(cluster, f.topic, { acks });
    const consumer = await LeanConsumer.create(cluster, f.topic, {
      from: 'latest',
      maxWaitMs: f.fetchMaxWaitMs,
      minBytes: f.fetchMinBytes,
      maxBytes: f.fetchMaxBytes,
      partitionMaxBytes: f.fetchBytes,
    });
    const e2e = new LatencyRecorder();
    const sendLatency = new LatencyRecorder();
    const produced = { ackedRecords: 0, ackedBytes: 0 };
    const consumed = { records: 0, bytes: 0 };
    const stopProgress = startProgress(f.progressMs, f.json ? io.stderr : io.stdout, e2e, () => ({ records: consumed.records, bytes: consumed.records * f.recordSize }));
    const consuming = runConsumeWorkload(consumer, { numRecords: f.numRecords, timeoutMs: f.timeoutMs, idleMs: f.idleMs }, null, consumed, (b, nowMs) => {
      e2e.record(nowMs - Number(b.baseTimestamp));
    });
    const producing = runProduceWorkload(
      producer,
      {
        numRecords: f.numRecords,
        recordSize: f.recordSize,
        throughput: f.throughput,
        batchRecords,
        requestPartitions: f.requestPartitions,
        compression: COMPRESSION_IDS[f.compression]!,
        maxInFlight: f.maxInFlight,
        timeoutMs: f.timeoutMs,
      },
      sendLatency,
      produced,
    );
    const [p, c] = await Promise.all([producing, consuming]).finally(stopProgress);
    const summary = summarize('e2e', c.records, c.records * f.recordSize, c.elapsedMs, p.requests + c.fetches, p.errors + c.errors, e2e, {
      topic: f.topic,
      partitions: producer.partitionCount,
      recordSize: f.recordSize,
      batchRecords,
      acks,
      throughput: f.throughput,
      producedRecords: p.records,
      sendToAckMs: sendLatency.summary(),
      firstError: p.firstError ?? c.firstError,
    });
    io.stdout.write((f.json ? JSON.stringify(summary) : formatSummary(summary)) + '\n');
    return summary;
  } finally {
    await cluster.close();
  }
}
