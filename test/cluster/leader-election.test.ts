/**
 * Leader elections an admin asks for and the controller's automatic
 * rebalance, on real 3-broker clusters: ElectLeaders (43) moves leadership
 * back to the preferred replica after a SIGKILLed broker returns, answers
 * ELECTION_NOT_NEEDED, UNKNOWN_TOPIC_OR_PARTITION and NOT_CONTROLLER as
 * Kafka does, and an unclean election brings back a partition whose whole
 * ISR is down (the returning old leader truncates to the new one). With
 * auto.leader.rebalance.enable the controller does the preferred election
 * by itself.
 */
import { fileURLToPath } from 'node:url';
import { KafkaClient } from '../../cli/console/client.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ErrorCode } from '../../protocol/index.js';
import { startTestCluster, type TestCluster } from '../../testing.js';
import { Kafka, logLevel, run } from '../integration/helpers.js';
import { controllerId, describe, inIsr, replicasAgree } from './replication-helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const SESSION_MS = 6_000;
const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

const kafka = (c: TestCluster) => new Kafka({ brokers: c.bootstrap.split(','), clientId: 'leader-election', logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 } });

/** A topic whose partition p prefers broker (p % 3) + 1: replicas rotated over 1, 2, 3. */
const rotated = (partitions: number): number[][] => Array.from({ length: partitions }, (_, p) => [0, 1, 2].map((i) => ((p + i) % 3) + 1));

async function createTopic(c: TestCluster, topic: string, assignment: number[][]): Promise<void> {
  const admin = kafka(c).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })) }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** acks=all and idempotent: a send retried across a leader change is stored once. */
async function produce(c: TestCluster, topic: string, partition: number, values: string[]): Promise<void> {
  const producer = kafka(c).producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ partition, value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Kills broker `id`, waits until no partition of `topic` names it as leader, starts it again and waits until it is back in every ISR. */
async function bounce(c: TestCluster, id: number, topic: string): Promise<void> {
  await c.cluster.killBroker(id);
  const moved = async () => (await describe(c, topic).catch(() => [])).every((p) => p.leader >= 0 && p.leader !== id);
  if ((await waitFor(moved, SESSION_MS + 20_000)) === -1) throw new Error(`leadership did not leave broker ${id}`);
  await c.cluster.startBroker(id);
  if ((await waitFor(inIsr(c, topic, [1, 2, 3]), 30_000)) === -1) throw new Error(`broker ${id} did not rejoin the ISR`);
}

const leaders = async (c: TestCluster, topic: string) => (await describe(c, topic)).map((p) => p.leader);
const byError = (results: Array<{ topic: string; partition: number; errorCode: number }>) => Object.fromEntries(results.map((r) => [`${r.topic}-${r.partition}`, r.errorCode]));

test('ElectLeaders: the preferred replica leads again after a SIGKILL; unknown partitions, a non-controller and an unclean election answer as Kafka', async (t) => {
  const c = await startTestCluster({ brokers: 3, zookeepers: 1, sessionTimeoutMs: SESSION_MS, overrides: { 'auto.leader.rebalance.enable': false } });
  t.teardown(() => c.stop());
  await createTopic(c, 'elect', rotated(3));
  t.deepEqual(await leaders(c, 'elect'), [1, 2, 3], 'each partition starts on its preferred replica');
  await produce(c, 'elect', 0, ['a', 'b', 'c']);

  const client = await KafkaClient.connect(c.cluster.broker(await controllerId(c))!.bootstrap);
  t.teardown(() => client.close());
  t.deepEqual(byError(await client.electLeaders('preferred', [{ topic: 'elect', partitions: [0, 1, 2] }])), { 'elect-0': ErrorCode.ELECTION_NOT_NEEDED, 'elect-1': ErrorCode.ELECTION_NOT_NEEDED, 'elect-2': ErrorCode.ELECTION_NOT_NEEDED });
  t.deepEqual(byError(await client.electLeaders('preferred', [{ topic: 'elect', partitions: [7] }, { topic: 'no-such-topic', partitions: [0] }])), { 'elect-7': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'no-such-topic-0': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });

  await bounce(c, 1, 'elect');
  const before = await describe(c, 'elect');
  t.not(before[0]!.leader, 1, 'partition 0 stays where it failed over to (no automatic rebalance here)');

  // A broker that is not the controller refuses, as Kafka's do.
  const controller = await controllerId(c);
  const other = c.cluster.brokerIds.find((id) => id !== controller)!;
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.cluster.broker(other)!.port });
  const refused = await conn.request(43, 2, { electionType: 0, topicPartitions: [{ topic: 'elect' as never, partitions: [0] }], timeoutMs: 5_000 });
  conn.close();
  t.is(refused.replicaElectionResults[0]!.partitionResult[0]!.errorCode, ErrorCode.NOT_CONTROLLER);

  const fresh = await KafkaClient.connect(c.cluster.broker(controller)!.bootstrap);
  t.teardown(() => fresh.close());
  // All partitions (null): only partition 0 needs it. The answer comes once the controller's own metadata shows the new leader.
  const all = byError(await fresh.electLeaders('preferred', null));
  t.is(all['elect-0'], 0, JSON.stringify(all));
  t.is(all['elect-1'], ErrorCode.ELECTION_NOT_NEEDED);
  const after = await describe(c, 'elect', controller);
  t.is(after[0]!.leader, 1, 'partition 0 is led by its preferred replica again');
  t.true(after[0]!.epoch > before[0]!.epoch, 'in a new leader epoch');
  t.deepEqual(after[0]!.isr, [1, 2, 3], 'with the ISR unchanged');
  // The new leader serves everything acknowledged before and takes more.
  await produce(c, 'elect', 0, ['d']);
  const read = await fresh.fetch('elect', 0, 0n, { maxWaitMs: 0 });
  t.deepEqual(read.records.map((r) => r.value!.toString()), ['a', 'b', 'c', 'd']);

  // The CLI: nothing left to elect.
  const cli = await run(process.execPath, [MAIN, 'topics', 'elect-leaders', 'elect', '--bootstrap-server', c.cluster.broker(controller)!.bootstrap], { timeoutMs: 30_000 });
  t.is(cli.code, 0, cli.stderr);
  t.regex(cli.stdout, /Valid replica already elected for partitions elect-0, elect-1, elect-2/);

  // Unclean: partition 0 of 'dirty' lives on 2 and 3 only. 2 dies (ISR [3]), a record lands on 3 alone, then 3 dies: offline.
  await createTopic(c, 'dirty', [[2, 3]]);
  await produce(c, 'dirty', 0, ['kept']);
  t.true((await replicasAgree(c, 'dirty', 0, 20_000, [2, 3])) > 0);
  await c.cluster.killBroker(2);
  t.not(await waitFor(async () => (await describe(c, 'dirty').catch(() => []))[0]?.leader === 3, SESSION_MS + 20_000), -1, 'broker 3 takes over');
  await produce(c, 'dirty', 0, ['only-on-3']);
  await c.cluster.killBroker(3);
  t.not(await waitFor(async () => (await describe(c, 'dirty').catch(() => []))[0]?.leader === -1, SESSION_MS + 20_000), -1, 'offline once its whole ISR is down');
  await c.cluster.startBroker(2);
  await new Promise((res) => setTimeout(res, 2_000));
  t.is((await describe(c, 'dirty'))[0]!.leader, -1, 'broker 2 is back but out of sync: no clean election brings it in');

  const now = await KafkaClient.connect(c.cluster.broker(await controllerId(c))!.bootstrap);
  t.teardown(() => now.close());
  t.deepEqual(byError(await now.electLeaders('preferred', [{ topic: 'dirty', partitions: [0] }])), { 'dirty-0': ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE });
  const cliUnclean = await run(process.execPath, [MAIN, 'topics', 'elect-leaders', 'dirty', '--election-type', 'unclean', '--bootstrap-server', c.cluster.broker(await controllerId(c))!.bootstrap], { timeoutMs: 30_000 });
  t.is(cliUnclean.code, 0, cliUnclean.stderr);
  t.regex(cliUnclean.stdout, /Successfully completed leader election \(unclean\) for partitions dirty-0/);
  const unclean = (await describe(c, 'dirty'))[0]!;
  t.is(unclean.leader, 2);
  t.deepEqual(unclean.isr, [2], 'the unclean leader is the whole ISR');
  await produce(c, 'dirty', 0, ['after']);
  // 3 returns with a record the new leader never had: it truncates it and follows.
  await c.cluster.startBroker(3);
  t.not(await waitFor(inIsr(c, 'dirty', [2, 3]), 30_000), -1, 'broker 3 rejoins the ISR');
  t.true((await replicasAgree(c, 'dirty', 0, 20_000, [2, 3])) > 0, 'after truncating to the unclean leader, both replicas hold the same bytes');
  const dirty = await now.fetch('dirty', 0, 0n, { maxWaitMs: 0 });
  t.deepEqual(dirty.records.map((r) => r.value!.toString()), ['kept', 'after'], 'what only the old leader had is gone: the price of an unclean election');
  t.deepEqual(byError(await now.electLeaders('unclean', [{ topic: 'dirty', partitions: [0] }])), { 'dirty-0': ErrorCode.ELECTION_NOT_NEEDED });
});

test('auto.leader.rebalance.enable: the controller gives a returning broker its preferred partitions back', async (t) => {
  const c = await startTestCluster({ brokers: 3, zookeepers: 1, sessionTimeoutMs: SESSION_MS, overrides: { 'leader.imbalance.check.interval.seconds': 1 } });
  t.teardown(() => c.stop());
  await createTopic(c, 'balance', rotated(6));
  t.deepEqual(await leaders(c, 'balance'), [1, 2, 3, 1, 2, 3]);
  // Broker 2 is killed: partitions 1 and 4 move to other brokers, and come back once it has returned.
  await bounce(c, 2, 'balance');
  const back = await waitFor(async () => JSON.stringify(await leaders(c, 'balance')) === JSON.stringify([1, 2, 3, 1, 2, 3]), 20_000);
  t.not(back, -1, `leaders ${JSON.stringify(await leaders(c, 'balance'))}`);
  t.log(`preferred leaders restored ${back} ms after broker 2 rejoined the ISR`);
});

test('unclean.leader.election.enable=true: a partition whose ISR is down is led by a returning out-of-sync replica, on the topic override or once the config is turned on', async (t) => {
  const c = await startTestCluster({ brokers: 2, zookeepers: 1, sessionTimeoutMs: SESSION_MS, overrides: { 'auto.leader.rebalance.enable': false } });
  t.teardown(() => c.stop());
  // Both prefer broker 1; 'lossy' allows unclean election, 'careful' does not (yet).
  await createTopic(c, 'lossy', [[1, 2]]);
  await createTopic(c, 'careful', [[1, 2]]);
  const admin = kafka(c).admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'lossy', configEntries: [{ name: 'unclean.leader.election.enable', value: 'true' }] }] });
  for (const topic of ['lossy', 'careful']) await produce(c, topic, 0, ['both']);
  // 1 dies: 2 leads alone and takes a record 1 never gets; then 2 dies and 1 comes back, out of sync.
  await c.cluster.killBroker(1);
  const ledBy = (topic: string, leader: number) => async () => (await describe(c, topic).catch(() => []))[0]?.leader === leader;
  t.not(await waitFor(async () => (await ledBy('lossy', 2)()) && (await ledBy('careful', 2)()), SESSION_MS + 20_000), -1);
  for (const topic of ['lossy', 'careful']) await produce(c, topic, 0, ['only-on-2']);
  await c.cluster.killBroker(2);
  await c.cluster.startBroker(1);
  t.not(await waitFor(ledBy('lossy', 1), SESSION_MS + 20_000), -1, 'lossy: broker 1 is elected from outside the ISR');
  t.deepEqual((await describe(c, 'lossy'))[0]!.isr, [1]);
  t.is((await describe(c, 'careful'))[0]!.leader, -1, 'careful: offline, waiting for its ISR');
  // Turning the option on for 'careful' elects at once (with samsa's client: kafkajs's admin refreshes metadata first, and gives up on a partition without a leader).
  const tool = await KafkaClient.connect(c.cluster.broker(1)!.bootstrap);
  t.teardown(() => tool.close());
  await tool.alterTopicConfigs('careful', { 'unclean.leader.election.enable': 'true' }, []);
  t.not(await waitFor(ledBy('careful', 1), 15_000), -1, 'careful: elected once the config allows it');
  const client = await KafkaClient.connect(c.cluster.broker(1)!.bootstrap);
  t.teardown(() => client.close());
  for (const topic of ['lossy', 'careful']) {
    await produce(c, topic, 0, ['after']);
    t.deepEqual((await client.fetch(topic, 0, 0n, { maxWaitMs: 0 })).records.map((r) => r.value!.toString()), ['both', 'after'], `${topic}: what only broker 2 had is gone`);
  }
  // Broker 2 returns and truncates to the new leader's log.
  await c.cluster.startBroker(2);
  t.not(await waitFor(inIsr(c, 'lossy', [1, 2]), 30_000), -1);
  t.true((await replicasAgree(c, 'lossy', 0)) > 0);
});
