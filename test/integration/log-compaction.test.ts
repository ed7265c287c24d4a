/**
 * The log cleaner on a running broker: a compacted topic written by kafkajs
 * is cleaned in the background to the latest value per key at the offsets
 * they were written at, read so from offset 0 by kafkajs and by librdkafka
 * (kcat), across a restart, and `samsa topics describe` shows its dirty
 * ratio and cleaner checkpoint; `__consumer_offsets` is compacted like any
 * compacted topic and group offsets (and a deleted group's tombstones)
 * reload from it.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '../../testing.js';
import { waitFor } from '../cluster/wait-for.js';
import { hasKcat, kafkaFor, kafkajsReadPartition, run } from './helpers.js';
import { commitOffsets } from './offset-commit.js';

const CLEANER = { 'log.cleaner.backoff.ms': 100 };
const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const TOPIC = 'changelog';

interface Written {
  offset: number;
  key: string;
  value: string | null;
}

function latestByKey(records: readonly Written[]): Written[] {
  const m = new Map<string, Written>();
  for (const r of records) {
    if (r.value === null) m.delete(r.key);
    else m.set(r.key, r);
  }
  return [...m.values()].sort((a, b) => a.offset - b.offset);
}

async function readWritten(b: { bootstrap: string }, topic = TOPIC): Promise<Written[]> {
  return (await kafkajsReadPartition(b, topic, 0)).map((m) => ({ offset: Number(m.offset), key: m.key!.toString(), value: m.value === null ? null : m.value.toString() }));
}

async function restart(b: TestBroker, options: Record<string, unknown>): Promise<TestBroker> {
  await b.stopKeepingData();
  return startTestBroker({ ...options, dataDir: b.dataDir });
}

test('a compacted topic is cleaned in the background to each key’s latest value at its own offset, for kafkajs and librdkafka, across a restart', async (t) => {
  const options = { ...CLEANER };
  let broker = await startTestBroker(options);
  t.teardown(() => broker.stop());
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.bytes', value: '4096' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    ] }],
  });
  const described = await admin.describeConfigs({ resources: [{ type: 2, name: TOPIC }, { type: 4, name: String(broker.config.brokerId) }], includeSynonyms: false });
  const entry = (r: number, name: string) => described.resources[r]!.configEntries.find((e) => e.configName === name)?.configValue;
  t.is(entry(0, 'min.cleanable.dirty.ratio'), '0.01', 'DescribeConfigs reports the topic’s cleaner settings');
  t.is(entry(0, 'delete.retention.ms'), '86400000');
  t.is(entry(0, 'max.compaction.lag.ms'), '9223372036854775807');
  t.is(entry(1, 'log.cleaner.threads'), '1', 'and the broker’s');
  t.is(entry(1, 'log.cleaner.backoff.ms'), '100');
  t.is(entry(1, 'log.cleaner.dedupe.buffer.size'), '134217728');
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const written: Written[] = [];
  for (let round = 0; round < 40; round++) {
    const messages = Array.from({ length: 15 }, (_, i) => {
      const key = `user-${(round * 7 + i) % 25}`;
      // Every fifth round deletes two keys.
      const value = round % 5 === 4 && i < 2 ? null : `${key}@${round}.${i}`;
      return { key, value };
    });
    const [r] = await producer.send({ topic: TOPIC, acks: -1, messages });
    messages.forEach((m, i) => written.push({ offset: Number(r!.baseOffset) + i, key: m.key, value: m.value }));
  }
  await producer.disconnect();
  const want = latestByKey(written);
  const byOffset = new Map(written.map((w) => [w.offset, w]));

  let seen: Written[] = [];
  const cleaned = await waitFor(async () => {
    seen = await readWritten(broker);
    return seen.length < written.length / 2;
  }, 30_000);
  t.not(cleaned, -1, `the cleaner ran: ${seen.length} of ${written.length} records left`);
  for (const s of seen) t.deepEqual(s, byOffset.get(s.offset), `offset ${s.offset} holds what was written there`);
  t.deepEqual(latestByKey(seen), want, 'every key’s latest value, in offset order');

  if (hasKcat()) {
    const r = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%o %k %s\\n'], { timeoutMs: 30_000 });
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => {
      const [offset, key, ...value] = l.split(' ');
      return { offset: Number(offset), key: key!, value: value.join(' ') === 'NULL' ? null : value.join(' ') };
    });
    t.deepEqual(latestByKey(lines), want, 'librdkafka reads the same latest values');
  } else {
    t.log('kcat is not installed: the librdkafka read is skipped');
  }

  const shownByCli = await run(process.execPath, [CLI, 'topics', 'describe', TOPIC, '--bootstrap-server', broker.bootstrap], { timeoutMs: 30_000 });
  t.is(shownByCli.code, 0, shownByCli.stderr);
  const shown = /Partition: 0\t.*\tDirtyRatio: (\d\.\d\d)\tCleanedTo: (\d+)\tCleanings: (\d+)/.exec(shownByCli.stdout);
  t.truthy(shown, `samsa topics describe shows the cleaner's state: ${shownByCli.stdout}`);
  const [ratio, cleanedTo, cleanings] = shown!.slice(1).map(Number) as [number, number, number];
  t.true(ratio >= 0 && ratio <= 1, `dirty ratio ${ratio}`);
  t.true(cleanedTo > 0 && cleanedTo <= written.length, `cleaned to ${cleanedTo}`);
  t.true(cleanings >= 1, `${cleanings} cleanings`);

  const checkpoint = join(broker.dataDir, 'cleaner-offset-checkpoint');
  t.true(existsSync(checkpoint));
  t.regex(readFileSync(checkpoint, 'utf8'), new RegExp(`^${TOPIC} 0 [1-9]\\d*$`, 'm'), 'the cleaner checkpoint in Kafka’s format');

  broker = await restart(broker, options);
  const afterRestart = await readWritten(broker);
  t.deepEqual(latestByKey(afterRestart), want, 'the same after a restart');
  t.true(afterRestart.length <= seen.length);
});

test('__consumer_offsets is compacted; committed offsets and a deleted group’s tombstones reload from it', async (t) => {
  const options = { ...CLEANER, 'offsets.topic.num.partitions': 1, 'offsets.topic.segment.bytes': 4096 };
  let broker = await startTestBroker(options);
  t.teardown(() => broker.stop());
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }] });
  for (let i = 1; i <= 150; i++) await commitOffsets(broker.port, 'kept', 'events', [[0, i], [1, 2 * i], [2, 3 * i]]);
  await commitOffsets(broker.port, 'dropped', 'events', [[0, 5]]);
  t.deepEqual((await admin.deleteGroups(['dropped'])).map((g) => g.errorCode), [0]);
  await admin.disconnect();

  let stored = 0;
  const compacted = await waitFor(async () => {
    stored = (await kafkajsReadPartition(broker, '__consumer_offsets', 0)).length;
    return stored < 100;
  }, 30_000);
  t.not(compacted, -1, `__consumer_offsets was compacted: ${stored} of ${150 * 3 + 2} records left`);

  broker = await restart(broker, options);
  const again = kafkaFor(broker).admin();
  await again.connect();
  t.teardown(() => again.disconnect());
  const kept = (await again.fetchOffsets({ groupId: 'kept', topics: ['events'] }))[0]!.partitions.sort((a, b) => a.partition - b.partition);
  t.deepEqual(kept.map((p) => p.offset), ['150', '300', '450'], 'the latest commit of each partition');
  const dropped = (await again.fetchOffsets({ groupId: 'dropped', topics: ['events'] }))[0]!.partitions;
  t.true(dropped.every((p) => p.offset === '-1'), 'the deleted group stays deleted');
  t.false((await again.listGroups()).groups.some((g) => g.groupId === 'dropped'));
});
