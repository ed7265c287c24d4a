// Bytes from and for a real client: kafkajs talks to a mini server built on the
// generated codecs. Its requests must decode, our responses must satisfy it, its
// record batches (every codec) must decode, and our batches must be readable by it.
import test from 'ava';
import kafkajs from 'kafkajs';
import { startMiniBroker, type MiniBroker } from './helpers/mini-broker.js';
import type { DecodedRequest } from '../../protocol/frames.js';
import type { TopicName } from '../../protocol/brands.js';
import { decodeRecordBatch, encodeRecordBatch, recordBatches, CompressionType, snappyCompress, snappyDecompress, codecFor } from '../../protocol/index.js';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs;

// kafkajs ships gzip only; the others come from our codecs.
const asKafkajsCodec = (type: number) => () => ({
  compress: (encoder: { buffer: Buffer }) => codecFor(type).compress(encoder.buffer),
  decompress: (buffer: Buffer) => codecFor(type).decompress(buffer),
});
CompressionCodecs[CompressionTypes.Snappy] = () => ({
  compress: (encoder: { buffer: Buffer }) => snappyCompress(encoder.buffer),
  decompress: (buffer: Buffer) => snappyDecompress(buffer),
});
CompressionCodecs[CompressionTypes.LZ4] = asKafkajsCodec(CompressionType.Lz4);
CompressionCodecs[CompressionTypes.ZSTD] = asKafkajsCodec(CompressionType.Zstd);

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function metadata(port: number) {
  return (req: DecodedRequest) => {
    const b = req.body as Body;
    const names: string[] = b['topics'] ? (b['topics'] as Body[]).map((t) => t['name'] as string) : ['t1'];
    return {
      brokers: [{ nodeId: 0, host: '127.0.0.1', port, rack: null }],
      clusterId: 'samsa-test',
      controllerId: 0,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        isInternal: false,
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] }],
      })),
    };
  };
}

async function withBroker(handlers: (port: () => number) => Record<number, (req: DecodedRequest) => unknown>, run: (b: MiniBroker) => Promise<void>): Promise<MiniBroker> {
  let port = 0;
  const b = await startMiniBroker(handlers(() => port));
  port = b.port;
  try {
    await run(b);
  } finally {
    await b.close();
  }
  return b;
}

const client = (port: number) => new Kafka({ clientId: 'codec-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });

test('kafkajs admin: createTopics and fetchTopicMetadata against our encoders', async (t) => {
  const b = await withBroker(
    (port) => ({
      3: (req) => metadata(port())(req),
      19: (req) => ({
        topics: ((req.body as Body)['topics'] as Body[]).map((x) => ({ name: x['name'], errorCode: 0, errorMessage: null })),
      }),
    }),
    async (broker) => {
      const admin = client(broker.port).admin();
      await admin.connect();
      t.true(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1, replicationFactor: 1 }] }));
      const md = await admin.fetchTopicMetadata({ topics: ['orders'] });
      t.is(md.topics[0]!.name, 'orders');
      t.is(md.topics[0]!.partitions[0]!.leader, 0);
      await admin.disconnect();
    },
  );
  t.deepEqual(b.errors, []);
  const create = b.requests.find((r) => r.apiKey === 19);
  t.truthy(create);
  if (create?.apiKey === 19) {
    t.is(create.body.topics[0]!.name, 'orders' as TopicName);
    t.is(create.body.topics[0]!.numPartitions, 1);
  }
  t.true(b.requests.some((r) => r.apiKey === 18));
});

for (const [name, type] of [
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const) {
  test(`kafkajs producer (${name}): produce requests and their record batches decode`, async (t) => {
    const b = await withBroker(
      (port) => ({
        3: (req) => metadata(port())(req),
        0: (req) => ({
          responses: ((req.body as Body)['topicData'] as Body[]).map((td) => ({
            name: td['name'],
            partitionResponses: (td['partitionData'] as Body[]).map((p) => ({ index: p['index'], errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null })),
          })),
        }),
      }),
      async (broker) => {
        const producer = client(broker.port).producer();
        await producer.connect();
        await producer.send({
          topic: 't1',
          compression: type,
          messages: [
            { key: 'k1', value: 'hello '.repeat(50), headers: { h: 'v' } },
            { key: null, value: 'second', timestamp: '1700000000000' },
          ],
        });
        await producer.disconnect();
      },
    );
    t.deepEqual(b.errors, []);
    const produce = b.requests.find((r) => r.apiKey === 0);
    if (produce?.apiKey !== 0) return t.fail('no produce request');
    const records = produce.body.topicData[0]!.partitionData[0]!.records!;
    const batches = [...recordBatches(records)];
    t.is(batches.length, 1);
    t.is(batches[0]!.validate(), null);
    t.is(batches[0]!.compression, type);
    const decoded = await decodeRecordBatch(batches[0]!);
    t.is(decoded.records.length, 2);
    t.is(decoded.records[0]!.key!.toString(), 'k1');
    t.is(decoded.records[0]!.value!.toString(), 'hello '.repeat(50));
    t.deepEqual(decoded.records[0]!.headers.map((h) => [h.key, h.value!.toString()]), [['h', 'v']]);
    t.is(decoded.records[1]!.key, null);
    t.is(decoded.records[1]!.timestamp, 1700000000000n);
    t.is(decoded.records[1]!.offset, 1n);
  });
}

test('kafkajs consumer: group flow and fetch responses with our record batches, every codec', async (t) => {
  const codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
  const batches = await Promise.all(
    codecs.map((compression, i) =>
      encodeRecordBatch({
        baseOffset: BigInt(i * 2),
        compression,
        baseTimestamp: 1700000000000n,
        records: [
          { key: Buffer.from(`k${i}`), value: Buffer.from(`codec ${compression} first`), headers: [{ key: 'n', value: Buffer.from(String(i)) }] },
          { key: null, value: Buffer.from(`codec ${compression} second`), timestamp: 1700000000005n },
        ],
      }),
    ),
  );
  const all = Buffer.concat(batches);
  const total = codecs.length * 2;
  const seen: { offset: string; key: string | null; value: string; timestamp: string }[] = [];
  const b = await withBroker(
    (port) => ({
      3: (req) => metadata(port())(req),
      10: () => ({ errorCode: 0, errorMessage: null, nodeId: 0, host: '127.0.0.1', port: port(), coordinators: [] }),
      11: (req) => {
        const p = ((req.body as Body)['protocols'] as Body[])[0]!;
        return { errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: p['name'], leader: 'm1', memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata: p['metadata'] }] };
      },
      14: (req) => ({ errorCode: 0, protocolType: 'consumer', protocolName: null, assignment: (((req.body as Body)['assignments'] as Body[])[0] ?? { assignment: Buffer.alloc(0) })['assignment'] }),
      12: () => ({ errorCode: 0 }),
      13: () => ({ errorCode: 0, members: [] }),
      9: (req) => ({
        errorCode: 0,
        topics: (((req.body as Body)['topics'] as Body[]) ?? []).map((tp) => ({
          name: tp['name'],
          partitions: (tp['partitionIndexes'] as number[]).map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 })),
        })),
      }),
      8: (req) => ({
        topics: ((req.body as Body)['topics'] as Body[]).map((tp) => ({
          name: tp['name'],
          partitions: (tp['partitions'] as Body[]).map((p) => ({ partitionIndex: p['partitionIndex'], errorCode: 0 })),
        })),
      }),
      2: (req) => ({
        topics: ((req.body as Body)['topics'] as Body[]).map((tp) => ({
          name: tp['name'],
          partitions: (tp['partitions'] as Body[]).map((p) => ({ partitionIndex: p['partitionIndex'], errorCode: 0, timestamp: -1n, offset: 0n })),
        })),
      }),
      1: async (req) => {
        const topics = (req.body as Body)['topics'] as Body[];
        const offset = (topics[0]!['partitions'] as Body[])[0]!['fetchOffset'] as bigint;
        if (offset > 0n) await new Promise((r) => setTimeout(r, 50));
        return {
          responses: topics.map((tp) => ({
            topic: tp['topic'],
            partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: BigInt(total), lastStableOffset: BigInt(total), logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: offset === 0n ? all : null }],
          })),
        };
      },
    }),
    async (broker) => {
      const consumer = client(broker.port).consumer({ groupId: 'g1', maxWaitTimeInMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topic: 't1', fromBeginning: true });
      try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.length} messages arrived; requests: ${broker.requests.slice(0, 30).map((r) => `${r.apiKey}v${r.apiVersion}`).join(' ')}; errors: ${broker.errors.slice(0, 3).map(String).join('; ')}`)), 10000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              seen.push({ offset: message.offset, key: message.key?.toString() ?? null, value: message.value!.toString(), timestamp: message.timestamp });
              if (seen.length === total) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
      } finally {
        await consumer.disconnect();
      }
    },
  );
  t.deepEqual(b.errors, []);
  t.deepEqual(
    seen.map((m) => m.offset),
    Array.from({ length: total }, (_, i) => String(i)),
  );
  codecs.forEach((c, i) => {
    t.deepEqual(seen[i * 2], { offset: String(i * 2), key: `k${i}`, value: `codec ${c} first`, timestamp: '1700000000000' });
    t.is(seen[i * 2 + 1]!.value, `codec ${c} second`);
    t.is(seen[i * 2 + 1]!.timestamp, '1700000000005');
  });
  t.true(b.requests.some((r) => r.apiKey === 11) && b.requests.some((r) => r.apiKey === 14));
});
