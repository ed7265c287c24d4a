/**
 * The state-survival rule of docs/storage.md, walked through on a real
 * `samsa start` process: everything a client was told is done survives a
 * graceful restart and a SIGKILL; nothing of a deleted topic survives into a
 * topic created again under its name, not even across a crash.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess } from '../torture/harness/broker-process.js';
import { kafkaFor, kafkajsReadPartition } from './helpers.js';
import { commitOffsets } from './offset-commit.js';

const TOPIC = 'ledger';
const GROUP = 'auditors';
const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;
const OVERRIDES = { 'offsets.topic.num.partitions': 4 };

type Admin = ReturnType<ReturnType<typeof kafkaFor>['admin']>;

async function withAdmin<T>(b: BrokerProcess, fn: (a: Admin) => Promise<T>): Promise<T> {
  const a = kafkaFor(b).admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

async function produce(b: BrokerProcess, partition: number, values: string[]): Promise<void> {
  const p = kafkaFor(b).producer();
  await p.connect();
  try {
    await p.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ partition, value })) });
  } finally {
    await p.disconnect();
  }
}

async function configValue(a: Admin, type: number, name: string, config: string): Promise<string | undefined> {
  const r = await a.describeConfigs({ resources: [{ type, name, configNames: [config] }], includeSynonyms: false });
  return r.resources[0]!.configEntries.find((e) => e.configName === config)?.configValue;
}

/** Everything a client can see of the topic, its group and the configs. */
async function observe(b: BrokerProcess) {
  return withAdmin(b, async (a) => {
    const topics = (await a.listTopics()).filter((n) => n === TOPIC);
    const offsets = topics.length === 0 ? [] : (await a.fetchTopicOffsets(TOPIC)).sort((x, y) => x.partition - y.partition);
    const records = [];
    for (const o of offsets) records.push((await kafkajsReadPartition(b, TOPIC, o.partition, BigInt(o.low))).map((m) => `${o.partition}@${m.offset}:${m.value!.toString()}`));
    const committed = (await a.fetchOffsets({ groupId: GROUP })).filter((t) => t.topic === TOPIC);
    return {
      topics,
      offsets,
      records,
      committed,
      topicRetention: topics.length === 0 ? null : await configValue(a, TOPIC_RESOURCE, TOPIC, 'retention.ms'),
      brokerRetention: await configValue(a, BROKER_RESOURCE, '0', 'log.retention.ms'),
    };
  });
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test.serial('state survival: graceful restart keeps all, SIGKILL keeps everything acknowledged, delete + recreate keeps nothing of the old topic', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-survival-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  let broker = await BrokerProcess.start({ dataDir, overrides: OVERRIDES });
  t.teardown(() => broker.kill9());
  const restart = async (how: 'graceful' | 'SIGKILL') => {
    if (how === 'graceful') t.is((await broker.stop()).code, 0);
    else await broker.kill9();
    broker = await BrokerProcess.start({ dataDir, overrides: OVERRIDES });
  };

  await withAdmin(broker, (a) => a.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] }));
  await produce(broker, 0, values('a', 10));
  await produce(broker, 1, values('b', 10));
  await commitOffsets(broker.port, GROUP, TOPIC, [
    [0, 4],
    [1, 7],
  ]);
  await withAdmin(broker, async (a) => {
    await a.fetchTopicMetadata({ topics: [TOPIC] });
    await a.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '3' }] });
    await a.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC_RESOURCE, name: TOPIC, configEntries: [{ name: 'retention.ms', value: '123456789' }] }] });
    await a.alterConfigs({ validateOnly: false, resources: [{ type: BROKER_RESOURCE, name: '0', configEntries: [{ name: 'log.retention.ms', value: '987654321' }] }] });
  });
  const before = await observe(broker);
  t.deepEqual(before.offsets, [
    { partition: 0, offset: '10', high: '10', low: '3' },
    { partition: 1, offset: '10', high: '10', low: '0' },
  ]);
  t.is(before.records.flat().length, 17);
  t.deepEqual(before.committed, [{ topic: TOPIC, partitions: [{ partition: 0, offset: '4', metadata: null }, { partition: 1, offset: '7', metadata: null }] }]);
  t.is(before.topicRetention, '123456789');
  t.is(before.brokerRetention, '987654321');

  await restart('graceful');
  t.deepEqual(await observe(broker), before, 'graceful restart');

  await produce(broker, 1, values('c', 2));
  await commitOffsets(broker.port, GROUP, TOPIC, [[1, 12]]);
  const acknowledged = await observe(broker);
  t.is(acknowledged.records[1]!.length, 12);
  await restart('SIGKILL');
  t.deepEqual(await observe(broker), acknowledged, 'SIGKILL restart');

  // Delete and create again under the same name, then crash before any periodic checkpoint.
  await withAdmin(broker, async (a) => {
    await a.deleteTopics({ topics: [TOPIC] });
    await a.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
  });
  await produce(broker, 0, ['fresh']);
  await restart('SIGKILL');
  const reborn = await observe(broker);
  t.deepEqual(reborn.offsets, [
    { partition: 0, offset: '1', high: '1', low: '0' },
    { partition: 1, offset: '0', high: '0', low: '0' },
  ]);
  t.deepEqual(reborn.records, [['0@0:fresh'], []]);
  t.deepEqual(reborn.committed, [], 'no committed offset of the old topic');
  t.is(reborn.topicRetention, '987654321', 'the old topic override is gone: the dynamic broker default applies');
  t.is(reborn.brokerRetention, '987654321', 'broker configs are not topic state');
});
