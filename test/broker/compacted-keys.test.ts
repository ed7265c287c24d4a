/**
 * A compacted topic takes keyed records only, as Kafka 3.9's LogValidator
 * has it: a record without a key is INVALID_RECORD whether the batch is
 * stored as produced, arrives compressed, or is recompressed to the topic's
 * compression.type, and nothing of the batch is stored. Topics that only
 * delete take keyless records as before.
 */
import test from 'ava';
import kafkajs from 'kafkajs';
import { CompressionType, encodeRecordBatchSync, ErrorCode, type TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { encodeBatch } from '../native/helpers/batch-builder.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';

const { Kafka, logLevel } = kafkajs;

async function produce(c: WireClient, topic: string, records: Buffer): Promise<{ errorCode: number; errorMessage: string | null; baseOffset: bigint }> {
  const res = await c.request(0, 9, { acks: -1, timeoutMs: 10_000, topicData: [{ name: topic as TopicName, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0] as never;
}

async function logEnd(c: WireClient, topic: string): Promise<bigint> {
  const res = await c.request(2, 1, { replicaId: -1 as never, topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  return res.topics[0]!.partitions[0]!.offset;
}

const plain = (keys: Array<string | null>): Buffer => encodeBatch({ records: keys.map((key, i) => ({ key, value: `v${i}` })) });
const gzip = (keys: Array<string | null>): Buffer =>
  encodeRecordBatchSync({ compression: CompressionType.Gzip, records: keys.map((key, i) => ({ key: key === null ? null : Buffer.from(key), value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000n, offsetDelta: i })) } as never);

for (const workers of [0, 2]) {
  const where = workers === 0 ? 'inline' : `on a pool of ${workers} workers`;

  test.serial(`${where}: a record without a key is INVALID_RECORD on a compacted topic, plain, compressed or recompressed; keyed batches and delete topics are served`, async (t) => {
    const broker = await startTestBroker({ workers });
    t.teardown(() => broker.stop());
    await createTopic(broker.port, 'compacted', 1, { 'cleanup.policy': 'compact' });
    await createTopic(broker.port, 'both', 1, { 'cleanup.policy': 'compact,delete' });
    await createTopic(broker.port, 'recompressed', 1, { 'cleanup.policy': 'compact', 'compression.type': 'gzip' });
    await createTopic(broker.port, 'deleted', 1, { 'cleanup.policy': 'delete' });
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());

    const cases: Array<[string, string, Buffer]> = [
      ['compacted', 'plain batch, second record keyless', plain(['a', null, 'c'])],
      ['compacted', 'gzip batch, last record keyless', gzip(['a', 'b', null])],
      ['both', 'compact,delete, plain keyless', plain([null])],
      ['recompressed', 'plain batch recompressed to gzip, keyless', plain(['a', null])],
    ];
    for (const [topic, what, batch] of cases) {
      const before = await logEnd(c, topic);
      const r = await produce(c, topic, batch);
      t.is(r.errorCode, ErrorCode.INVALID_RECORD, `${what}: ${r.errorMessage}`);
      t.regex(r.errorMessage ?? '', /no key/, what);
      t.is(await logEnd(c, topic), before, `${what}: nothing stored`);
      const ok = await produce(c, topic, plain(['x', 'y']));
      t.is(ok.errorCode, 0, `${topic}: a keyed batch after ${what}: ${ok.errorMessage}`);
      t.is(ok.baseOffset, before);
    }
    t.is((await produce(c, 'compacted', gzip(['a', 'b']))).errorCode, 0, 'a keyed gzip batch');
    t.is((await produce(c, 'deleted', plain([null, null]))).errorCode, 0, 'keyless records on a delete topic');

    // The policy changed on a live topic applies to the next produce.
    const alter = await c.request(44, 0, { resources: [{ resourceType: 2, resourceName: 'deleted', configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }] }], validateOnly: false });
    t.is(alter.responses[0]!.errorCode, 0);
    let refused = -1;
    for (let i = 0; i < 100 && refused !== ErrorCode.INVALID_RECORD; i++) {
      refused = (await produce(c, 'deleted', plain([null]))).errorCode;
      if (refused !== ErrorCode.INVALID_RECORD) await new Promise((r) => setTimeout(r, 50));
    }
    t.is(refused, ErrorCode.INVALID_RECORD, 'keyless refused once the topic is compacted');
  });
}

test.serial('kafkajs: a send without a key to a compacted topic fails with INVALID_RECORD, one with keys is acknowledged', async (t) => {
  const broker = await startTestBroker({});
  t.teardown(() => broker.stop());
  await createTopic(broker.port, 'changelog', 1, { 'cleanup.policy': 'compact' });
  const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'compacted-keys', logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
  const producer = kafka.producer();
  await producer.connect();
  t.teardown(() => producer.disconnect());
  const err = await t.throwsAsync(producer.send({ topic: 'changelog', messages: [{ key: 'user-1', value: 'a' }, { value: 'no key' }] }));
  t.regex(JSON.stringify(err, Object.getOwnPropertyNames(err)) + String((err as { cause?: unknown }).cause ?? ''), /INVALID_RECORD|no key/);
  const [ok] = await producer.send({ topic: 'changelog', messages: [{ key: 'user-1', value: 'a' }, { key: 'user-2', value: 'b' }] });
  t.is(ok!.errorCode, 0);
  t.is(ok!.baseOffset, '0');
});
