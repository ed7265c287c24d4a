// `samsa perf produce`: the producer perf tool (kafka-producer-perf-test's role).
import { Cluster } from '../../protocol/client/cluster.js';
import { LeanProducer } from '../../protocol/client/producer.js';
import { recordsPerBatch } from '../../protocol/client/pre-encoded-batch.js';
import { parseFlags, usage, type ParsedFlags } from './args.js';
import { COMPRESSION_IDS, PRODUCE_FLAGS, parseAcks } from './flags.js';
import { LatencyRecorder } from './latency.js';
import { runProduceWorkload } from './produce-loop.js';
import { formatSummary, startProgress, summarize, type PerfSummary } from './report.js';

export type ProduceFlags = ParsedFlags<typeof PRODUCE_FLAGS>;

export interface PerfIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const defaultIo = (): PerfIo => ({ stdout: process.stdout, stderr: process.stderr });

export function parseProduceArgs(argv: readonly string[]): ProduceFlags {
  return parseFlags(argv, PRODUCE_FLAGS);
}

/** Records per batch: --batch-records, or as many as fit --batch-bytes. */
export function batchRecordsOf(f: Pick<ProduceFlags, 'batchRecords' | 'batchBytes' | 'recordSize'>): number {
  return f.batchRecords > 0 ? f.batchRecords : recordsPerBatch(f.recordSize, f.batchBytes);
}

/** Runs `samsa perf produce` with these arguments; prints progress and the summary; resolves with the summary (null for --help). */
export async function runPerfProduce(argv: readonly string[], io: PerfIo = defaultIo()): Promise<PerfSummary | null> {
  const f = parseProduceArgs(argv);
  if (f.help) {
    io.stdout.write(usage('samsa perf produce', PRODUCE_FLAGS) + '\n');
    return null;
  }
  const batchRecords = batchRecordsOf(f);
  const cluster = await Cluster.connect({ bootstrap: f.bootstrap, clientId: 'samsa-perf-producer' });
  try {
    await cluster.ensureTopic(f.topic, f.partitions);
    const acks = parseAcks(f.acks);
    const producer = await LeanProducer.create(cluster, f.topic, { acks });
    const workload = {
      numRecords: f.numRecords,
      recordSize: f.recordSize,
      throughput: f.throughput,
      batchRecords,
      requestPartitions: f.requestPartitions,
      compression: COMPRESSION_IDS[f.compression]!,
      maxInFlight: f.maxInFlight,
      timeoutMs: f.timeoutMs,
    };
    if (f.warmupRecords > 0) {
      await runProduceWorkload(producer, { ...workload, numRecords: f.warmupRecords, throughput: -1 }, new LatencyRecorder(), { ackedRecords: 0, ackedBytes: 0 });
    }
    const latency = new LatencyRecorder();
    const counters = { ackedRecords: 0, ackedBytes: 0 };
    const stopProgress = startProgress(f.progressMs, f.json ? io.stderr : io.stdout, latency, () => ({ records: counters.ackedRecords, bytes: counters.ackedBytes }));
    const out = await runProduceWorkload(producer, workload, latency, counters).finally(stopProgress);
    const summary = summarize('produce', out.records, out.bytes, out.elapsedMs, out.requests, out.errors, latency, {
      topic: f.topic,
      partitions: producer.partitionCount,
      recordSize: f.recordSize,
      batchRecords,
      requestPartitions: f.requestPartitions,
      acks,
      compression: f.compression,
      maxInFlight: f.maxInFlight,
      throughput: f.throughput,
      timedOut: out.timedOut,
      warmupRecords: f.warmupRecords,
      firstError: out.firstError,
    });
    io.stdout.write((f.json ? JSON.stringify(summary) : formatSummary(summary)) + '\n');
    if (out.firstError && !f.json) io.stderr.write(`first error: ${out.firstError}\n`);
    return summary;
  } finally {
    await cluster.close();
  }
}
