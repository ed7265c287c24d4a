/**
 * The old versions over the wire, where no installed client reaches them:
 * Fetch v0-v3 of zstd batches and with down-conversion disabled, ListOffsets
 * v0, Produce v3+ with an old magic or v0-v6 with zstd, and a topic's
 * compression.type recompressing what producers send.
 */
import test from 'ava';
import { encodeLegacyMessageSet, encodeRecordBatchSync, ErrorCode, readLegacyMessageSet, decodeRecordBatchSync, type BrokerId, type TopicName } from '../../protocol/index.js';
import { startTestBroker, type TestBroker } from '../../testing.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';
import { storedCodecs } from './helpers.js';

async function setup(t: import('ava').ExecutionContext): Promise<{ b: TestBroker; c: WireClient; port: number }> {
  const b = await startTestBroker({ 'auto.create.topics.enable': false, ...(process.env['LW_LOG'] ? { logger: 'warn' as const } : {}) });
  t.teardown(() => b.stop());
  const port = Number(b.bootstrap.split(':')[1]);
  const c = await WireClient.connect(port);
  t.teardown(() => c.close());
  return { b, c, port };
}

async function produce(c: WireClient, topic: string, records: Buffer, version: number): Promise<{ errorCode: number; baseOffset: bigint }> {
  const res = await c.request(0, version, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic as TopicName, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!;
}

async function fetchRecords(c: WireClient, topic: string, version: number): Promise<{ errorCode: number; records: Buffer }> {
  const res = await c.request(1, version, { replicaId: -1 as BrokerId, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic: topic as TopicName, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] });
  const p = res.responses[0]!.partitions[0]!;
  return { errorCode: p.errorCode, records: p.records ? Buffer.from(p.records as Uint8Array) : Buffer.alloc(0) };
}

const batch = (compression: number, n = 3) => encodeRecordBatchSync({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i} ${'c'.repeat(80)}`), timestamp: 1_700_000_000_000n + BigInt(i) })), compression });

test('Fetch v0-v3 read stored batches in their format: magic 0 for v0-v1, magic 1 for v2-v3, offsets and values exact', async (t) => {
  const { c, port } = await setup(t);
  await createTopic(port, 'plain', 1);
  t.is((await produce(c, 'plain', batch(1), 9)).errorCode, 0);
  t.is((await produce(c, 'plain', batch(0, 2), 9)).errorCode, 0);
  for (const version of [0, 1, 2, 3]) {
    const r = await fetchRecords(c, 'plain', version);
    t.is(r.errorCode, 0, `v${version}`);
    t.is(r.records[16], version <= 1 ? 0 : 1, `v${version} magic`);
    const got = readLegacyMessageSet(r.records, 1 << 20);
    t.deepEqual(got.map((x) => x.offset), [0n, 1n, 2n, 3n, 4n]);
    t.deepEqual(got.map((x) => x.value!.toString().split(' ')[1]), ['0', '1', '2', '0', '1']);
  }
});

test('Fetch below v4 of a zstd batch is UNSUPPORTED_COMPRESSION_TYPE; with message.downconversion.enable=false it is UNSUPPORTED_VERSION', async (t) => {
  const { c, port } = await setup(t);
  await createTopic(port, 'z', 1);
  await createTopic(port, 'noconv', 1, { 'message.downconversion.enable': 'false' });
  t.is((await produce(c, 'z', batch(4), 9)).errorCode, 0);
  t.is((await produce(c, 'noconv', batch(0), 9)).errorCode, 0);
  t.is((await fetchRecords(c, 'z', 3)).errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  t.is((await fetchRecords(c, 'z', 11)).errorCode, 0, 'v4+ read zstd as stored');
  t.is((await fetchRecords(c, 'noconv', 2)).errorCode, ErrorCode.UNSUPPORTED_VERSION);
  t.is((await fetchRecords(c, 'noconv', 4)).errorCode, 0);
});

test('Produce checks by version as Kafka: v3+ with a legacy message set is INVALID_RECORD, zstd before v7 is UNSUPPORTED_COMPRESSION_TYPE; v0-v2 store message sets', async (t) => {
  const { c, port, b } = await setup(t);
  await createTopic(port, 'v', 1);
  const legacy = encodeLegacyMessageSet([{ offset: 0n, timestamp: 5n, key: null, value: Buffer.from('old') }], 1, 2, 0);
  t.is((await produce(c, 'v', legacy, 3)).errorCode, ErrorCode.INVALID_RECORD);
  t.is((await produce(c, 'v', batch(4), 6)).errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  t.is((await produce(c, 'v', batch(4), 7)).errorCode, 0);
  const old = await produce(c, 'v', legacy, 2);
  t.is(old.errorCode, 0);
  t.is(old.baseOffset, 3n);
  t.is((await produce(c, 'v', batch(0), 1)).errorCode, 0, 'v0-v2 take record batches too (Kafka does not check their magic)');
  t.deepEqual(storedCodecs(b.dataDir, 'v'), [4, 2, 0]);
});

test('ListOffsets v0 answers offsets (latest: the log end first), descending, up to maxNumOffsets', async (t) => {
  const { c, port } = await setup(t);
  await createTopic(port, 'lo', 1);
  for (let i = 0; i < 3; i++) t.is((await produce(c, 'lo', batch(0), 9)).errorCode, 0);
  const ask = async (timestamp: bigint, maxNumOffsets: number) => {
    const res = await c.request(2, 0, { replicaId: -1 as BrokerId, topics: [{ name: 'lo' as TopicName, partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets }] }] });
    const p = res.topics[0]!.partitions[0]!;
    t.is(p.errorCode, 0);
    return p.oldStyleOffsets;
  };
  t.deepEqual(await ask(-1n, 1), [9n]);
  t.deepEqual(await ask(-1n, 10), [9n, 0n]);
  t.deepEqual(await ask(-2n, 10), [0n]);
  t.deepEqual(await ask(0n, 10), [], 'no segment was modified before 1970');
});

test("a topic's compression.type recompresses produced batches: stored in its codec, read back the same; an idempotent producer's sequence still holds", async (t) => {
  const { c, port, b } = await setup(t);
  await createTopic(port, 'gz', 1, { 'compression.type': 'gzip' });
  await createTopic(port, 'raw', 1, { 'compression.type': 'uncompressed' });
  t.is((await produce(c, 'gz', batch(0), 9)).errorCode, 0);
  t.is((await produce(c, 'gz', batch(3), 9)).errorCode, 0);
  t.is((await produce(c, 'raw', batch(2), 9)).errorCode, 0);
  const idem = encodeRecordBatchSync({ records: [{ value: Buffer.from('i0') }, { value: Buffer.from('i1') }], compression: 0, producerId: 7n, producerEpoch: 0, baseSequence: 0 });
  const init = await c.request(22, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n as never, producerEpoch: -1 });
  const pid = init.producerId as unknown as bigint;
  idem.writeBigInt64BE(pid, 43);
  const { crc32c } = await import('../../protocol/index.js');
  idem.writeUInt32BE(crc32c(idem, 21, idem.length) >>> 0, 17);
  t.is((await produce(c, 'gz', idem, 9)).errorCode, 0);
  t.is((await produce(c, 'gz', idem, 9)).errorCode, 0, 'a retry of the same sequence is a duplicate, not a gap');
  t.deepEqual(storedCodecs(b.dataDir, 'gz'), [1, 1, 1]);
  t.deepEqual(storedCodecs(b.dataDir, 'raw'), [0]);
  const back = await fetchRecords(c, 'gz', 11);
  const values: string[] = [];
  for (let pos = 0; pos < back.records.length; pos += 12 + back.records.readInt32BE(pos + 8)) {
    for (const r of decodeRecordBatchSync(back.records.subarray(pos, pos + 12 + back.records.readInt32BE(pos + 8))).records) values.push(r.value!.toString().slice(0, 7));
  }
  t.deepEqual(values, ['value 0', 'value 1', 'value 2', 'value 0', 'value 1', 'value 2', 'i0', 'i1']);
});
