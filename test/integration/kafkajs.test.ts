/** Conformance with kafkajs 2.2.4, the Node client, in both placements. */
import test from 'ava';
import { partitionFor } from '../../native/index.js';
import { KafkaClient } from '../../cli/console/client.js';
import { CompressionTypes, kafkaFor, kafkajsReadPartition, MODES, recordAt, registerKafkajsCodecs, withBroker } from './helpers.js';

registerKafkajsCodecs();

const TOTAL = 100_000;
const PER_SEND = 2_000;

for (const mode of MODES) {
  test(`[${mode.name}] admin: create, list, describe, configs, partitions, delete`, async (t) => {
    const broker = await withBroker({ workers: mode.workers });
    t.teardown(() => broker.stop());
    const admin = kafkaFor(broker).admin();
    await admin.connect();
    t.teardown(() => admin.disconnect());
    t.true(await admin.createTopics({ topics: [{ topic: 'a', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }, { topic: 'b' }] }));
    t.deepEqual((await admin.listTopics()).sort(), ['a', 'b']);
    const meta = await admin.fetchTopicMetadata({ topics: ['a'] });
    t.is(meta.topics[0]!.partitions.length, 3);
    const cluster = await admin.describeCluster();
    t.is(cluster.brokers.length, 1);
    t.is(cluster.brokers[0]!.port, broker.port);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'a' }] });
    const entries = new Map(configs.resources[0]!.configEntries.map((e) => [e.configName, e]));
    t.is(entries.get('retention.ms')!.configValue, '3600000');
    t.is(entries.get('max.message.bytes')!.configValue, '1048588');
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'a', configEntries: [{ name: 'max.message.bytes', value: '2048' }] }] });
    const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'a', configNames: ['max.message.bytes'] }] });
    t.is(after.resources[0]!.configEntries[0]!.configValue, '2048');
    await admin.createPartitions({ topicPartitions: [{ topic: 'b', count: 4 }] });
    t.is((await admin.fetchTopicMetadata({ topics: ['b'] })).topics[0]!.partitions.length, 4);
    await t.throwsAsync(admin.createTopics({ topics: [{ topic: 'bad', replicationFactor: 3 }] }), { message: /Topic creation errors/ });
    await admin.deleteTopics({ topics: ['a'] });
    t.deepEqual(await admin.listTopics(), ['b']);
  });

  test(`[${mode.name}] ${TOTAL} records with keys and headers, gzip, read back byte-identical by kafkajs and the samsa client`, async (t) => {
    const broker = await withBroker({ workers: mode.workers });
    t.teardown(() => broker.stop());
    const kafka = kafkaFor(broker);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bulk', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let start = 0; start < TOTAL; start += PER_SEND) {
      const messages = [];
      for (let i = start; i < start + PER_SEND; i++) {
        const r = recordAt(i);
        messages.push({ key: r.key, value: r.value, headers: { h: r.header }, partition: i % 2 });
      }
      await producer.send({ topic: 'bulk', compression: CompressionTypes.GZIP, acks: -1, messages });
    }
    await producer.disconnect();
    for (const partition of [0, 1]) {
      const got = await kafkajsReadPartition(broker, 'bulk', partition);
      t.is(got.length, TOTAL / 2);
      let bad = 0;
      got.forEach((m, j) => {
        const r = recordAt(j * 2 + partition);
        if (m.key?.toString() !== r.key || m.value?.toString() !== r.value || String(m.headers.h) !== r.header || m.offset !== String(j)) bad++;
      });
      t.is(bad, 0);
    }
    const client = await KafkaClient.connect(broker.bootstrap);
    t.teardown(() => client.close());
    let offset = 0n;
    let seen = 0;
    while (offset < BigInt(TOTAL / 2)) {
      const r = await client.fetch('bulk', 1, offset);
      for (const rec of r.records) {
        const want = recordAt(Number(rec.offset) * 2 + 1);
        if (rec.key?.toString() === want.key && rec.value?.toString() === want.value && rec.headers[0]?.value?.toString() === want.header) seen++;
      }
      offset = r.nextOffset;
    }
    t.is(seen, TOTAL / 2);
  });

  test(`[${mode.name}] restart: every acknowledged record is still there`, async (t) => {
    const first = await withBroker({ workers: mode.workers, 'log.segment.bytes': 64 * 1024 });
    const producer = kafkaFor(first).producer();
    await producer.connect();
    for (let b = 0; b < 20; b++) {
      await producer.send({ topic: 'durable', acks: -1, messages: Array.from({ length: 500 }, (_, i) => ({ key: `k${b}-${i}`, value: `v${b}-${i}` })) });
    }
    await producer.disconnect();
    await first.stopKeepingData();
    const second = await withBroker({ workers: mode.workers, dataDir: first.dataDir, 'log.segment.bytes': 64 * 1024 });
    t.teardown(async () => {
      await second.stop();
      const { rmSync } = await import('node:fs');
      rmSync(first.dataDir, { recursive: true, force: true });
    });
    const got = await kafkajsReadPartition(second, 'durable', 0);
    t.is(got.length, 10_000);
    t.is(got[9_999]!.value!.toString(), 'v19-499');
    const producer2 = kafkaFor(second).producer();
    await producer2.connect();
    const [ack] = await producer2.send({ topic: 'durable', messages: [{ value: 'after restart' }] });
    t.is(ack!.baseOffset, '10000');
    await producer2.disconnect();
  });
}

for (const [name, type] of [['snappy', CompressionTypes.Snappy], ['lz4', CompressionTypes.LZ4], ['zstd', CompressionTypes.ZSTD]] as const) {
  test(`${name}: kafkajs with the protocol layer's codec round-trips 20,000 records`, async (t) => {
    const broker = await withBroker();
    t.teardown(() => broker.stop());
    const producer = kafkaFor(broker).producer();
    await producer.connect();
    for (let start = 0; start < 20_000; start += 5_000) {
      await producer.send({ topic: name, compression: type, messages: Array.from({ length: 5_000 }, (_, j) => ({ key: recordAt(start + j).key, value: recordAt(start + j).value, headers: { h: recordAt(start + j).header } })) });
    }
    await producer.disconnect();
    const got = await kafkajsReadPartition(broker, name, 0);
    t.is(got.length, 20_000);
    t.true(got.every((m, i) => m.value!.toString() === recordAt(i).value && m.key!.toString() === recordAt(i).key && String(m.headers.h) === recordAt(i).header));
  });
}

test('keyed records land in the partition Java\'s murmur2 picks', async (t) => {
  const broker = await withBroker({ 'num.partitions': 7 });
  t.teardown(() => broker.stop());
  const producer = kafkaFor(broker).producer();
  await producer.connect();
  const keys = Array.from({ length: 300 }, (_, i) => `user-${i * 7919}`);
  await producer.send({ topic: 'keyed', messages: keys.map((k) => ({ key: k, value: k })) });
  await producer.disconnect();
  let misplaced = 0;
  let total = 0;
  for (let p = 0; p < 7; p++) {
    for (const m of await kafkajsReadPartition(broker, 'keyed', p)) {
      total++;
      if (partitionFor(m.key!, 7) !== p) misplaced++;
    }
  }
  t.is(total, keys.length);
  t.is(misplaced, 0);
});

test('list offsets by timestamp, earliest and latest', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const kafka = kafkaFor(broker);
  const producer = kafka.producer();
  await producer.connect();
  const base = Date.now() - 100_000;
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'times', messages: [{ value: `m${i}`, timestamp: String(base + i * 1000) }] });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  t.deepEqual((await admin.fetchTopicOffsetsByTimestamp('times', base + 4500)).map((o) => o.offset), ['5']);
  t.deepEqual((await admin.fetchTopicOffsetsByTimestamp('times', base)).map((o) => o.offset), ['0']);
  const offsets = await admin.fetchTopicOffsets('times');
  t.is(offsets[0]!.low, '0');
  t.is(offsets[0]!.high, '10');
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  t.deepEqual(await client.listOffset('times', 0, -3n), { offset: 9n, timestamp: BigInt(base + 9000) });
  t.deepEqual(await client.listOffset('times', 0, BigInt(base + 50_000)), { offset: -1n, timestamp: -1n });
});

test('list offsets by timestamp finds the record inside a compressed batch, and the record holding the max timestamp', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const kafka = kafkaFor(broker);
  const producer = kafka.producer();
  await producer.connect();
  const base = Date.now() - 100_000;
  // One send, one gzip batch: ten records whose timestamps rise, except the 7th which holds the max.
  const stamps = [0, 1, 2, 3, 4, 5, 20, 7, 8, 9].map((k) => base + k * 1000);
  await producer.send({ topic: 'in-batch', compression: CompressionTypes.GZIP, messages: stamps.map((ts, i) => ({ value: `m${i}`, timestamp: String(ts) })) });
  await producer.disconnect();
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  t.deepEqual(await client.listOffset('in-batch', 0, BigInt(base + 3500)), { offset: 4n, timestamp: BigInt(base + 4000) });
  t.deepEqual(await client.listOffset('in-batch', 0, BigInt(base)), { offset: 0n, timestamp: BigInt(base) });
  t.deepEqual(await client.listOffset('in-batch', 0, -3n), { offset: 6n, timestamp: BigInt(base + 20_000) });
});

test('errors: unknown topic without auto-creation, oversized record, out-of-range offset; the broker keeps serving', async (t) => {
  const broker = await withBroker({ 'auto.create.topics.enable': false });
  t.teardown(() => broker.stop());
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'ok' }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  await t.throwsAsync(producer.send({ topic: 'missing', messages: [{ value: 'x' }] }), { message: /does not host this topic-partition|UNKNOWN_TOPIC/i });
  await t.throwsAsync(producer.send({ topic: 'ok', messages: [{ value: Buffer.alloc(2 * 1024 * 1024) }] }), { message: /too large|larger than/i });
  await producer.send({ topic: 'ok', messages: [{ value: 'fine' }] });
  const err = (await t.throwsAsync(kafkajsReadPartition(broker, 'ok', 0, 1000n))) as Error & { type?: string; errorCode?: number };
  t.true(err.type === 'OFFSET_OUT_OF_RANGE' || err.errorCode === 1, `${err.type} ${err.message}`);
  const got = await kafkajsReadPartition(broker, 'ok', 0);
  t.deepEqual(got.map((m) => m.value!.toString()), ['fine']);
});

test('idempotent kafkajs producer: acknowledged once each, sequence state kept by the broker', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const producer = kafkaFor(broker).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let b = 0; b < 50; b++) await producer.send({ topic: 'idem', acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ value: `${b}-${i}` })) });
  await producer.disconnect();
  const got = await kafkajsReadPartition(broker, 'idem', 0);
  t.is(got.length, 1000);
  t.is(new Set(got.map((m) => m.value!.toString())).size, 1000);
});
