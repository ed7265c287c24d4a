import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfig, type LogPolicy } from '../../actors/config/index.js';
import { Controller, type PartitionHost, type TopicRecord } from '../../actors/controller/controller.js';
import { topicNameProblem, uuidFromBytes, uuidToBytes } from '../../actors/controller/topic-names.js';

function host() {
  const events: string[] = [];
  const h: PartitionHost = {
    async openPartitions(t: TopicRecord, from: number, _p: LogPolicy) {
      events.push(`open ${t.name} ${from}..${t.partitions}`);
    },
    async removeTopic(t: TopicRecord) {
      events.push(`remove ${t.name}`);
    },
    async reconfigure(t: TopicRecord, p: LogPolicy) {
      events.push(`reconfigure ${t.name} ${p.maxMessageBytes}`);
    },
  };
  return { h, events };
}

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-controller-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('topics survive a restart with their ids, partition counts and configs', async (t) => {
  const dir = tempDir(t);
  const config = BrokerConfig.from({ 'num.partitions': 3 });
  const a = host();
  const c1 = await Controller.open(dir, config, a.h);
  const created = await c1.createTopic({ name: 'orders', partitions: -1, replicationFactor: -1, configs: new Map([['max.message.bytes', '5000']]) });
  t.true(created.ok);
  t.true((await c1.createPartitions('orders', 5, null, false)).ok);
  t.deepEqual(a.events, ['open orders 0..3', 'open orders 3..5']);
  const b = host();
  const c2 = await Controller.open(dir, config, b.h);
  const again = c2.topic('orders')!;
  t.is(again.partitions, 5);
  t.is(again.id, created.ok ? created.topic.id : '');
  t.is(again.configs['max.message.bytes'], '5000');
  t.is(c2.clusterId, c1.clusterId);
  t.deepEqual(b.events, ['open orders 0..5']);
});

test('create refuses duplicates, bad names, colliding names, bad counts and replication factors', async (t) => {
  const c = await Controller.open(tempDir(t), BrokerConfig.from(), host().h);
  t.true((await c.createTopic({ name: 'a.b', partitions: 1, replicationFactor: 1 })).ok);
  const errorOf = async (spec: Parameters<Controller['createTopic']>[0]) => {
    const r = await c.createTopic(spec);
    return r.ok ? 'ok' : r.error;
  };
  t.is(await errorOf({ name: 'a.b', partitions: 1, replicationFactor: 1 }), 'TOPIC_ALREADY_EXISTS');
  t.is(await errorOf({ name: 'a_b', partitions: 1, replicationFactor: 1 }), 'INVALID_TOPIC_EXCEPTION');
  t.is(await errorOf({ name: 'bad/name', partitions: 1, replicationFactor: 1 }), 'INVALID_TOPIC_EXCEPTION');
  t.is(await errorOf({ name: 'x', partitions: 0, replicationFactor: 1 }), 'INVALID_PARTITIONS');
  t.is(await errorOf({ name: 'x', partitions: 1, replicationFactor: 3 }), 'INVALID_REPLICATION_FACTOR');
  t.is(await errorOf({ name: 'x', partitions: 1, replicationFactor: 1, configs: new Map([['retention.ms', 'x']]) }), 'INVALID_CONFIG');
  t.is(await errorOf({ name: 'x', partitions: 1, replicationFactor: 1, validateOnly: true }), 'ok');
  t.is(c.topic('x'), undefined);
});

test('delete removes the topic; configs alter by replace and by ops', async (t) => {
  const { h, events } = host();
  const c = await Controller.open(tempDir(t), BrokerConfig.from(), h);
  await c.createTopic({ name: 't', partitions: 1, replicationFactor: 1 });
  const r = await c.alterTopicConfigs('t', { ops: [{ name: 'max.message.bytes', op: 'set', value: '777' }, { name: 'cleanup.policy', op: 'append', value: 'compact' }] }, false);
  t.true(r.ok);
  t.is(c.topic('t')!.configs['cleanup.policy'], 'delete,compact');
  t.true(events.includes('reconfigure t 777'));
  await c.alterTopicConfigs('t', { replace: new Map() }, false);
  t.deepEqual(c.topic('t')!.configs, {});
  t.true((await c.deleteTopic({ name: 't' })).ok);
  t.is(c.topic('t'), undefined);
  const again = await c.deleteTopic({ name: 't' });
  t.false(again.ok);
});

test('producer ids are never reused after a restart', async (t) => {
  const dir = tempDir(t);
  const c1 = await Controller.open(dir, BrokerConfig.from(), host().h);
  const id = async (c: Controller) => {
    const o = await c.allocateProducerId();
    if (!o.ok) throw new Error(o.message);
    return o.producerId;
  };
  const first = [await id(c1), await id(c1)];
  const c2 = await Controller.open(dir, BrokerConfig.from(), host().h);
  const next = await id(c2);
  t.true(next > Math.max(...first));
});

test('topic names and ids follow Kafka\'s rules', (t) => {
  t.is(topicNameProblem('ok-name_1.x'), null);
  t.not(topicNameProblem(''), null);
  t.not(topicNameProblem('..'), null);
  t.not(topicNameProblem('x'.repeat(250)), null);
  const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  t.deepEqual(uuidToBytes(uuidFromBytes(bytes)), bytes);
});
