/**
 * A Produce is validated whole before anything is appended: a batch whose
 * header and CRC are right but whose records do not parse is refused with
 * INVALID_RECORD (as Kafka's record iterator refuses it), compressed or not,
 * and a partition's share of a request may hold one batch only. Nothing of a
 * refused request reaches the log, so consumers never meet it. Inline and with
 * partitions on a pool of 2 workers.
 */
import test from 'ava';
import kafkajs from 'kafkajs';
import { CompressionType, compressSync, ErrorCode, type TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { encodeBatch, resealBatch, type TestBatch } from '../native/helpers/batch-builder.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';

const { Kafka, logLevel } = kafkajs;

interface PartitionAnswer {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
}

async function produce(c: WireClient, topic: string, records: Buffer): Promise<PartitionAnswer> {
  const res = await c.request(0, 9, { acks: -1, timeoutMs: 10_000, topicData: [{ name: topic as TopicName, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0] as unknown as PartitionAnswer;
}

async function logEndOffset(c: WireClient, topic: string): Promise<bigint> {
  const res = await c.request(2, 1, { replicaId: -1 as never, topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  const p = res.topics[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`ListOffsets: error ${p.errorCode}`);
  return p.offset;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
  return Buffer.from(out);
}

/** `base`'s header over other record bytes, stating `count` records; length and CRC made right. */
function withRecords(base: Buffer, records: Buffer, count = base.readInt32BE(57)): Buffer {
  const out = Buffer.concat([base.subarray(0, 61), records]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(count - 1, 23);
  out.writeInt32BE(count, 57);
  resealBatch(out);
  return out;
}

/** One record by hand: its body bytes behind a length varint. */
function rawRecord(...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([varint(b.length), b]);
}

const zero = Buffer.from([0]);
const good = (i: number, extra: Partial<TestBatch> = {}): Buffer => encodeBatch({ ...extra, records: [0, 1, 2].map((j) => ({ key: `k${i}-${j}`, value: `good-${i}-${j}` })) });
const recordsOf = (b: Buffer): Buffer => b.subarray(61);

const BROKEN: Array<[string, () => Buffer]> = [
  ['garbage record bytes', () => withRecords(good(0), Buffer.alloc(recordsOf(good(0)).length, 0xff))],
  ['fewer records than recordCount', () => withRecords(good(0), recordsOf(good(0)), 4)],
  ['trailing bytes after the last record', () => withRecords(good(0), Buffer.concat([recordsOf(good(0)), Buffer.from([2, 0, 0])]))],
  ['a record length running past the batch', () => withRecords(good(0), Buffer.concat([varint(1_000_000), recordsOf(good(0)).subarray(1)]))],
  // attributes, timestamp delta, offset delta, then a key of 100 bytes in a record of 9
  ['a key length running past its record', () => withRecords(good(0), rawRecord(zero, zero, zero, varint(100), Buffer.from('ab'), varint(-1), zero), 1)],
  ['a header count past its record', () => withRecords(good(0), rawRecord(zero, zero, zero, varint(-1), varint(-1), varint(50)), 1)],
  ['a record whose fields end before its length', () => withRecords(good(0), rawRecord(zero, zero, zero, varint(-1), varint(-1), zero, Buffer.from([7, 7])), 1)],
  [
    'a gzip batch whose decompressed records have trailing bytes',
    () => {
      const plain = good(0, { attributes: CompressionType.Gzip });
      return withRecords(plain, compressSync(CompressionType.Gzip, Buffer.concat([recordsOf(plain), Buffer.from([9, 9, 9])])));
    },
  ],
];

for (const workers of [0, 2]) {
  const where = workers === 0 ? 'inline' : `on a pool of ${workers} workers`;

  test.serial(`${where}: batches with a valid CRC but broken records get INVALID_RECORD, the log end does not move, and kafkajs consumes the good records`, async (t) => {
    const broker = await startTestBroker({ workers, 'group.initial.rebalance.delay.ms': 0 });
    t.teardown(() => broker.stop());
    await createTopic(broker.port, 'checked', 1);
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());

    const expected: string[] = [];
    for (const [i, [shape, build]] of BROKEN.entries()) {
      const before = await logEndOffset(c, 'checked');
      const bad = await produce(c, 'checked', build());
      t.is(bad.errorCode, ErrorCode.INVALID_RECORD, `${shape}: error ${bad.errorCode} (${bad.errorMessage})`);
      t.is(await logEndOffset(c, 'checked'), before, `${shape}: the log end moved`);
      const ok = await produce(c, 'checked', good(i + 1));
      t.is(ok.errorCode, 0, `good batch after ${shape}: ${ok.errorMessage}`);
      t.is(ok.baseOffset, before, `good batch after ${shape}`);
      expected.push(...[0, 1, 2].map((j) => `good-${i + 1}-${j}`));
    }

    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'produce-validation', logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
    const consumer = kafka.consumer({ groupId: `validation-${workers}`, maxWaitTimeInMs: 200 });
    t.teardown(() => consumer.disconnect().catch(() => undefined));
    const seen: string[] = [];
    let crashed: unknown = null;
    consumer.on(consumer.events.CRASH, (e) => void (crashed = e.payload.error));
    await consumer.connect();
    await consumer.subscribe({ topic: 'checked', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    const deadline = Date.now() + 20_000;
    while (seen.length < expected.length && crashed === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    t.is(crashed, null);
    t.deepEqual(seen, expected);
  });

  test.serial(`${where}: a produce with several batches for one partition gets INVALID_RECORD and appends none of them`, async (t) => {
    const broker = await startTestBroker({ workers });
    t.teardown(() => broker.stop());
    await createTopic(broker.port, 'multi', 1);
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());

    const two = await produce(c, 'multi', Buffer.concat([good(1), good(2)]));
    t.is(two.errorCode, ErrorCode.INVALID_RECORD, `two plain batches: ${two.errorMessage}`);
    t.is(await logEndOffset(c, 'multi'), 0n);

    // Idempotent: two batches in sequence, then one out of order. Appended one by one, the first two would
    // be stored under an error, and the producer's retry would meet them as duplicates or fences.
    const idem = (seq: number, i: number) => good(i, { producerId: 4242, producerEpoch: 0, baseSequence: seq });
    const three = await produce(c, 'multi', Buffer.concat([idem(0, 3), idem(3, 4), idem(9, 5)]));
    t.is(three.errorCode, ErrorCode.INVALID_RECORD, `three idempotent batches: ${three.errorMessage}`);
    t.is(await logEndOffset(c, 'multi'), 0n);

    // Producer state moved no more than the log: the same batches, one per request, append from offset 0.
    const first = await produce(c, 'multi', idem(0, 3));
    t.deepEqual([first.errorCode, first.baseOffset], [0, 0n]);
    const second = await produce(c, 'multi', idem(3, 4));
    t.deepEqual([second.errorCode, second.baseOffset], [0, 3n]);
    const retry = await produce(c, 'multi', idem(3, 4));
    t.deepEqual([retry.errorCode, retry.baseOffset], [0, 3n]);
    t.is(await logEndOffset(c, 'multi'), 6n);
  });
}
