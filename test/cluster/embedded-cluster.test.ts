/** Embedding: startBroker with zookeeper.connect joins that cluster, as `samsa start` does (two brokers in this process here). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../index.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ensembleForFile, waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const zk = ensembleForFile(1);

test('two embedded brokers with zookeeper.connect form one cluster with a controller; stop leaves it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-embedded-cluster-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const connect = `${zk().connectString}/embedded`;
  const brokers = await Promise.all([7, 8].map((id) => startBroker({ dataDir: join(dir, `b${id}`), port: 0, logger: 'silent', 'zookeeper.connect': connect, 'broker.id': id, 'zookeeper.session.timeout.ms': 4000 })));
  t.teardown(async () => {
    for (const b of brokers) await b.stop();
  });
  const metadata = async (port: number) => {
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
    const r = await conn.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    conn.close();
    return { brokers: r.brokers.map((b) => b.nodeId as number).sort(), controller: r.controllerId };
  };
  t.not(await waitFor(async () => (await metadata(brokers[0]!.port)).brokers.join() === '7,8', 15_000), -1);
  const m = await metadata(brokers[1]!.port);
  t.true([7, 8].includes(m.controller));
  await brokers[0]!.stop();
  t.not(await waitFor(async () => (await metadata(brokers[1]!.port)).brokers.join() === '8', 15_000), -1, 'a stopped broker leaves the cluster');
});
