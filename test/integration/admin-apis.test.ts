/** APIs the popular clients rarely call: DeleteRecords, OffsetForLeaderEpoch, DescribeLogDirs, dynamic configs, LogAppendTime, retention. */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { kafkaFor, kafkajsReadPartition, MODES, withBroker } from './helpers.js';

for (const mode of MODES) {
  test(`[${mode.name}] DeleteRecords moves the log start; fetches below it are out of range`, async (t) => {
    const broker = await withBroker({ workers: mode.workers, 'log.segment.bytes': 4096 });
    t.teardown(() => broker.stop());
    const kafka = kafkaFor(broker);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 40; i++) await producer.send({ topic: 'trim', messages: Array.from({ length: 10 }, (_, j) => ({ value: `v${i * 10 + j}-${'p'.repeat(100)}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    t.teardown(() => admin.disconnect());
    await admin.fetchTopicOffsets('trim');
    await admin.deleteTopicRecords({ topic: 'trim', partitions: [{ partition: 0, offset: '250' }] });
    const offsets = await admin.fetchTopicOffsets('trim');
    t.is(offsets[0]!.low, '250');
    t.is(offsets[0]!.high, '400');
    const got = await kafkajsReadPartition(broker, 'trim', 0, 250n);
    t.is(got[0]!.offset, '250');
    t.is(got.length, 150);
    const client = await KafkaClient.connect(broker.bootstrap);
    t.teardown(() => client.close());
    await t.throwsAsync(client.fetch('trim', 0, 10n), { message: /OFFSET_OUT_OF_RANGE/ });
  });
}

test('OffsetForLeaderEpoch and DescribeLogDirs', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic('epochs', 2);
  await client.produce('epochs', 1, [{ value: Buffer.from('a') }, { value: Buffer.from('b') }]);
  const e = await client.conn.request(23, 4, { replicaId: -1 as never, topics: [{ topic: 'epochs' as never, partitions: [{ partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 }, { partition: 0, currentLeaderEpoch: 5, leaderEpoch: 0 }, { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] });
  const parts = e.topics[0]!.partitions;
  t.deepEqual([parts[0]!.errorCode, parts[0]!.leaderEpoch, parts[0]!.endOffset], [0, 0, 2n]);
  t.is(parts[1]!.errorCode, 75 /* UNKNOWN_LEADER_EPOCH: newer than the leader's */);
  t.is(parts[2]!.errorCode, 3 /* UNKNOWN_TOPIC_OR_PARTITION */);
  const d = await client.conn.request(35, 4, { topics: null });
  const dir = d;
  const epochs = dir.results[0]!.topics.find((x) => x.name === 'epochs')!;
  t.deepEqual(epochs.partitions.map((p) => p.partitionIndex), [0, 1]);
  t.true(epochs.partitions[1]!.partitionSize > 0n);
  t.true(dir.results[0]!.totalBytes > 0n);
});

test('LogAppendTime topics stamp the broker time; dynamic broker configs apply to topics without overrides', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'stamped', configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }, { topic: 'plain' }] });
  const producer = kafka.producer();
  await producer.connect();
  const before = Date.now();
  const [ack] = await producer.send({ topic: 'stamped', messages: [{ value: 'x', timestamp: '1000' }] });
  t.true(Number(ack!.logAppendTime) >= before);
  t.truthy(ack!.logAppendTime);
  const [m] = await kafkajsReadPartition(broker, 'stamped', 0);
  t.is(m!.timestamp, ack!.logAppendTime!);
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '0', configEntries: [{ name: 'message.max.bytes', value: '200' }] }] });
  await t.throwsAsync(producer.send({ topic: 'plain', messages: [{ value: 'y'.repeat(500) }] }), { message: /too large|larger than/i });
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: '0', configNames: ['message.max.bytes'] }] });
  t.is(described.resources[0]!.configEntries[0]!.configValue, '200');
  await producer.disconnect();
});

test('retention deletes old segments on the maintenance tick', async (t) => {
  const broker = await withBroker({ 'log.retention.check.interval.ms': 100 });
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic('expiring', 1, { 'segment.bytes': '1024', 'retention.ms': '60000' });
  const old = BigInt(Date.now() - 3_600_000);
  for (let i = 0; i < 20; i++) await client.produce('expiring', 0, [{ value: Buffer.alloc(200, 1), timestamp: old }]);
  await client.produce('expiring', 0, [{ value: Buffer.from('fresh') }]);
  let start = 0n;
  for (let i = 0; i < 50 && start === 0n; i++) {
    await new Promise((r) => setTimeout(r, 100));
    start = (await client.listOffset('expiring', 0, -2n)).offset;
  }
  t.true(start > 0n, 'log start moved past the expired segments');
  t.is((await client.listOffset('expiring', 0, -1n)).offset, 21n);
});
