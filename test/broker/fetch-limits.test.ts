/**
 * Fetch byte limits as Kafka applies them (KIP-74): the response by
 * min(max_bytes, fetch.max.bytes), each partition by partition_max_bytes, the
 * first partition with data excepted for its first batch; a partition named
 * twice answered once. Inline and on the pool.
 */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import type { TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { MODES } from '../integration/helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** One produced batch: a 64 KiB value plus its framing. */
const VALUE = 64 * KiB;

interface Part {
  partition: number;
  fetchOffset?: bigint;
  partitionMaxBytes: number;
}

function body(topic: string, maxBytes: number, parts: readonly Part[]) {
  return {
    replicaId: -1 as never,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: topic as TopicName, partitions: parts.map((p) => ({ partition: p.partition, fetchOffset: p.fetchOffset ?? 0n, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n })) }],
  };
}

const size = (records: Buffer | null | undefined): number => records?.length ?? 0;

async function setup(t: import('ava').ExecutionContext, workers: number, options: Record<string, unknown> = {}) {
  const broker = await startTestBroker({ workers, ...options });
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  return client;
}

/** `batches` batches of one VALUE-byte record each on `partition`; returns one batch's size on the wire. */
async function fill(client: KafkaClient, topic: string, partition: number, batches: number, value = VALUE): Promise<void> {
  for (let i = 0; i < batches; i++) await client.produce(topic, partition, [{ value: Buffer.alloc(value, i) }]);
}

async function batchSize(client: KafkaClient, topic: string, partition: number): Promise<number> {
  const r = await client.conn.request(1, 12, body(topic, 0, [{ partition, partitionMaxBytes: 0 }]));
  return size(r.responses[0]!.partitions[0]!.records);
}

for (const mode of MODES) {
  test(`[${mode.name}] a 1 MiB max_bytes fetch of a partition holding 8 MiB returns at most 1 MiB`, async (t) => {
    const client = await setup(t, mode.workers);
    await client.createTopic('big', 1);
    await fill(client, 'big', 0, 128);
    const r = await client.conn.request(1, 12, body('big', MiB, [{ partition: 0, partitionMaxBytes: 64 * MiB }]));
    const p = r.responses[0]!.partitions[0]!;
    t.is(p.errorCode, 0);
    t.true(size(p.records) > MiB - 2 * VALUE, `${size(p.records)} bytes: as much as fits`);
    t.true(size(p.records) <= MiB, `${size(p.records)} bytes`);
  });

  test(`[${mode.name}] fetch.max.bytes caps a larger max_bytes`, async (t) => {
    const client = await setup(t, mode.workers, { 'fetch.max.bytes': 512 * KiB });
    await client.createTopic('capped', 1);
    await fill(client, 'capped', 0, 32);
    const r = await client.conn.request(1, 12, body('capped', 64 * MiB, [{ partition: 0, partitionMaxBytes: 64 * MiB }]));
    const got = size(r.responses[0]!.partitions[0]!.records);
    t.true(got > 0 && got <= 512 * KiB, `${got} bytes`);
  });

  test(`[${mode.name}] max_bytes is a running budget over the partitions, in request order`, async (t) => {
    const client = await setup(t, mode.workers);
    await client.createTopic('spread', 4);
    for (let p = 0; p < 4; p++) await fill(client, 'spread', p, 32);
    const one = await batchSize(client, 'spread', 0);
    const budget = 1.5 * MiB;
    const r = await client.conn.request(1, 12, body('spread', budget, [0, 1, 2, 3].map((partition) => ({ partition, partitionMaxBytes: MiB }))));
    const sizes = r.responses[0]!.partitions.map((p) => size(p.records));
    t.true(sizes[0]! <= MiB && sizes[0]! > MiB - one, `p0 ${sizes[0]}`);
    // The second partition gets what the first left of the budget, not nothing.
    t.true(sizes[1]! > 0 && sizes[1]! <= budget - sizes[0]!, `p1 ${sizes[1]}`);
    t.true(sizes[0]! + sizes[1]! > budget - one, 'the budget is used up to the last whole batch');
    t.is(sizes[2]! + sizes[3]!, 0);
    t.true(sizes.reduce((a, b) => a + b, 0) <= budget);
  });

  test(`[${mode.name}] partition_max_bytes holds for every partition after the first with data`, async (t) => {
    const client = await setup(t, mode.workers);
    await client.createTopic('per', 3);
    await fill(client, 'per', 0, 4, 100);
    await fill(client, 'per', 1, 1, 10 * KiB);
    await fill(client, 'per', 2, 4, 100);
    const small = await batchSize(client, 'per', 2);
    const r = await client.conn.request(1, 12, body('per', MiB, [0, 1, 2].map((partition) => ({ partition, partitionMaxBytes: 2 * small }))));
    const [p0, p1, p2] = r.responses[0]!.partitions.map((p) => size(p.records));
    t.is(p0, 2 * small, 'two of the four small batches');
    t.is(p1, 0, 'a 10 KiB batch is over a partition limit of two small batches');
    t.is(p2, 2 * small);
  });

  test(`[${mode.name}] the first partition with data returns one whole batch larger than every limit, and only it`, async (t) => {
    const client = await setup(t, mode.workers);
    await client.createTopic('huge', 3);
    await fill(client, 'huge', 1, 3, 512 * KiB);
    await fill(client, 'huge', 2, 1, 100);
    const one = await batchSize(client, 'huge', 1);
    t.true(one > 512 * KiB);
    // Partition 0 is empty: partition 1 is the first with data.
    const r = await client.conn.request(1, 12, body('huge', 100 * KiB, [0, 1, 2].map((partition) => ({ partition, partitionMaxBytes: 10 * KiB }))));
    const [p0, p1, p2] = r.responses[0]!.partitions.map((p) => size(p.records));
    t.is(p0, 0);
    t.is(p1, one, 'exactly the first batch');
    t.is(p2, 0, 'the budget is spent');
  });

  test(`[${mode.name}] a partition named 4,000 times is read and answered once, with its last offset and limit`, async (t) => {
    const client = await setup(t, mode.workers);
    await client.createTopic('dup', 2);
    await fill(client, 'dup', 0, 16);
    await fill(client, 'dup', 1, 1, 100);
    const one = await batchSize(client, 'dup', 0);
    const parts: Part[] = [];
    for (let i = 0; i < 4000; i++) parts.push({ partition: 0, fetchOffset: 0n, partitionMaxBytes: 8 * MiB });
    parts.splice(1, 0, { partition: 1, partitionMaxBytes: MiB });
    parts.push({ partition: 0, fetchOffset: 5n, partitionMaxBytes: 3 * one });
    const r = await client.conn.request(1, 12, body('dup', 64 * MiB, parts));
    const got = r.responses.flatMap((x) => x.partitions);
    t.deepEqual(got.map((p) => p.partitionIndex), [0, 1], 'one answer per partition, at its first place');
    t.is(size(got[0]!.records), 3 * one, 'the last limit');
    t.is(got[0]!.records!.readBigInt64BE(0), 5n, 'from the last offset');
  });
}

for (const mode of MODES) {
  test(`[${mode.name}] a log reopened by a config change, and a topic deleted and made again, are read afresh`, async (t) => {
    const client = await setup(t, mode.workers);
    await client.createTopic('again', 1);
    await fill(client, 'again', 0, 2, 100);
    const read = async () => (await client.conn.request(1, 12, body('again', MiB, [{ partition: 0, partitionMaxBytes: MiB }]))).responses[0]!.partitions[0]!;
    t.true(size((await read()).records) > 0);
    // segment.bytes is a shape the native log takes at open: the partition reopens its log.
    await client.alterTopicConfigs('again', { 'segment.bytes': String(1 << 20) }, []);
    const after = await read();
    t.is(after.errorCode, 0);
    t.is(after.highWatermark, 2n);
    t.true(size(after.records) > 0);
    await client.deleteTopic('again');
    await client.createTopic('again', 1);
    await fill(client, 'again', 0, 1, 100);
    const fresh = await read();
    t.is(fresh.errorCode, 0);
    t.is(fresh.highWatermark, 1n);
  });
}
