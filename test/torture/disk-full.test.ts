/**
 * Out of space and unwritable data directories, on a real small filesystem:
 * produce answers KAFKA_STORAGE_ERROR, reads keep being served, and produce
 * works again once space (or write access) returns. Nothing acknowledged is
 * lost, including across a kill -9 afterwards.
 */
import test from 'ava';
import { chmodSync, chownSync, mkdirSync, rmSync } from 'node:fs';
import { encodeRecordBatchSync, ErrorCode, type TopicName } from '../../protocol/index.js';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { missingAcks, readPartition, type Ack } from './harness/read-back.js';
import { mountSmallFs } from './harness/small-fs.js';
import { WireClient } from './harness/wire.js';

const fs = process.getuid?.() === 0 ? mountSmallFs(48 << 20) : 'not root: cannot mount a small filesystem';
if (typeof fs === 'string') console.warn(`disk-full tests skipped: ${fs}`);
else process.once('exit', () => fs.unmount());
const withFs = typeof fs === 'string' ? test.skip : test.serial;

const NOBODY = 65534;
let seq = 0;
/** One produce of a 64 KiB batch; returns its error code, recording the ack when it succeeds. */
async function produce(c: WireClient, acks: Ack[]): Promise<number> {
  const value = Buffer.alloc(64 << 10, seq++ & 0xff);
  value.writeUInt32BE(seq, 0);
  const records = encodeRecordBatchSync({ records: [{ value }], compression: 0 });
  const res = await c.request(0, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'full' as TopicName, partitionData: [{ index: 0, records }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  if (p.errorCode === 0) acks.push({ partition: 0, offset: Number(p.baseOffset), value });
  return p.errorCode;
}

async function verify(t: import('ava').ExecutionContext, c: WireClient, acks: readonly Ack[], what: string): Promise<void> {
  const contents = await readPartition(c, 'full', 0);
  t.deepEqual([...contents.problems, ...missingAcks([contents], acks).problems], [], what);
}

withFs('disk full, then an unwritable partition directory: KAFKA_STORAGE_ERROR for produce, reads keep working, writes resume when space returns', async (t) => {
  if (typeof fs === 'string') return;
  const dataDir = `${fs.dir}/data`;
  // As an unprivileged user, so that taking write permission away means something.
  mkdirSync(dataDir);
  chownSync(dataDir, NOBODY, NOBODY);
  const overrides = { 'log.segment.bytes': 1 << 20, 'log.index.size.max.bytes': 64 << 10 };
  const start = () => BrokerProcess.start({ dataDir, overrides, logLevel: 'error', uid: NOBODY });
  let broker = await start();
  t.teardown(() => broker.kill9());
  await createTopic(broker.port, 'full', 1);
  let c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  const acks: Ack[] = [];
  for (let i = 0; i < 32; i++) t.is(await produce(c, acks), 0);

  const filler = fs.fill();
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) codes.push(await produce(c, acks));
  t.true(codes.includes(ErrorCode.KAFKA_STORAGE_ERROR), `codes when full: ${codes.join(',')}`);
  t.deepEqual(codes.filter((x) => x !== 0 && x !== ErrorCode.KAFKA_STORAGE_ERROR), []);
  t.true(broker.alive);
  await verify(t, c, acks, 'reads while the disk is full');

  rmSync(filler);
  let resumed = -1;
  for (let i = 0; i < 20 && resumed !== 0; i++) resumed = await produce(c, acks);
  t.is(resumed, 0, 'produce after space returned');
  await verify(t, c, acks, 'after space returned');

  // Unwritable partition directory: the next segment roll cannot create its files.
  const partitionDir = `${dataDir}/full-0`;
  chmodSync(partitionDir, 0o555);
  try {
    const roCodes: number[] = [];
    for (let i = 0; i < 40 && !roCodes.includes(ErrorCode.KAFKA_STORAGE_ERROR); i++) roCodes.push(await produce(c, acks));
    t.true(roCodes.includes(ErrorCode.KAFKA_STORAGE_ERROR), `codes when unwritable: ${roCodes.join(',')}`);
    t.deepEqual(roCodes.filter((x) => x !== 0 && x !== ErrorCode.KAFKA_STORAGE_ERROR), []);
    await verify(t, c, acks, 'reads while unwritable');
  } finally {
    chmodSync(partitionDir, 0o755);
  }
  resumed = -1;
  for (let i = 0; i < 20 && resumed !== 0; i++) resumed = await produce(c, acks);
  t.is(resumed, 0, 'produce after write access returned');

  // And all of it survives a kill -9.
  c.close();
  await broker.kill9();
  broker = await start();
  c = await WireClient.connect(broker.port);
  await verify(t, c, acks, 'after kill -9 and restart');
  t.log(`${acks.length} acknowledged batches verified`);
});
