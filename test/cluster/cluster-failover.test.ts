/**
 * Faults on a real 3-broker cluster over a 3-server ensemble: the controller
 * killed with SIGKILL, another broker killed and restarted, a ZooKeeper
 * server killed, the whole ensemble stopped and started. Every acknowledged
 * record is read back after each.
 */
import { KafkaClient } from '../../cli/console/client.js';
import { readdirSync } from 'node:fs';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ZkSession } from '../../cluster/zookeeper/session.js';
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { startTestCluster, type TestCluster } from '../../testing.js';
import { Kafka, logLevel } from '../integration/helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
// Short enough to keep the file quick, long enough that a loaded 2-core machine does not expire healthy sessions.
const SESSION_MS = 6_000;
let c: TestCluster;
let acked = 0;
const TOPIC = 'faults';

test.before(async () => {
  c = await startTestCluster({ brokers: 3, zookeepers: 3, sessionTimeoutMs: SESSION_MS });
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
});
test.after.always(async () => {
  await c?.stop();
});

function kafka() {
  return new Kafka({ brokers: c.bootstrap.split(','), clientId: 'failover', logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 } });
}

/** Metadata of the test topic from one running broker. */
async function describe(): Promise<{ controllerId: number; brokers: number[]; partitions: Array<{ p: number; errorCode: number; leader: number; epoch: number }> }> {
  for (const id of c.cluster.brokerIds) {
    const b = c.cluster.broker(id);
    if (b === undefined) continue;
    try {
      const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: b.port, connectTimeoutMs: 2_000 });
      const r = await conn.request(3, 12, { topics: [{ name: TOPIC as TopicName, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' as never }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      conn.close();
      return {
        controllerId: r.controllerId,
        brokers: r.brokers.map((x) => x.nodeId as number).sort(),
        partitions: r.topics[0]!.partitions.map((p) => ({ p: p.partitionIndex, errorCode: p.errorCode, leader: p.leaderId, epoch: p.leaderEpoch })).sort((a, b) => a.p - b.p),
      };
    } catch {
      // try the next broker
    }
  }
  throw new Error('no broker answered');
}

/**
 * Produces `n` records with acks=all, straight to the leader of each partition
 * that has one now (kafkajs refuses to produce to a topic while any of its
 * partitions is leaderless); counts the acknowledged ones.
 */
async function produce(n: number, tag: string): Promise<void> {
  const { partitions } = await describe();
  const led = partitions.filter((p) => p.leader >= 0);
  const clients = new Map<number, KafkaClient>();
  try {
    for (let i = 0; i < n; i += 10) {
      const p = led[(i / 10) % led.length]!;
      let client = clients.get(p.leader);
      if (client === undefined) clients.set(p.leader, (client = await KafkaClient.connect(c.cluster.broker(p.leader)!.bootstrap)));
      const records = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({ value: Buffer.from(`${tag}-${i + j}`) }));
      await client.produce(TOPIC, p.p, records, { acks: -1 });
      acked += records.length;
    }
  } finally {
    for (const cl of clients.values()) cl.close();
  }
}

/** Every record stored, once every partition has a leader again. */
async function storedCount(): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  await admin.disconnect();
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

/** Every broker runs and knows all six partitions, each with a leader (a broker just started knows nothing until the controller tells it). */
/** The controller ids the running brokers name (one, once they agree). */
async function named(): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const id of c.cluster.brokerIds) {
    const b = c.cluster.broker(id);
    if (b === undefined) continue;
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: b.port });
    ids.add((await conn.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).controllerId);
    conn.close();
  }
  return ids;
}

const allLed = async () => {
  for (const id of c.cluster.brokerIds) if (c.cluster.broker(id) === undefined) return false;
  const d = await describe().catch(() => null);
  return d !== null && d.brokers.length === 3 && d.partitions.length === 6 && d.partitions.every((p) => p.errorCode === 0 && p.leader >= 0);
};

test('kill -9 of the controller: another broker takes over within the session timeout; its partitions are offline until it returns, then lead in a new epoch, nothing lost', async (t) => {
  t.not(await waitFor(allLed, 30_000), -1);
  await produce(120, 'before');
  const before = await describe();
  const old = before.controllerId;
  const killedAt = Date.now();
  await c.cluster.killBroker(old);
  const took = await waitFor(async () => {
    const d = await describe().catch(() => null);
    return d !== null && d.controllerId !== old && d.controllerId >= 0 && !d.brokers.includes(old);
  }, SESSION_MS + 20_000);
  t.not(took, -1, 'a new controller');
  t.log(`new controller ${(await describe()).controllerId} ${Date.now() - killedAt} ms after kill -9 of controller ${old} (session timeout ${SESSION_MS} ms)`);
  const during = await describe();
  const offline = during.partitions.filter((p) => before.partitions.find((b) => b.p === p.p)!.leader === old);
  t.true(offline.length > 0);
  t.true(offline.every((p) => p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE && p.leader === -1), JSON.stringify(offline));
  // A Produce to a broker that does not lead the partition is refused as Kafka refuses it.
  const led = during.partitions.find((p) => p.leader >= 0)!;
  const otherId = c.cluster.brokerIds.find((id) => id !== led.leader && c.cluster.broker(id) !== undefined)!;
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.cluster.broker(otherId)!.port });
  const refused = await conn.request(2, 7, { replicaId: -1 as never, isolationLevel: 0, topics: [{ name: TOPIC as TopicName, partitions: [{ partitionIndex: led.p, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] });
  conn.close();
  t.is(refused.topics[0]!.partitions[0]!.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  await produce(60, 'during');
  await c.cluster.startBroker(old);
  t.not(await waitFor(allLed, 30_000), -1, 'every partition leads again');
  const after = await describe();
  for (const p of offline) t.true(after.partitions[p.p]!.epoch > p.epoch, `partition ${p.p} leads in a newer epoch`);
  t.is(await storedCount(), acked, 'every acknowledged record is there');
});

test('kill -9 of a broker that is not the controller, and its restart: nothing acknowledged is lost and the controller stays', async (t) => {
  const { controllerId } = await describe();
  const victim = c.cluster.brokerIds.find((id) => id !== controllerId)!;
  await produce(90, 'pre-kill');
  await c.cluster.killBroker(victim);
  t.not(await waitFor(async () => !(await describe()).brokers.includes(victim), SESSION_MS + 20_000), -1);
  t.is((await describe()).controllerId, controllerId);
  await c.cluster.startBroker(victim);
  t.not(await waitFor(allLed, 30_000), -1);
  t.is(await storedCount(), acked);
});

test('a ZooKeeper server killed (the ensemble keeps its quorum): topics are still created and served', async (t) => {
  const leader = await c.cluster.ensemble.leader();
  await leader.kill();
  await c.cluster.ensemble.serving(30_000);
  const admin = kafka().admin();
  await admin.connect();
  t.true(await admin.createTopics({ topics: [{ topic: 'after-zk-kill', numPartitions: 3 }], waitForLeaders: true }));
  await admin.disconnect();
  await produce(30, 'zk-member-down');
  await leader.start();
  await c.cluster.ensemble.serving(30_000);
  t.is(await storedCount(), acked);
});

test('the whole ensemble stopped: brokers keep serving the partitions they lead; started again, the cluster is whole', async (t) => {
  await Promise.all(c.cluster.ensemble.servers.map((s) => s.kill()));
  await produce(60, 'zk-down');
  t.is(await storedCount(), acked, 'produce and fetch go on without ZooKeeper');
  await Promise.all(c.cluster.ensemble.servers.map((s) => s.start()));
  await c.cluster.ensemble.serving(30_000);
  t.not(await waitFor(async () => {
    const d = await describe().catch(() => null);
    return d !== null && d.brokers.length === 3 && d.controllerId >= 0;
  }, 40_000), -1, 'three brokers registered and a controller');
  const admin = kafka().admin();
  await admin.connect();
  t.true(await admin.createTopics({ topics: [{ topic: 'after-zk-restart', numPartitions: 2 }], waitForLeaders: true }));
  await admin.disconnect();
  await produce(30, 'zk-back');
  t.is(await storedCount(), acked);
});

test('the controller paused (SIGSTOP) past its session: another takes over; woken, it finds its session expired, resigns, registers again, and the cluster is whole', async (t) => {
  t.not(await waitFor(allLed, 30_000), -1);
  const { controllerId: old } = await describe();
  const paused = c.cluster.broker(old)!;
  paused.signal('SIGSTOP');
  let resumed = false;
  t.teardown(() => {
    if (!resumed) paused.signal('SIGCONT');
  });
  t.not(await waitFor(async () => {
    const d = await describe().catch(() => null);
    return d !== null && d.controllerId >= 0 && d.controllerId !== old && !d.brokers.includes(old);
  }, SESSION_MS + 20_000), -1, 'a new controller while the old one sleeps');
  paused.signal('SIGCONT');
  resumed = true;
  t.not(await waitFor(allLed, 40_000), -1, 'the woken broker registered again and leads its partitions');
  // The woken broker resigned: every broker comes to name the same controller (any broker, should sessions have moved since).
  t.not(await waitFor(async () => (await named()).size === 1, 15_000), -1, `controllers named: ${[...(await named())].join(', ')}`);
  await produce(30, 'after-pause');
  t.is(await storedCount(), acked);
});

test('ControlledShutdown: refused off the controller and for a stale broker epoch; a graceful stop leaves the cluster at once, not after the session timeout', async (t) => {
  t.not(await waitFor(allLed, 30_000), -1);
  t.not(await waitFor(async () => (await named()).size === 1, 15_000), -1);
  const { controllerId } = await describe();
  const other = c.cluster.brokerIds.find((id) => id !== controllerId)!;
  const ask = async (to: number, brokerEpoch: bigint) => {
    const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.cluster.broker(to)!.port });
    const r = await conn.request(7, 3, { brokerId: other as never, brokerEpoch });
    conn.close();
    return r;
  };
  t.is((await ask(other, -1n)).errorCode, ErrorCode.NOT_CONTROLLER);
  t.is((await ask(controllerId, 1n)).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  const started = Date.now();
  const exit = await c.cluster.broker(other)!.stop();
  t.is(exit.code, 0);
  await c.cluster.stopBroker(other);
  const gone = await waitFor(async () => !(await describe()).brokers.includes(other), 10_000);
  t.not(gone, -1);
  t.log(`broker ${other} out of the cluster ${Date.now() - started} ms after SIGTERM (session timeout ${SESSION_MS} ms)`);
  t.true(Date.now() - started < SESSION_MS + 1_000, 'its session closed rather than timed out');
  await c.cluster.startBroker(other);
  t.not(await waitFor(allLed, 30_000), -1);
  t.is(await storedCount(), acked);
});

test('a topic deleted while one of its brokers is down stays queued until it returns, which then deletes its replicas; the name is free again after', async (t) => {
  t.not(await waitFor(allLed, 30_000), -1);
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'gone', numPartitions: 3 }], waitForLeaders: true });
  const md = await admin.fetchTopicMetadata({ topics: ['gone'] });
  const producer = kafka().producer();
  await producer.connect();
  await producer.send({ topic: 'gone', acks: -1, messages: [0, 1, 2].map((p) => ({ partition: p, value: `old-${p}` })) });
  await producer.disconnect();
  const { controllerId } = await describe();
  const down = md.topics[0]!.partitions.map((p) => p.leader).find((id) => id !== controllerId)!;
  const held = md.topics[0]!.partitions.filter((p) => p.leader === down).map((p) => p.partitionId);
  const dir = c.cluster.broker(down)!.dataDir;
  await c.cluster.killBroker(down);
  t.not(await waitFor(async () => !(await describe()).brokers.includes(down), SESSION_MS + 20_000), -1);
  const zk = await ZkSession.connect(c.cluster.zookeeperConnect, { sessionTimeoutMs: 6_000, connectionTimeoutMs: 10_000 });
  t.teardown(() => zk.close());
  // kafkajs refuses admin calls while any partition it knows of is leaderless: samsa's own client does them.
  const client = await KafkaClient.connect(c.cluster.broker(controllerId)!.bootstrap);
  t.teardown(() => client.close());
  await client.deleteTopic('gone');
  t.deepEqual(await client.metadata(['gone']).then((m) => m.map((x) => x.errorCode)), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], 'gone for clients at once');
  t.truthy(await zk.exists('/brokers/topics/gone'), 'the assignment stays while a replica is down');
  t.truthy(await zk.exists('/admin/delete_topics/gone'), 'and so does the mark');
  const again = await client.createTopic('gone', 3).then(() => null, (err: Error) => err.message);
  t.regex(again ?? '', /marked for deletion/, 'the name is taken until the deletion ends');
  t.true(held.every((p) => readdirSync(dir).includes(`gone-${p}`)), 'the down broker still has its replicas on disk');
  await c.cluster.startBroker(down);
  t.not(await waitFor(async () => (await zk.exists('/brokers/topics/gone')) === null && (await zk.exists('/admin/delete_topics/gone')) === null, 30_000), -1, 'the deletion finished');
  const entries = readdirSync(dir);
  for (const p of held) t.false(entries.some((e) => e === `gone-${p}` || e.startsWith(`gone-${p}.`)), `gone-${p} deleted by the returning broker: ${entries.join(' ')}`);
  t.not(await waitFor(allLed, 30_000), -1);
  await client.createTopic('gone', 3);
  const offsets = await admin.fetchTopicOffsets('gone');
  await admin.disconnect();
  t.deepEqual(offsets.map((o) => o.high), ['0', '0', '0'], 'the new topic has none of the old records');
});

test('a topic made again under a deleted one\'s name starts its leader epochs at 0, and a broker that led the old one in a later epoch acknowledges acks=all', async (t) => {
  t.not(await waitFor(allLed, 30_000), -1);
  const { controllerId } = await describe();
  const [a, b] = c.cluster.brokerIds.filter((id) => id !== controllerId) as [number, number];
  const assigned = (first: number, second: number) => [{ partition: 0, replicas: [first, second, controllerId] }];
  const admin = kafka().admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'again', replicaAssignment: assigned(a, b) }], waitForLeaders: true });
  await c.cluster.killBroker(a);
  const leaderOf = async () => (await admin.fetchTopicMetadata({ topics: ['again'] }).catch(() => null))?.topics[0]!.partitions[0]!.leader;
  t.not(await waitFor(async () => (await leaderOf()) === b, SESSION_MS + 20_000), -1, `broker ${b} leads again-0 in epoch 1`);
  await c.cluster.startBroker(a);
  t.not(await waitFor(allLed, 30_000), -1);
  await admin.deleteTopics({ topics: ['again'], timeout: 30_000 });
  t.not(await waitFor(async () => !(await admin.listTopics()).includes('again'), 30_000), -1);
  // Made again with that broker first (refused as existing until every replica is deleted): it leads the new topic from epoch 0.
  let refused = '';
  const made = await waitFor(() => admin.createTopics({ topics: [{ topic: 'again', replicaAssignment: assigned(b, a) }], waitForLeaders: true }).then((created) => created, (err: Error) => ((refused = `${err.message} ${JSON.stringify((err as { errors?: unknown }).errors ?? null)}`), false)), 30_000);
  t.not(made, -1, refused);
  t.not(await waitFor(async () => (await leaderOf()) === b, 30_000), -1);
  const producer = new Kafka({ brokers: c.bootstrap.split(','), clientId: 'again', logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1_000 } }).producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const [r] = await producer.send({ topic: 'again', acks: -1, timeout: 10_000, messages: [{ partition: 0, value: 'new' }] });
  t.is(r!.baseOffset, '0');
});
