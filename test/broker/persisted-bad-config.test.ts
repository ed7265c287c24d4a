/**
 * `samsa start` and config values it cannot use: a bad value given at start
 * stops it with a message naming the property; a bad value already in the
 * data directory's metadata (written by an older build) is dropped with a
 * warning and the broker starts and serves.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METADATA_FILE, type MetadataDocument } from '../../actors/controller/metadata-file.js';
import { encodeRecordBatchSync, type TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { run } from '../integration/helpers.js';
import { createTopic } from '../torture/harness/admin.js';
import { BrokerProcess } from '../torture/harness/broker-process.js';
import { readPartition } from '../torture/harness/read-back.js';
import { WireClient } from '../torture/harness/wire.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

function tempDir(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bad-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function produce(c: WireClient, topic: string, value: string): Promise<number> {
  const records = encodeRecordBatchSync({ records: [{ value: Buffer.from(value) }], compression: 0 });
  const res = await c.request(0, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic as TopicName, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!.errorCode;
}

async function topicConfigs(c: WireClient, topic: string): Promise<Map<string, string | null>> {
  const res = await c.request(32, 1, { resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }], includeSynonyms: false });
  return new Map(res.results[0]!.configs.map((e) => [e.name, e.value]));
}

test('a bad broker value at start exits 1 with a message naming the property, not a stack trace', async (t) => {
  const dir = tempDir(t);
  for (const [name, value] of [['log.flush.interval.ms', '-1'], ['log.flush.scheduler.interval.ms', '-1'], ['log.segment.bytes', '13'], ['log.cleaner.min.cleanable.ratio', '1.5']]) {
    const r = await run(process.execPath, [MAIN, 'start', '--data-dir', dir, '--port', '0', '--override', `${name}=${value}`], { timeoutMs: 20_000 });
    t.is(r.code, 1, `${name}=${value}: ${r.stdout}`);
    t.regex(r.stderr, new RegExp(`^samsa: ${name.replace(/\./g, '\\.')}: must be `), `${name}=${value}`);
    t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('samsa start on a data dir whose metadata holds bad configs: warns naming topic and property, uses the defaults, serves', async (t) => {
  t.timeout(60_000);
  const dir = tempDir(t);
  const before = await startTestBroker({ dataDir: dir });
  try {
    await createTopic(before.port, 'old', 1, { 'max.message.bytes': '2000' });
    const c = await WireClient.connect(before.port);
    t.is(await produce(c, 'old', 'written before'), 0);
    c.close();
  } finally {
    await before.stopKeepingData();
  }

  // What an older build let through: values its native log then refused.
  const path = join(dir, METADATA_FILE);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as MetadataDocument;
  Object.assign(doc.topics.find((x) => x.name === 'old')!.configs, { 'retention.ms': '-2', 'segment.bytes': '5', 'retention.bytes': 'lots', 'flush.ms': '-1' });
  doc.brokerConfigs = { 'log.flush.interval.ms': '-5', 'message.max.bytes': '3000' };
  writeFileSync(path, JSON.stringify(doc));

  const broker = await BrokerProcess.start({ dataDir: dir, logLevel: 'warn' });
  t.teardown(() => broker.kill9());
  for (const property of ['retention.ms', 'segment.bytes', 'retention.bytes', 'flush.ms']) {
    t.regex(broker.stderr, new RegExp(`topic old: stored config ${property.replace(/\./g, '\\.')}=`), property);
  }
  t.regex(broker.stderr, /dynamic broker config log\.flush\.interval\.ms=/);

  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  t.is(await produce(c, 'old', 'written after'), 0);
  const contents = await readPartition(c, 'old', 0);
  t.deepEqual(contents.problems, []);
  t.deepEqual([...contents.values.values()].map((v) => v.toString()), ['written before', 'written after']);

  const configs = await topicConfigs(c, 'old');
  t.is(configs.get('retention.ms'), '604800000');
  t.is(configs.get('segment.bytes'), '1073741824');
  t.is(configs.get('max.message.bytes'), '2000', 'a valid override is kept');
  const stored = JSON.parse(readFileSync(path, 'utf8')) as MetadataDocument;
  t.deepEqual(stored.topics.find((x) => x.name === 'old')!.configs, { 'max.message.bytes': '2000' });
  t.deepEqual(stored.brokerConfigs, { 'message.max.bytes': '3000' }, 'a valid dynamic broker value is kept');
  t.is((await broker.stop()).code, 0);
});
