// The cluster's figures, on real processes: a local ZooKeeper (1 server) and
// 3 brokers from spawn to a served Metadata naming all three and a controller;
// creating a topic of 1,000 partitions across them (CreateTopics answered with
// every leader elected); and the controller's failover after kill -9, at a
// given zookeeper.session.timeout.ms. One fresh cluster per run.
//
//   node dist/bench/cluster/main.js [--runs 3] [--partitions 1000] [--session-timeout-ms 6000] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { parseFlags } from '../../cli/perf/args.js';
import { LocalCluster } from '../../cluster/local/local-cluster.js';
import { median } from '../limit/processes.js';

const flags = parseFlags(process.argv.slice(2), {
  runs: { type: 'int', default: 3, min: 1, help: 'fresh clusters measured' },
  partitions: { type: 'int', default: 1000, min: 1, help: 'partitions of the topic created' },
  'session-timeout-ms': { type: 'int', default: 6000, min: 1000, help: 'zookeeper.session.timeout.ms of the brokers' },
  json: { type: 'bool', default: false, help: 'print the results as JSON' },
});

interface Run {
  startMs: number;
  createMs: number;
  failoverMs: number;
}

async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-cluster-'));
  const t0 = performance.now();
  const cluster = await LocalCluster.start({ dir, brokers: 3, sessionTimeoutMs: flags.sessionTimeoutMs });
  const startMs = performance.now() - t0;
  try {
    const kafka = new kafkajs.Kafka({ brokers: cluster.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const t1 = performance.now();
    await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: flags.partitions }], waitForLeaders: true, timeout: 60_000 });
    const createMs = performance.now() - t1;
    await admin.disconnect();
    const { controllerId } = await cluster.metadata();
    const t2 = performance.now();
    await cluster.killBroker(controllerId);
    let failoverMs = -1;
    for (let i = 0; i < 2_000 && performance.now() - t2 < 120_000; i++) {
      const m = await cluster.metadata().catch(() => null);
      if (m !== null && m.controllerId >= 0 && m.controllerId !== controllerId && !m.brokers.includes(controllerId)) {
        failoverMs = performance.now() - t2;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return { startMs, createMs, failoverMs };
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: Run[] = [];
for (let i = 0; i < flags.runs; i++) runs.push(await once());
const result = {
  brokers: 3,
  partitions: flags.partitions,
  sessionTimeoutMs: flags.sessionTimeoutMs,
  startToMetadataMs: median(runs.map((r) => r.startMs)),
  createPartitionsMs: median(runs.map((r) => r.createMs)),
  controllerFailoverMs: median(runs.map((r) => r.failoverMs)),
  runs,
};
if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
