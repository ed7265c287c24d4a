/** Conformance with the Python clients: confluent-kafka (librdkafka) and kafka-python. */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { hasPythonModule, kafkaFor, PYTHON, run, withBroker } from './helpers.js';
import { waitFor } from '../cluster/wait-for.js';

const confluent = hasPythonModule('confluent_kafka');
const kafkaPython = hasPythonModule('kafka');
if (!confluent) console.warn(`${PYTHON} cannot import confluent_kafka: skipping its tests (apt-get install python3-confluent-kafka)`);
if (!kafkaPython) console.warn(`${PYTHON} cannot import kafka: skipping its tests (apt-get install python3-kafka)`);
const both = confluent && kafkaPython ? test : test.skip;
const withConfluent = confluent ? test : test.skip;
const withKafkaPython = kafkaPython ? test : test.skip;

const script = fileURLToPath(new URL('../../../test/integration/python/clients.py', import.meta.url));

async function py(t: { is(a: unknown, b: unknown, m?: string): void }, ...args: string[]): Promise<Record<string, unknown>> {
  const r = await run(PYTHON, [script, ...args], { timeoutMs: 90_000 });
  t.is(r.code, 0, `${args.join(' ')}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

withConfluent('confluent-kafka admin: create, describe configs, create partitions, delete', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const r = await py(t, 'confluent-admin', broker.bootstrap);
  t.deepEqual(r, { created: ['pa'], retention: '12345', partitions: 3, remaining: [] });
});

both('confluent-kafka (idempotent, gzip) produces 20,000 records with headers; kafka-python reads them byte-identical', async (t) => {
  const broker = await withBroker({ 'num.partitions': 2 });
  t.teardown(() => broker.stop());
  // kafka-python as packaged by Debian decompresses gzip only.
  const produced = await py(t, 'confluent-produce', broker.bootstrap, 'py-a', '20000', 'gzip');
  t.is(produced.delivered, 20000);
  const consumed = await py(t, 'kafka-python-consume', broker.bootstrap, 'py-a', '20000');
  t.is(consumed.count, 20000);
  t.is(consumed.digest, produced.digest);
});

both('kafka-python (gzip) produces 20,000 records; confluent-kafka reads them byte-identical', async (t) => {
  const broker = await withBroker({ 'num.partitions': 2 });
  t.teardown(() => broker.stop());
  const produced = await py(t, 'kafka-python-produce', broker.bootstrap, 'py-b', '20000', 'gzip');
  t.is(produced.delivered, 20000);
  const consumed = await py(t, 'confluent-consume', broker.bootstrap, 'py-b', '20000');
  t.is(consumed.count, 20000);
  t.is(consumed.digest, produced.digest);
});

withKafkaPython('kafka-python: unknown topic without auto-creation and oversized records give the expected errors', async (t) => {
  const broker = await withBroker({ 'auto.create.topics.enable': false });
  t.teardown(() => broker.stop());
  const r = await py(t, 'kafka-python-errors', broker.bootstrap);
  t.deepEqual(r, { unknown: 'KafkaTimeoutError', too_large: 'MessageSizeTooLargeError', out_of_range: 'OffsetOutOfRangeError', still_serving: 1 });
});

both('a compacted topic with tombstones written by confluent-kafka (idempotent, gzip): confluent-kafka and kafka-python read each key’s latest value from the beginning once it is cleaned', async (t) => {
  const broker = await withBroker({ 'log.cleaner.backoff.ms': 100 });
  t.teardown(() => broker.stop());
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'py-compacted', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '2048' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' }] }] });
  await admin.disconnect();
  type Row = [number, string, string | null];
  const written = (await py(t, 'compacted-produce', broker.bootstrap, 'py-compacted', '40', 'gzip')).records as Row[];
  t.is(written.length, 800);
  const latest = (rows: readonly Row[]) => {
    const m = new Map<string, Row>();
    for (const r of rows) {
      if (r[2] === null) m.delete(r[1]);
      else m.set(r[1], r);
    }
    return [...m.values()].sort((a, b) => a[0] - b[0]);
  };
  const byOffset = new Map(written.map((r) => [r[0], r]));
  let read: Row[] = [];
  t.not(await waitFor(async () => {
    read = (await py(t, 'compacted-read', broker.bootstrap, 'py-compacted', 'confluent')).records as Row[];
    return read.length < written.length / 2;
  }, 30_000), -1, `cleaned: ${read.length} of ${written.length} records left`);
  for (const client of ['confluent', 'kafka-python']) {
    const rows = client === 'confluent' ? read : ((await py(t, 'compacted-read', broker.bootstrap, 'py-compacted', client)).records as Row[]);
    for (const r of rows) t.deepEqual(r, byOffset.get(r[0]), `${client}: offset ${r[0]} holds what was written there`);
    t.deepEqual(latest(rows), latest(written), `${client}: every key’s latest value`);
  }
});
