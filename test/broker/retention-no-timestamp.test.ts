/**
 * Time retention on records produced without timestamps (-1): their segments
 * go by the .log file's modification time, as in Kafka, instead of staying
 * forever and keeping every later segment with them.
 */
import test from 'ava';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { simpleBatch } from '../native/helpers/batch-builder.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';

const TOPIC = 'untimed';
const NO_TIMESTAMP = { baseTimestamp: -1, maxTimestamp: -1 };
const BATCH_BYTES = simpleBatch(1, 100, NO_TIMESTAMP).length;
const HOUR_MS = 3_600_000;

async function logStartOffset(c: WireClient): Promise<bigint> {
  const res = await c.request(2, 1, { replicaId: -1 as never, topics: [{ name: TOPIC as TopicName, partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
  const p = res.topics[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`ListOffsets error ${p.errorCode}`);
  return p.offset;
}

test('retention.ms deletes old segments whose batches carry no timestamp, by file mtime', async (t) => {
  const broker = await startTestBroker({ 'log.retention.check.interval.ms': 50 });
  t.teardown(() => broker.stop());
  await createTopic(broker.port, TOPIC, 1, { 'segment.bytes': String(BATCH_BYTES * 2), 'retention.ms': '60000' });
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  for (let i = 0; i < 5; i++) {
    const res = await c.request(0, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC as TopicName, partitionData: [{ index: 0, records: simpleBatch(1, 100, NO_TIMESTAMP) }] }] });
    t.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  }
  // segments [0,1] and [2,3] sealed, [4] active; fresh files are within retention
  await new Promise((r) => setTimeout(r, 1_500));
  t.is(await logStartOffset(c), 0n);
  const old = (Date.now() - HOUR_MS) / 1000;
  for (const base of [0, 2]) utimesSync(join(broker.dataDir, `${TOPIC}-0`, `${String(base).padStart(20, '0')}.log`), old, old);
  let start = 0n;
  for (let i = 0; i < 100 && start !== 4n; i++) {
    await new Promise((r) => setTimeout(r, 100));
    start = await logStartOffset(c);
  }
  t.is(start, 4n, 'both old segments deleted, never the active one');
});
