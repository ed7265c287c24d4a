/**
 * Crash safety through whole-broker restarts: SIGKILL at random moments while
 * librdkafka produces with acks=all, then everything acknowledged is read
 * back and checked. TORTURE_SEED repeats a run.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashCycles } from './crash-cycles.js';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { hasConfluentKafka, PYTHON, startAckedProducer } from './harness/python-clients.js';
import { seedFromEnv } from './harness/random.js';
import { missingAcks, readPartition } from './harness/read-back.js';
import { WireClient } from './harness/wire.js';

const confluent = hasConfluentKafka();
if (!confluent) console.warn(`${PYTHON} cannot import confluent_kafka: skipping the crash tests (apt-get install python3-confluent-kafka)`);
const withClient = confluent ? test.serial : test.skip;

withClient('flush.messages=1: 10 kill -9 at random moments lose nothing acknowledged, serve no corrupt batch, keep offsets dense', async (t) => {
  const seed = seedFromEnv('TORTURE_SEED');
  t.log(`seed ${seed}`);
  const r = await runCrashCycles({ kills: 10, fsync: true, seed, recordsPerSecond: 5_000 });
  if (r.groupsSkipped) t.log(r.groupsSkipped);
  t.deepEqual(r.problems, []);
  t.is(r.kills, 10);
  t.true(r.acked > 0);
  t.log(`${r.kills} kills, ${r.acked} acknowledged records verified after every restart, ${r.commitsChecked} group offsets checked`);
});

withClient('default flush policy (no fsync): kill -9 of the process loses nothing acknowledged (the page cache survives it)', async (t) => {
  const seed = seedFromEnv('TORTURE_SEED');
  t.log(`seed ${seed}`);
  // Partitions on a worker pool this time: a kill takes the workers with it.
  const r = await runCrashCycles({ kills: 5, fsync: false, workers: 2, seed, recordsPerSecond: 5_000 });
  t.deepEqual(r.problems, []);
  t.is(r.kills, 5);
  t.true(r.acked > 0);
});

withClient('the read-back catches a planted loss and a planted corrupt batch', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-planted-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // Small segments: the damage goes into a sealed one, below the recovery point, which restart does not rescan.
  const overrides = { 'log.segment.bytes': 16_384 };
  let broker = await BrokerProcess.start({ dataDir, overrides });
  t.teardown(() => broker.kill9());
  await createTopic(broker.port, 'planted', 1);
  // Three seconds: on a loaded machine the producer's first second can go to its start.
  const run = await startAckedProducer(broker.bootstrap, 'planted', 'p', { seconds: 3, recordsPerSecond: 2_000 }).done;
  t.true(run.acks.length > 100, `${run.acks.length} acknowledged`);
  // A graceful stop checkpoints the recovery point at the end: no recovery scan will catch the damage.
  await broker.stop();
  const dir = join(dataDir, 'planted-0');
  const segments = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  t.true(segments.length > 2, `${segments.length} segments`);
  const segment = join(dir, segments[0]!);
  const bytes = readFileSync(segment);
  // The last byte of the batch that holds the middle of the segment: always under the batch's CRC, which
  // does not cover the batch's offset, length, leader epoch or magic.
  const target = lastByteOfBatchAt(bytes, Math.floor(bytes.length / 2));
  bytes[target] = bytes[target]! ^ 0x5a;
  writeFileSync(segment, bytes);
  broker = await BrokerProcess.start({ dataDir, overrides });
  const client = await WireClient.connect(broker.port);
  t.teardown(() => client.close());
  const contents = await readPartition(client, 'planted', 0);
  t.true(contents.problems.some((p) => p.includes('CRC-32C mismatch')), contents.problems.join('\n'));
  const last = run.acks[run.acks.length - 1]!;
  const planted = [{ ...last, offset: last.offset + 1_000_000 }, { ...run.acks[0]!, value: Buffer.from('not what was sent') }];
  t.is(missingAcks([contents], planted).problems.length, 2);
});

function lastByteOfBatchAt(segment: Buffer, position: number): number {
  let start = 0;
  while (start + 12 <= segment.length) {
    const end = start + 12 + segment.readInt32BE(start + 8);
    if (position < end) return end - 1;
    start = end;
  }
  throw new Error(`no batch holds byte ${position} of a ${segment.length}-byte segment`);
}
