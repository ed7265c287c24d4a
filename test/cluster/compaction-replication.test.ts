/**
 * A compacted topic on a real 2-broker cluster: a follower that was down
 * while its leader compacted catches up from the compacted log (batches with
 * offset gaps), rejoins the ISR, and once it leads serves every key's latest
 * value at the offset it was written at.
 */
import { startTestCluster, type TestCluster } from '../../testing.js';
import { kafkajsReadPartition, Kafka, logLevel } from '../integration/helpers.js';
import { describe, inIsr } from './replication-helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const TOPIC = 'profiles';
let c: TestCluster;

test.before(async () => {
  c = await startTestCluster({ brokers: 2, zookeepers: 1, sessionTimeoutMs: 6_000, overrides: { 'log.cleaner.backoff.ms': 100, 'replica.lag.time.max.ms': 3_000 } });
});
test.after.always(async () => {
  await c?.stop();
});

const kafka = () => new Kafka({ brokers: c.bootstrap.split(','), clientId: 'compaction-replication', logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 } });

test('a follower catches up from its leader’s compacted log, rejoins the ISR, and serves the latest values once it leads', async (t) => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 2, configEntries: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.bytes', value: '4096' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    ] }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const [p] = await describe(c, TOPIC);
  const leader = p!.leader;
  const follower = c.cluster.brokerIds.find((id) => id !== leader)!;
  await c.cluster.stopBroker(follower);

  const producer = kafka().producer();
  await producer.connect();
  const latest = new Map<string, { offset: number; value: string }>();
  for (let round = 0; round < 30; round++) {
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `p${(round * 3 + i) % 30}`, value: `r${round}.${i}` }));
    const [r] = await producer.send({ topic: TOPIC, acks: 1, messages });
    messages.forEach((m, i) => latest.set(m.key, { offset: Number(r!.baseOffset) + i, value: m.value }));
  }
  await producer.disconnect();
  const leaderAddress = { bootstrap: `127.0.0.1:${c.cluster.broker(leader)!.port}` };
  const compacted = await waitFor(async () => (await kafkajsReadPartition(leaderAddress, TOPIC, 0)).length < 300, 30_000);
  t.not(compacted, -1, 'the leader compacted the log while its follower was down');

  await c.cluster.startBroker(follower);
  t.not(await waitFor(inIsr(c, TOPIC, [leader, follower]), 40_000), -1, 'the follower fetched the compacted log and rejoined the ISR');
  await c.cluster.killBroker(leader);
  t.not(await waitFor(async () => (await describe(c, TOPIC, follower).catch(() => []))[0]?.leader === follower, 30_000), -1, 'the follower leads');
  const read = await kafkajsReadPartition({ bootstrap: `127.0.0.1:${c.cluster.broker(follower)!.port}` }, TOPIC, 0);
  const seen = new Map<string, { offset: number; value: string }>();
  for (const m of read) seen.set(m.key!.toString(), { offset: Number(m.offset), value: m.value!.toString() });
  t.deepEqual([...seen].sort(), [...latest].sort(), 'every key’s latest value at its offset');
  await c.cluster.startBroker(leader);
});
