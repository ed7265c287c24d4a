/**
 * Partition reassignment on a real 3-broker cluster (KIP-455, Kafka 3.9's
 * ZooKeeper mode): a partition moves off its leader's broker onto another
 * while an idempotent acks=all producer writes (kafkajs's
 * alterPartitionReassignments and listPartitionReassignments), the new
 * replica holds the same bytes, the old one is deleted and nothing
 * acknowledged is lost; a move that cannot finish (its new replica paused)
 * is listed, holds back CreatePartitions and is cancelled; bad targets get
 * Kafka's errors; a move under way when the controller is SIGKILLed is
 * finished by the next controller. (zkTest runs them one at a time.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaClient } from '../../cli/console/client.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ErrorCode } from '../../protocol/index.js';
import { startTestCluster, type TestCluster } from '../../testing.js';
import { Kafka, logLevel, run } from '../integration/helpers.js';
import { controllerId, describe, replicasAgree } from './replication-helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const SESSION_MS = 6_000;
const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
let c: TestCluster;

test.before(async () => {
  c = await startTestCluster({ brokers: 3, zookeepers: 1, sessionTimeoutMs: SESSION_MS, overrides: { 'auto.leader.rebalance.enable': false } });
});
test.after.always(async () => {
  await c?.stop();
});

const kafka = () => new Kafka({ brokers: c.bootstrap.split(','), clientId: 'reassignment', logLevel: logLevel.NOTHING, retry: { retries: 15, initialRetryTime: 100, maxRetryTime: 2_000 } });

async function createTopic(topic: string, assignment: number[][]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })) }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Records `${from}`..`${to - 1}` to partition 0, idempotent and acks=all, ten per send. */
async function produce(topic: string, from: number, to: number): Promise<void> {
  const producer = kafka().producer({ idempotent: true });
  await producer.connect();
  try {
    for (let i = from; i < to; i += 10) await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(10, to - i) }, (_, j) => ({ partition: 0, value: String(i + j) })) });
  } finally {
    await producer.disconnect();
  }
}

async function readAll(client: KafkaClient, topic: string): Promise<string[]> {
  const out: string[] = [];
  let offset = 0n;
  for (let i = 0; i < 100; i++) {
    const r = await client.fetch(topic, 0, offset, { maxWaitMs: 0, maxBytes: 1 << 20 });
    out.push(...r.records.map((x) => x.value!.toString()));
    if (r.nextOffset >= r.highWatermark) break;
    offset = r.nextOffset;
  }
  return out;
}

const dirOf = (broker: number, topic: string) => join(c.cluster.broker(broker)!.dataDir, `${topic}-0`);

test('a partition moves off its leader onto another broker under an idempotent acks=all producer: the new replica holds the same bytes, the old copy goes, nothing is lost', async (t) => {
  await createTopic('move', [[1, 2]]);
  await produce('move', 0, 200);
  const admin = kafka().admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  const started = Date.now();
  const producing = produce('move', 200, 400);
  await admin.alterPartitionReassignments({ topics: [{ topic: 'move', partitionAssignment: [{ partition: 0, replicas: [2, 3] }] }] });
  const done = await waitFor(async () => (await admin.listPartitionReassignments({})).topics.length === 0, 30_000);
  t.not(done, -1, 'the reassignment finishes');
  t.log(`[1,2] -> [2,3] finished ${Date.now() - started} ms after it was asked, 200 records on the partition`);
  await producing;
  const [p] = await describe(c, 'move', await controllerId(c));
  t.deepEqual(p!.replicas, [2, 3]);
  t.true([2, 3].includes(p!.leader), `the leader (${p!.leader}) is one of the new replicas: broker 1 handed over`);
  t.deepEqual(p!.isr, [2, 3]);
  t.true((await replicasAgree(c, 'move', 0, 20_000, [2, 3])) > 0, 'the new replica holds the same bytes as the other');
  t.not(await waitFor(() => !existsSync(dirOf(1, 'move')), 15_000), -1, "broker 1's copy is deleted");
  const client = await KafkaClient.connect(c.cluster.broker(p!.leader)!.bootstrap);
  t.teardown(() => client.close());
  t.deepEqual(await readAll(client, 'move'), Array.from({ length: 400 }, (_, i) => String(i)), 'every acknowledged record, once, in order');

  // More replicas, then fewer: [2,3] -> [3,1,2] -> [3].
  await admin.alterPartitionReassignments({ topics: [{ topic: 'move', partitionAssignment: [{ partition: 0, replicas: [3, 1, 2] }] }] });
  t.not(await waitFor(async () => (await describe(c, 'move')).every((x) => x.isr.length === 3 && x.replicas.join() === '3,1,2'), 30_000), -1, 'grown to three replicas, all in sync');
  t.true((await replicasAgree(c, 'move', 0, 20_000, [1, 2, 3])) > 0);
  await admin.alterPartitionReassignments({ topics: [{ topic: 'move', partitionAssignment: [{ partition: 0, replicas: [3] }] }] });
  t.not(await waitFor(async () => (await describe(c, 'move')).every((x) => x.replicas.join() === '3' && x.leader === 3), 30_000), -1, 'shrunk to broker 3 alone');
  t.not(await waitFor(() => !existsSync(dirOf(1, 'move')) && !existsSync(dirOf(2, 'move')), 15_000), -1, 'the removed copies are deleted');
  const last = await KafkaClient.connect(c.cluster.broker(3)!.bootstrap);
  t.teardown(() => last.close());
  t.is((await readAll(last, 'move')).length, 400);
});

test('a move that cannot finish is listed, holds back CreatePartitions and is cancelled; bad targets and a non-controller get Kafka\'s errors', async (t) => {
  // The controller leads the partition and the paused new replica is another broker: pausing the controller would stall every request here.
  const controller = await controllerId(c);
  const [kept, added] = c.cluster.brokerIds.filter((id) => id !== controller) as [number, number];
  await createTopic('stay', [[controller, kept]]);
  await produce('stay', 0, 50);
  const client = await KafkaClient.connect(c.cluster.broker(controller)!.bootstrap);
  t.teardown(() => client.close());
  const codes = async (items: { topic: string; partition: number; replicas: number[] | null }[]) => (await client.alterReassignments(items)).map((r) => r.errorCode);
  t.deepEqual(
    await codes([
      { topic: 'stay', partition: 0, replicas: [controller, 9] },
      { topic: 'stay', partition: 0, replicas: [kept, kept] },
      { topic: 'stay', partition: 0, replicas: [] },
      { topic: 'stay', partition: 5, replicas: [controller, kept] },
      { topic: 'stay', partition: 0, replicas: null },
      { topic: 'no-such-topic', partition: 0, replicas: [1] },
    ]),
    [ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  );
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.cluster.broker(kept)!.port });
  const refused = await conn.request(46, 0, { timeoutMs: 5_000, topics: null });
  conn.close();
  t.is(refused.errorCode, ErrorCode.NOT_CONTROLLER);

  // The new replica is paused, shorter than its session: the move waits for it.
  const paused = c.cluster.broker(added)!;
  paused.signal('SIGSTOP');
  try {
    t.deepEqual(await codes([{ topic: 'stay', partition: 0, replicas: [controller, added] }]), [0]);
    t.deepEqual(await client.listReassignments(), [{ topic: 'stay', partition: 0, replicas: [controller, added, kept], adding: [added], removing: [kept] }]);
    const more = await client.conn.request(37, 3, { topics: [{ name: 'stay' as never, count: 2, assignments: null }], timeoutMs: 5_000, validateOnly: false });
    t.is(more.results[0]!.errorCode, ErrorCode.REASSIGNMENT_IN_PROGRESS);
    const cli = await run(process.execPath, [MAIN, 'topics', 'reassign', 'stay', '--partition', '0', '--cancel', '--bootstrap-server', c.cluster.broker(controller)!.bootstrap], { timeoutMs: 30_000 });
    t.is(cli.code, 0, cli.stderr);
    t.regex(cli.stdout, /Cancelled the reassignment of stay-0/);
    t.deepEqual(await client.listReassignments(), []);
  } finally {
    paused.signal('SIGCONT');
  }
  const [p] = await describe(c, 'stay', controller);
  t.deepEqual(p!.replicas, [controller, kept], 'back on its original replicas');
  t.is(p!.leader, controller);
  t.not(await waitFor(() => !existsSync(dirOf(added, 'stay')), 15_000), -1, "the paused broker's new copy is deleted once it runs again");
  t.deepEqual(await readAll(client, 'stay'), Array.from({ length: 50 }, (_, i) => String(i)));
  const listed = await run(process.execPath, [MAIN, 'topics', 'reassignments', '--bootstrap-server', c.cluster.broker(controller)!.bootstrap], { timeoutMs: 30_000 });
  t.regex(listed.stdout, /No partition reassignment in progress/);
});

test('a move under way when the controller is SIGKILLed is finished by the next one, from the assignment znode', async (t) => {
  const controller = await controllerId(c);
  const [leader, target] = c.cluster.brokerIds.filter((id) => id !== controller);
  // The controller holds the replica being removed; the new one is paused so the move is still under way when the controller dies.
  await createTopic('resume', [[leader!, controller]]);
  await produce('resume', 0, 100);
  const client = await KafkaClient.connect(c.cluster.broker(leader!)!.bootstrap);
  t.teardown(() => client.close());
  c.cluster.broker(target!)!.signal('SIGSTOP');
  try {
    const admin = await KafkaClient.connect(c.cluster.broker(controller)!.bootstrap);
    try {
      t.deepEqual((await admin.alterReassignments([{ topic: 'resume', partition: 0, replicas: [leader!, target!] }])).map((r) => r.errorCode), [0]);
    } finally {
      admin.close();
    }
    await c.cluster.killBroker(controller);
  } finally {
    c.cluster.broker(target!)!.signal('SIGCONT');
  }
  const finished = await waitFor(async () => {
    const [p] = await describe(c, 'resume', leader).catch(() => []);
    return p !== undefined && p.replicas.join() === `${leader},${target}` && p.isr.join() === [leader!, target!].sort().join();
  }, SESSION_MS + 30_000);
  t.not(finished, -1, `the next controller (${await controllerId(c)}) finished the move`);
  t.true((await replicasAgree(c, 'resume', 0, 20_000, [leader!, target!])) > 0);
  // The killed broker comes back with a copy nobody names any more: it is set aside, not served.
  await c.cluster.startBroker(controller);
  t.not(await waitFor(() => !existsSync(dirOf(controller, 'resume')), 20_000), -1, "the old controller's copy is set aside when it returns");
  t.deepEqual(await readAll(client, 'resume'), Array.from({ length: 100 }, (_, i) => String(i)));
});
