// acks=all at replication factor 3 next to replication factor 1, on one
// 3-broker cluster of real processes (1 ZooKeeper server): the latency of a
// one-record produce waited for in turn, and the throughput of 4 producers
// sending 100-record batches of 1 KiB values. RF 1 and RF 3 alternate in
// rounds (ABAB...) after a warm-up round of each, so both see the same
// machine state (page cache warm: steady state); the ratio RF3/RF1 is what
// to compare across machines.
//
//   node dist/bench/cluster/replication.js [--rounds 3] [--seconds 3] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaClient } from '../../cli/console/client.js';
import { parseFlags } from '../../cli/perf/args.js';
import { LocalCluster } from '../../cluster/local/local-cluster.js';
import { median } from '../limit/processes.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ZERO_UUID, type TopicName } from '../../protocol/index.js';

const flags = parseFlags(process.argv.slice(2), {
  rounds: { type: 'int', default: 3, min: 1, help: 'measured rounds of each replication factor' },
  seconds: { type: 'int', default: 3, min: 1, help: 'length of each throughput round' },
  json: { type: 'bool', default: false, help: 'print the results as JSON' },
});

const LATENCY_SENDS = 300;
const PRODUCERS = 4;
const BATCH = 100;
const VALUE = Buffer.alloc(1024, 'v');

async function leaderOf(cluster: LocalCluster, topic: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: cluster.broker(cluster.brokerIds[0]!)!.port });
    try {
      const r = await conn.request(3, 12, { topics: [{ name: topic as TopicName, topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const leader = r.topics[0]?.partitions[0]?.leaderId ?? -1;
      if (leader >= 0) return cluster.broker(leader)!.bootstrap;
    } finally {
      conn.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no leader for ${topic}`);
}

async function latency(bootstrap: string, topic: string): Promise<{ p50: number; p99: number }> {
  const client = await KafkaClient.connect(bootstrap);
  const times: number[] = [];
  try {
    for (let i = 0; i < LATENCY_SENDS; i++) {
      const t0 = performance.now();
      await client.produce(topic, 0, [{ value: VALUE }], { acks: -1 });
      times.push(performance.now() - t0);
    }
  } finally {
    client.close();
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

async function throughput(bootstrap: string, topic: string, seconds: number): Promise<number> {
  const records = Array.from({ length: BATCH }, () => ({ value: VALUE }));
  const end = performance.now() + seconds * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      const client = await KafkaClient.connect(bootstrap);
      try {
        for (let i = 0; i < 1_000_000 && performance.now() < end; i++) {
          await client.produce(topic, 0, records, { acks: -1 });
          sent += BATCH;
        }
      } finally {
        client.close();
      }
    }),
  );
  return sent / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-replication-'));
const cluster = await LocalCluster.start({ dir, brokers: 3 });
try {
  const admin = await KafkaClient.connect(cluster.bootstrap.split(',')[0]!);
  await admin.createTopic('rf1', 1, {});
  admin.close();
  const kafkajs = (await import('kafkajs')).default;
  const kafka = new kafkajs.Kafka({ brokers: cluster.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
  const a = kafka.admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic: 'rf3', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
  await a.disconnect();
  const targets = { rf1: await leaderOf(cluster, 'rf1'), rf3: await leaderOf(cluster, 'rf3') };
  // Warm-up: fill the page cache and the connections once for each.
  for (const t of ['rf1', 'rf3'] as const) {
    await latency(targets[t], t);
    await throughput(targets[t], t, 1);
  }
  const rows: Record<'rf1' | 'rf3', { p50: number[]; p99: number[]; rps: number[] }> = { rf1: { p50: [], p99: [], rps: [] }, rf3: { p50: [], p99: [], rps: [] } };
  for (let r = 0; r < flags.rounds; r++) {
    for (const t of r % 2 === 0 ? (['rf1', 'rf3'] as const) : (['rf3', 'rf1'] as const)) {
      const l = await latency(targets[t], t);
      rows[t].p50.push(l.p50);
      rows[t].p99.push(l.p99);
      rows[t].rps.push(await throughput(targets[t], t, flags.seconds));
    }
  }
  const sum = (t: 'rf1' | 'rf3') => ({ p50Ms: median(rows[t].p50), p99Ms: median(rows[t].p99), recordsPerSec: median(rows[t].rps) });
  const result = {
    brokers: 3,
    acks: 'all',
    valueBytes: VALUE.length,
    rf1: sum('rf1'),
    rf3: sum('rf3'),
    ratio: { p50: median(rows.rf3.p50) / median(rows.rf1.p50), recordsPerSec: median(rows.rf3.rps) / median(rows.rf1.rps) },
    rows,
  };
  process.stdout.write(`${JSON.stringify(result, null, flags.json ? 0 : 2)}\n`);
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
