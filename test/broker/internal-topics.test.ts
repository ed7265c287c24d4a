/**
 * Clients cannot write to internal topics: a hand-made record in
 * __consumer_offsets would be loaded as another group's committed offset (or,
 * malformed, stop its coordinator loading). As Kafka, Produce and
 * DeleteRecords on them are answered INVALID_TOPIC_EXCEPTION and nothing moves.
 */
import test from 'ava';
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { encodeRecord } from '../../actors/group-coordinator/records.js';
import { encodeBatch } from '../native/helpers/batch-builder.js';
import { startGroupBroker } from '../group-coordinator/helpers/group-broker.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';

const OFFSETS = '__consumer_offsets';

async function offsetAt(c: WireClient, topic: string, timestamp: bigint): Promise<bigint> {
  const res = await c.request(2, 1, { replicaId: -1 as never, topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: 0, timestamp }] }] });
  const p = res.topics[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}: error ${p.errorCode}`);
  return p.offset;
}

async function committed(c: WireClient, group: string): Promise<bigint> {
  const res = await c.request(9, 3, { groupId: group as never, topics: [{ name: 'orders' as TopicName, partitionIndexes: [0] }] });
  if (res.errorCode !== 0) throw new Error(`OffsetFetch ${group}: error ${res.errorCode}`);
  return res.topics[0]!.partitions[0]!.committedOffset;
}

test('Produce and DeleteRecords on __consumer_offsets are refused with INVALID_TOPIC_EXCEPTION; its log and the groups do not change', async (t) => {
  const broker = await startGroupBroker({ 'offsets.topic.num.partitions': 1 });
  t.teardown(() => broker.stop());
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  await createTopic(broker.port, 'orders', 1);

  const commit = await c.request(8, 2, {
    groupId: 'real' as never,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    retentionTimeMs: -1n,
    topics: [{ name: 'orders' as TopicName, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedMetadata: '' }] }],
  } as never);
  t.is(commit.topics[0]!.partitions[0]!.errorCode, 0);
  const end = await offsetAt(c, OFFSETS, -1n);
  t.true(end > 0n, 'the commit is in __consumer_offsets');

  // A commit record for another group, in the coordinator's own format.
  const forged = encodeRecord({ kind: 'offset', group: 'victim', topic: 'orders', partition: 0, value: { offset: 999n, leaderEpoch: -1, metadata: '', commitTimestampMs: Date.now(), expireTimestampMs: null } });
  const batch = encodeBatch({ records: [{ key: forged.key, value: forged.value }] });
  const res = await c.request(0, 9, { acks: -1, timeoutMs: 10_000, topicData: [{ name: OFFSETS as TopicName, partitionData: [{ index: 0, records: batch }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  t.is(p.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  t.is(await offsetAt(c, OFFSETS, -1n), end);

  const del = await c.request(21, 2, { topics: [{ name: OFFSETS as TopicName, partitions: [{ partitionIndex: 0, offset: -1n }] }], timeoutMs: 10_000 });
  t.is(del.topics[0]!.partitions[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  t.is(await offsetAt(c, OFFSETS, -2n), 0n);

  t.is(await committed(c, 'real'), 42n);
  t.is(await committed(c, 'victim'), -1n);
});
