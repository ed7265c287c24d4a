/**
 * Hostile input against a live broker process: precise answers where the
 * protocol has one, then a bounded mass fuzz while a well-behaved client
 * keeps producing. TORTURE_SEED repeats a run.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeResponseFrame, ErrorCode, type BrokerId, type TopicName } from '../../protocol/index.js';
import { badBatchProduce, BATCH_DAMAGE, multiBatchProduce, type BatchDamage } from './fuzz/hostile-frames.js';
import { liveFuzz } from './fuzz/live-fuzz.js';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { Random, seedFromEnv } from './harness/random.js';
import { rawFrame, WireClient } from './harness/wire.js';

const CI_FRAMES = 30_000;
const MIB = 1 << 20;

const EXPECTED: Record<BatchDamage, readonly number[]> = {
  crc: [ErrorCode.CORRUPT_MESSAGE],
  truncated: [ErrorCode.CORRUPT_MESSAGE],
  'length-lies': [ErrorCode.CORRUPT_MESSAGE],
  'record-count': [ErrorCode.CORRUPT_MESSAGE],
  // Produce v3+ carries record batches only (Kafka's ProduceRequest.validateRecords): any other magic is INVALID_RECORD.
  magic: [ErrorCode.INVALID_RECORD],
  'unknown-codec': [ErrorCode.CORRUPT_MESSAGE],
  // Random bytes that happen to decompress are then refused for their records.
  'garbage-compressed': [ErrorCode.CORRUPT_MESSAGE, ErrorCode.INVALID_RECORD],
  // A valid CRC over broken records: as Kafka's LogValidator, the record walk refuses the batch.
  'records-garbage': [ErrorCode.INVALID_RECORD],
  'records-missing': [ErrorCode.INVALID_RECORD],
  'records-trailing': [ErrorCode.INVALID_RECORD],
  'records-cut': [ErrorCode.INVALID_RECORD],
  'record-length-lies': [ErrorCode.INVALID_RECORD],
};

async function logEndOffset(c: WireClient, partition: number): Promise<bigint> {
  const res = await c.request(2, 7, { replicaId: -1 as BrokerId, isolationLevel: 0, topics: [{ name: 'fuzz' as TopicName, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n }] }] });
  return res.topics[0]!.partitions[0]!.offset;
}

async function brokerFor(t: import('ava').ExecutionContext): Promise<BrokerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-hostile-'));
  const broker = await BrokerProcess.start({ dataDir, logLevel: 'error', overrides: { 'auto.create.topics.enable': false, 'socket.request.max.bytes': MIB } });
  t.teardown(async () => {
    await broker.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await createTopic(broker.port, 'fuzz', 2);
  return broker;
}

const BROKEN_BATCHES = BATCH_DAMAGE.filter((d) => d !== 'garbage-compressed');

for (const damage of BROKEN_BATCHES) {
  test(`a well-formed Produce whose batch is broken (${damage}) gets its error code and the connection stays usable`, async (t) => {
    const broker = await brokerFor(t);
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());
    const rnd = new Random(seedFromEnv('TORTURE_SEED'));
    for (const version of [3, 8, 9, 11]) {
      const id = c.takeId();
      const { bytes } = badBatchProduce(rnd, { apiKey: 0, min: version, max: version }, id, damage);
      const res = (await c.expect(id, bytes, (f) => decodeResponseFrame(f, 0, version).body)) as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
      const code = res.responses[0]!.partitionResponses[0]!.errorCode;
      t.true(EXPECTED[damage].includes(code), `v${version} ${damage}: error ${code}, expected one of ${EXPECTED[damage].join(', ')}`);
    }
    t.is(await logEndOffset(c, 0), 0n, `a ${damage} batch was stored`);
    const meta = await c.request(3, 1, { topics: null });
    t.true(meta.topics.some((x) => x.name === 'fuzz'));
  });
}

// A compressed batch's CRC covers its compressed bytes, so garbage inside a valid CRC reaches the
// broker intact; as Kafka's LogValidator, the broker decompresses and refuses it (CORRUPT_MESSAGE, or
// INVALID_RECORD when the bytes decompress into no records) instead of storing a batch every consumer
// of the partition would fail on.
test('a compressed batch whose payload does not decompress (CRC valid) is refused, not stored for consumers to choke on', async (t) => {
  const broker = await brokerFor(t);
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  const rnd = new Random(seedFromEnv('TORTURE_SEED'));
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) {
    const id = c.takeId();
    const { bytes } = badBatchProduce(rnd, { apiKey: 0, min: 9, max: 9 }, id, 'garbage-compressed');
    const res = (await c.expect(id, bytes, (f) => decodeResponseFrame(f, 0, 9).body)) as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
    codes.push(res.responses[0]!.partitionResponses[0]!.errorCode);
  }
  t.true(codes.every((x) => EXPECTED['garbage-compressed'].includes(x)), `answers: ${codes.join(',')}`);
});

test('a Produce with several batches for one partition is refused whole (INVALID_RECORD) and stores nothing', async (t) => {
  const broker = await brokerFor(t);
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  const rnd = new Random(seedFromEnv('TORTURE_SEED'));
  for (const version of [3, 8, 9, 11]) {
    const id = c.takeId();
    const res = (await c.expect(id, multiBatchProduce(rnd, version, id), (f) => decodeResponseFrame(f, 0, version).body)) as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
    t.is(res.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.INVALID_RECORD, `v${version}`);
  }
  t.is(await logEndOffset(c, 0), 0n);
});

test('ApiVersions at an unknown version gets UNSUPPORTED_VERSION; unknown API keys, bad sizes and oversized frames close only their own connection', async (t) => {
  const broker = await brokerFor(t);
  const bystander = await WireClient.connect(broker.port);
  t.teardown(() => bystander.close());
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  const r = (await c.expect(41, rawFrame(18, 99, 41, Buffer.from([0, 0, 0]), true), (f) => decodeResponseFrame(f, 18, 0).body)) as { errorCode: number };
  t.is(r.errorCode, ErrorCode.UNSUPPORTED_VERSION);

  const closes = async (bytes: Buffer, what: string) => {
    const x = await WireClient.connect(broker.port);
    x.write(bytes);
    const closed = await Promise.race([x.closed.then(() => true), new Promise<boolean>((res) => setTimeout(() => res(false), 5_000))]);
    x.close();
    t.true(closed, `${what}: connection not closed`);
  };
  const size = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeInt32BE(n, 0);
    return b;
  };
  await closes(rawFrame(999, 0, 1, Buffer.alloc(4), false), 'unknown api key 999');
  await closes(rawFrame(0, 99, 1, Buffer.alloc(4), false), 'Produce v99');
  await closes(size(0), 'size 0');
  await closes(size(-1), 'size -1');
  await closes(size(0x7fffffff), 'size 2 GiB');
  await closes(size(MIB + 1), 'size above socket.request.max.bytes');
  // The bystander never noticed.
  const v = await bystander.request(18, 3, { clientSoftwareName: 'bystander', clientSoftwareVersion: '1' });
  t.is(v.errorCode, 0);
  t.true(broker.alive);
});

test.serial(`mass fuzz: ${CI_FRAMES} hostile frames; the broker stays up, hangs no connection, keeps memory bounded, and a kafkajs producer alongside loses nothing`, async (t) => {
  const seed = seedFromEnv('TORTURE_SEED');
  t.log(`seed ${seed}`);
  const r = await liveFuzz({ frames: CI_FRAMES, seed, budgetMs: 90_000 });
  t.log(`${r.stats.frames} frames in ${r.stats.sessions} connections (${r.elapsedMs} ms): ${r.stats.closedByBroker} closed by the broker, ${r.stats.probesAnswered} answered a probe after the abuse`);
  t.log(`RSS ${(r.rssBeforeBytes / MIB).toFixed(0)} -> ${(r.rssAfterBytes / MIB).toFixed(0)} MiB; kafkajs alongside: ${r.goodAcked} records acknowledged (${r.goodRecordsPerSecond}/s)`);
  t.true(r.alive, r.exit ?? '');
  t.deepEqual(r.problems, []);
  t.is(r.stats.hung, 0);
  t.is(r.stats.connectErrors, 0);
  t.true(r.stats.frames >= CI_FRAMES, `only ${r.stats.frames} frames within the budget`);
  t.deepEqual(r.goodFailures, []);
  t.true(r.goodAcked > 0);
  // Generous: the point is "bounded", not "small".
  t.true(r.rssAfterBytes < r.rssBeforeBytes + 256 * MIB, `RSS grew from ${r.rssBeforeBytes} to ${r.rssAfterBytes}`);
});
