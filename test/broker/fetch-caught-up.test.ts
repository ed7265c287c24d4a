/**
 * A fetch at the log end of a partition read before skips its actor and
 * answers from the attached handle's offsets. When the log was closed under
 * that handle (reopened to reconfigure, deleted), the fetch must fall back to
 * the actor and answer as usual: an earlier build answered every such fetch
 * UNKNOWN_SERVER_ERROR from then on (found by the semantic fuzz).
 */
import test from 'ava';
import { encodeRecordBatchSync, type TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';

test('a caught-up fetch after the log was reopened (segment config changed) answers normally, then serves what comes next', async (t) => {
  const b = await startTestBroker({ 'auto.create.topics.enable': false });
  t.teardown(() => b.stop());
  const port = Number(b.bootstrap.split(':')[1]);
  await createTopic(port, 'cu', 1);
  const c = await WireClient.connect(port);
  t.teardown(() => c.close());
  const produce = async (v: string) => {
    const res = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'cu' as TopicName, partitionData: [{ index: 0, records: encodeRecordBatchSync({ records: [{ value: Buffer.from(v) }] }) }] }] });
    t.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  };
  const fetch = async (offset: bigint) => {
    const res = await c.request(1, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic: 'cu' as TopicName, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }] });
    t.is(res.errorCode, 0);
    const p = res.responses[0]!.partitions[0]!;
    return { errorCode: p.errorCode, highWatermark: p.highWatermark, bytes: p.records?.length ?? 0 };
  };
  await produce('a');
  t.true((await fetch(0n)).bytes > 0);
  t.deepEqual(await fetch(1n), { errorCode: 0, highWatermark: 1n, bytes: 0 }, 'caught up: answered from the handle');
  const alter = await c.request(44, 1, { resources: [{ resourceType: 2, resourceName: 'cu', configs: [{ name: 'segment.bytes', configOperation: 0, value: '100000' }] }], validateOnly: false });
  t.is(alter.responses[0]!.errorCode, 0);
  t.deepEqual(await fetch(1n), { errorCode: 0, highWatermark: 1n, bytes: 0 }, 'after the reopen');
  await produce('b');
  const next = await fetch(1n);
  t.is(next.errorCode, 0);
  t.is(next.highWatermark, 2n);
  t.true(next.bytes > 0);
});
