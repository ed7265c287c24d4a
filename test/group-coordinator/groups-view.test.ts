import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Broker } from '../../actors/broker/broker.js';
import type { GroupView } from '../../actors/broker/groups-view.js';
import { OFFSETS_TOPIC } from '../../actors/group-coordinator/actor-messages.js';
import type { OverviewReply } from '../../actors/group-coordinator/messages.js';
import { silentLogger } from '../../actors/runtime/index.js';
import { standardExtensions } from '../../actors/standard-extensions.js';
import { brokerConfigFrom } from '../../index.js';
import { ShardHarness } from './helpers/shard-harness.js';

async function until(view: () => Promise<GroupView | undefined>, cond: (g: GroupView) => boolean, timeoutMs = 30_000): Promise<GroupView> {
  const start = Date.now();
  for (;;) {
    const g = await view();
    if (g !== undefined && cond(g)) return g;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last seen ${JSON.stringify(g, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// On the worker pool, so the shards' answers cross threads.
test('a kafkajs group as the broker sees it: Stable with its member, assignment and offsets, then Empty with the offsets kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-groups-view-'));
  const config = brokerConfigFrom({ dataDir: dir, port: 0, workers: 2, 'offsets.topic.num.partitions': 4, 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 1000 });
  const broker = await Broker.start({ config, logger: silentLogger, extensions: standardExtensions() });
  const kafka = new Kafka({ clientId: 'view-client', brokers: [`${broker.advertised.host}:${broker.advertised.port}`], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  const consumer = kafka.consumer({ groupId: 'viewed', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
  t.teardown(async () => {
    await consumer.disconnect().catch(() => undefined);
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const view = broker.groupsView!;
  t.deepEqual(await view.groups(), []);
  t.is(broker.controller.topic(OFFSETS_TOPIC), undefined, 'looking creates no offsets topic');

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'two', numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'two', messages: [0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `m${i}` })) });
  await producer.disconnect();

  let memberId = '';
  consumer.on(consumer.events.GROUP_JOIN, (e) => void (memberId = e.payload.memberId));
  let seen = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: 'two', fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async () => void seen++ });
  const deadline = Date.now() + 30_000;
  while (seen < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.is(seen, 5);
  const before = Date.now();
  await consumer.commitOffsets([
    { topic: 'two', partition: 0, offset: '3' },
    { topic: 'two', partition: 1, offset: '2' },
  ]);
  const after = Date.now();

  const viewed = () => view.groups().then((gs) => gs.find((g) => g.groupId === 'viewed'));
  const stable = await until(viewed, (g) => g.state === 'Stable' && g.offsets.length === 2);
  t.is(stable.protocolType, 'consumer');
  t.is(stable.protocol, 'RoundRobinAssigner');
  t.true(stable.generationId >= 1);
  t.is(stable.members.length, 1);
  const m = stable.members[0]!;
  t.is(m.memberId, memberId);
  t.is(m.clientId, 'view-client');
  t.is(m.groupInstanceId, null);
  t.regex(m.clientHost, /127\.0\.0\.1/);
  t.deepEqual(
    m.assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort() })),
    [{ topic: 'two', partitions: [0, 1] }],
  );
  t.deepEqual(
    stable.offsets.map((o) => [o.topic, o.partition, o.committedOffset, o.metadata]),
    [
      ['two', 0, 3n, ''],
      ['two', 1, 2n, ''],
    ],
  );
  for (const o of stable.offsets) t.true(o.commitTimestampMs >= before - 1000 && o.commitTimestampMs <= after + 1000, `commit time ${o.commitTimestampMs}`);

  await consumer.disconnect();
  const empty = await until(viewed, (g) => g.state === 'Empty');
  t.deepEqual(empty.members, []);
  t.deepEqual(empty.offsets, stable.offsets);
});

test('the shard answers assignments decoded, and an assignment that is not the consumer protocol as no partitions', (t) => {
  const good = new ShardHarness();
  good.stableGroup('g', 1);
  const decoded = good.reply<OverviewReply>(good.send({ op: 'overview' }))!.groups[0]!;
  t.deepEqual(decoded.members[0]!.assignment, [{ topic: 't', partitions: [0] }]);

  const h = new ShardHarness();
  const joinId = h.join('g');
  h.advance(h.settings.initialRebalanceDelayMs);
  const j = h.joinReply(joinId)!;
  // version 1, then a topic-count of 9 with no topics behind it
  h.sync('g', j.memberId, j.generationId, [{ memberId: j.memberId, assignment: Buffer.from([0, 1, 0, 0, 0, 9, 0]) }]);
  const g = h.reply<OverviewReply>(h.send({ op: 'overview' }))!.groups[0]!;
  t.is(g.state, 'Stable');
  t.is(g.members[0]!.memberId, j.memberId);
  t.deepEqual(g.members[0]!.assignment, []);
});
