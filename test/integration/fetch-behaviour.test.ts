/** Fetch semantics through the protocol layer: long poll woken by appends, byte limits (sessions: fetch-sessions.test.ts). */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { MODES, withBroker } from './helpers.js';

const T = 'polled' as TopicName;

function fetchBody(offset: bigint, opts: { maxWaitMs: number; minBytes: number; maxBytes?: number; partitionMaxBytes?: number; sessionId?: number; sessionEpoch?: number; partitions?: number[] }) {
  return {
    replicaId: -1 as never,
    maxWaitMs: opts.maxWaitMs,
    minBytes: opts.minBytes,
    maxBytes: opts.maxBytes ?? 50 << 20,
    isolationLevel: 0,
    sessionId: opts.sessionId ?? 0,
    sessionEpoch: opts.sessionEpoch ?? -1,
    topics: [{ topic: T, partitions: (opts.partitions ?? [0]).map((partition) => ({ partition, fetchOffset: offset, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n })) }],
  };
}

for (const mode of MODES) {
  test(`[${mode.name}] a fetch parked for fetch.min.bytes is woken by an append`, async (t) => {
    const broker = await withBroker({ workers: mode.workers });
    t.teardown(() => broker.stop());
    const reader = await KafkaClient.connect(broker.bootstrap);
    const writer = await KafkaClient.connect(broker.bootstrap);
    t.teardown(() => {
      reader.close();
      writer.close();
    });
    await writer.createTopic(T, 1);
    const started = Date.now();
    const pending = reader.conn.request(1, 12, fetchBody(0n, { maxWaitMs: 30_000, minBytes: 1 }));
    await new Promise((r) => setTimeout(r, 200));
    await writer.produce(T, 0, [{ value: Buffer.from('wake up') }]);
    const r = await pending;
    const p = r.responses[0]!.partitions[0]!;
    t.is(p.errorCode, 0);
    t.is(p.highWatermark, 1n);
    t.true(p.records !== null && p.records.length > 0);
    t.true(Date.now() - started < 20_000, 'answered on the append, not at max.wait.ms');
  });
}

test('fetch.max.bytes: the first partition with data always goes, later ones only while they fit', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic(T, 2);
  for (const p of [0, 1]) await client.produce(T, p, [{ value: Buffer.alloc(5000, p) }]);
  const r = await client.conn.request(1, 12, fetchBody(0n, { maxWaitMs: 0, minBytes: 0, maxBytes: 100, partitionMaxBytes: 100, partitions: [0, 1] }));
  const [first, second] = r.responses[0]!.partitions;
  t.true(first!.records!.length > 5000, 'one whole batch even though it exceeds the limits');
  t.is(second!.records?.length ?? 0, 0);
  t.is(second!.highWatermark, 1n);
});
