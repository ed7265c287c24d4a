// `npm run bench:cleaner`: does the log cleaner stay off the hot path? One
// broker process; a client sends 16 KiB produce requests (acks=1) one at a
// time to a delete-policy topic and records each round trip, first with the
// cleaner idle, then while it cleans a compacted topic full of dirty keyed
// data (made cleanable at that moment by lowering its min.compaction.lag.ms),
// then idle again. Reported: p50/p99/max of each phase and the ratio of p99
// cleaning / p99 idle, measured in the same run. Run it again with
// --throttle=BYTES to set log.cleaner.io.max.bytes.per.second, --nice=N to
// set log.cleaner.thread.nice (0: the cleaner at the broker's priority),
// --broker-log=FILE to keep the broker's log (at info: each cleaning's figures).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '../../cluster/local/broker-process.js';
import { Cluster, LeanProducer, PreEncodedBatch, perfPayload, recordsPerBatch } from '../../protocol/client/index.js';
import { ApiKey, type TopicName } from '../../protocol/index.js';
import { encodeRecordBatchSync } from '../../protocol/records/record-batch.js';

const DIRTY_TOPIC = 'bench-compacted';
const LATENCY_TOPIC = 'bench-latency';
const arg = (name: string, fallback: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
};
const DIRTY_MIB = arg('dirty-mib', 256);
const IDLE_MS = arg('idle-ms', 5_000);
const THROTTLE = arg('throttle', 0);
/** log.cleaner.thread.nice; -1 leaves the broker's default */
const NICE = arg('nice', -1);

interface Phase {
  name: string;
  samplesMs: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function summary(p: Phase): { phase: string; requests: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const s = [...p.samplesMs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { phase: p.name, requests: s.length, p50Ms: r(percentile(s, 50)), p99Ms: r(percentile(s, 99)), maxMs: r(s.at(-1) ?? 0) };
}

async function sampleWhile(producer: LeanProducer, batch: PreEncodedBatch, phase: Phase, more: () => boolean): Promise<void> {
  const parts = [{ partition: 0, batch }];
  for (let n = 0; n < 10_000_000 && more(); n++) {
    const t0 = performance.now();
    const [ack] = await producer.send(parts);
    phase.samplesMs.push(performance.now() - t0);
    if (ack!.errorCode !== 0) throw new Error(`produce error ${ack!.errorCode}`);
  }
}

async function createTopic(cluster: Cluster, name: string, configs: Record<string, string>): Promise<void> {
  const c = cluster.any;
  const res = await c.request(ApiKey.CreateTopics, c.version(ApiKey.CreateTopics), {
    topics: [{ name: name as TopicName, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 10_000,
  });
  if (res.topics[0]!.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${res.topics[0]!.errorCode}`);
}

async function alterTopic(cluster: Cluster, name: string, config: string, value: string): Promise<void> {
  const c = cluster.any;
  // The lean client negotiates only what it uses itself; v0 is served by every broker that has the API.
  const res = await c.request(ApiKey.IncrementalAlterConfigs, 0, {
    resources: [{ resourceType: 2, resourceName: name, configs: [{ name: config, configOperation: 0, value }] }],
    validateOnly: false,
  });
  if (res.responses[0]!.errorCode !== 0) throw new Error(`IncrementalAlterConfigs ${name}: error ${res.responses[0]!.errorCode}`);
}

function cleanedUpTo(dataDir: string): number {
  try {
    const line = readFileSync(join(dataDir, 'cleaner-offset-checkpoint'), 'utf8').split('\n').find((l) => l.startsWith(`${DIRTY_TOPIC} 0 `));
    return line === undefined ? 0 : Number(line.split(' ')[2]);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-bench-cleaner-'));
  const overrides: Record<string, number> = { 'log.cleaner.backoff.ms': 200 };
  if (THROTTLE > 0) overrides['log.cleaner.io.max.bytes.per.second'] = THROTTLE;
  if (NICE >= 0) overrides['log.cleaner.thread.nice'] = NICE;
  const brokerLog = process.argv.find((x) => x.startsWith('--broker-log='))?.slice('--broker-log='.length);
  const broker = await BrokerProcess.start({ dataDir, logLevel: brokerLog === undefined ? 'warn' : 'info', overrides, ...(brokerLog === undefined ? {} : { stderrFile: brokerLog }) });
  try {
    const cluster = await Cluster.connect({ bootstrap: broker.bootstrap, clientId: 'samsa-bench-cleaner' });
    // Nothing is cleanable while it is filled: its records are all younger than the lag.
    await createTopic(cluster, DIRTY_TOPIC, { 'cleanup.policy': 'compact', 'segment.bytes': String(16 << 20), 'min.compaction.lag.ms': String(3_600_000) });
    await cluster.ensureTopic(LATENCY_TOPIC, 1);
    const filler = await LeanProducer.create(cluster, DIRTY_TOPIC, { acks: 1 });
    const value = perfPayload(100);
    // 10,000 keys rewritten over and over: about nine tenths of it is removable.
    const KEYS = 10_000;
    let seq = 0;
    const batches = Array.from({ length: 64 }, () => encodeRecordBatchSync({ records: Array.from({ length: 1000 }, () => ({ key: Buffer.from(`key-${seq++ % KEYS}`), value })), baseTimestamp: BigInt(Date.now()) }));
    const fillStart = performance.now();
    let filled = 0;
    for (let i = 0; filled < DIRTY_MIB << 20; i++) {
      const b = Buffer.from(batches[i % batches.length]!);
      const [ack] = await filler.sendRecords([{ partition: 0, records: b }]);
      if (ack!.errorCode !== 0) throw new Error(`fill: produce error ${ack!.errorCode}`);
      filled += b.length;
    }
    const fillMs = performance.now() - fillStart;
    const producer = await LeanProducer.create(cluster, LATENCY_TOPIC, { acks: 1 });
    const batch = new PreEncodedBatch({ recordCount: recordsPerBatch(100, 16 * 1024), value });

    const idle: Phase = { name: 'cleaner idle', samplesMs: [] };
    let until = performance.now() + IDLE_MS;
    await sampleWhile(producer, batch, idle, () => performance.now() < until);

    const cleaning: Phase = { name: 'while the cleaner cleans', samplesMs: [] };
    const started = performance.now();
    await alterTopic(cluster, DIRTY_TOPIC, 'min.compaction.lag.ms', '0');
    const deadline = started + 300_000;
    await sampleWhile(producer, batch, cleaning, () => cleanedUpTo(dataDir) === 0 && performance.now() < deadline);
    const cleanMs = performance.now() - started;
    if (cleanedUpTo(dataDir) === 0) throw new Error('the cleaner did not finish within 300 s');

    const after: Phase = { name: 'cleaner idle again', samplesMs: [] };
    until = performance.now() + IDLE_MS;
    await sampleWhile(producer, batch, after, () => performance.now() < until);

    const rows = [idle, cleaning, after].map(summary);
    const ratio = rows[1]!.p99Ms / rows[0]!.p99Ms;
    const report = {
      date: new Date().toISOString(),
      dirtyMiB: Math.round(filled / 2 ** 20),
      fillMs: Math.round(fillMs),
      cleaningMs: Math.round(cleanMs),
      throttleBytesPerSecond: THROTTLE > 0 ? THROTTLE : 'unlimited',
      cleanerThreadNice: NICE >= 0 ? NICE : 'default',
      phases: rows,
      p99CleaningOverIdle: Math.round(ratio * 100) / 100,
    };
    process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
    await cluster.close();
  } finally {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
