import test from 'ava';
import { ErrorCode } from '../../protocol/index.js';
import type { CommitReply, DeleteOffsetsReply } from '../../actors/group-coordinator/messages.js';
import { ShardHarness } from './helpers/shard-harness.js';

const G = 'g';

test('simple commits (generation -1) create the group; fetch returns them, -1 for the rest', (t) => {
  const h = new ShardHarness();
  const c = h.commit(G, { offsets: [['t', 0, 10n], ['t', 1, 20n], ['u', 0, 5n]] });
  t.deepEqual(c.topics.map((x) => x.partitions.map((p) => p.errorCode)), [[0, 0], [0]]);
  t.is(h.shard.groups.get(G)!.state, 'Empty');
  const f = h.fetch(G, [{ name: 't', partitionIndexes: [0, 1, 2] }]);
  t.deepEqual(
    f.topics[0]!.partitions.map((p) => [p.committedOffset, p.committedLeaderEpoch, p.metadata]),
    [[10n, 3, 'm'], [20n, 3, 'm'], [-1n, -1, '']],
  );
  const all = h.fetch(G, null);
  t.deepEqual(all.topics.map((x) => [x.name, x.partitions.map((p) => p.committedOffset)]), [['t', [10n, 20n]], ['u', [5n]]]);
  t.deepEqual(h.fetch('unknown', null).topics, []);
  const recs = h.records.filter((r) => r.kind === 'offset');
  t.is(recs.length, 3, 'one record per committed partition');
});

test('member commits are checked against generation and membership', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 1);
  const m = members[0]!;
  t.is(h.commit(G, { generationId: generation, memberId: m }).topics[0]!.partitions[0]!.errorCode, 0);
  t.is(h.commit(G, { generationId: generation + 1, memberId: m }).topics[0]!.partitions[0]!.errorCode, ErrorCode.ILLEGAL_GENERATION);
  t.is(h.commit(G, { generationId: generation, memberId: 'ghost' }).topics[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  t.is(h.commit(G).topics[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'a simple commit to a group with members');
  t.is(h.commit('nogroup', { generationId: 3, memberId: 'x' }).topics[0]!.partitions[0]!.errorCode, ErrorCode.ILLEGAL_GENERATION);
  // while the next generation forms, the previous generation may still commit
  h.join(G);
  t.is(h.shard.groups.get(G)!.state, 'PreparingRebalance');
  t.is(h.commit(G, { generationId: generation, memberId: m }).topics[0]!.partitions[0]!.errorCode, 0);
});

test('commits in CompletingRebalance get REBALANCE_IN_PROGRESS; too-long metadata OFFSET_METADATA_TOO_LARGE', (t) => {
  const h = new ShardHarness({ offsetMetadataMaxBytes: 4 });
  const j = h.join(G);
  h.advance(100);
  const r = h.joinReply(j)!;
  t.is(h.commit(G, { generationId: r.generationId, memberId: r.memberId }).topics[0]!.partitions[0]!.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  const c = h.send({
    op: 'commit',
    req: { groupId: 'simple', generationId: -1, memberId: '', groupInstanceId: null, retentionMs: -1, topics: [{ name: 't', partitions: [
      { partitionIndex: 0, offset: 1n, leaderEpoch: -1, metadata: 'toolong', commitTimestampMs: -1 },
      { partitionIndex: 1, offset: 1n, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 },
    ] }] },
  });
  const reply = h.reply<CommitReply>(c)!;
  t.deepEqual(reply.topics[0]!.partitions.map((p) => p.errorCode), [ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
  t.is(h.fetch('simple', [{ name: 't', partitionIndexes: [1] }]).topics[0]!.partitions[0]!.metadata, '', 'null metadata is stored as ""');
});

test('OffsetDelete: refused for subscribed topics of an active consumer group, allowed otherwise', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 1);
  h.commit(G, { generationId: generation, memberId: members[0]!, offsets: [['t', 0, 1n], ['old', 0, 2n]] });
  const id = h.send({ op: 'deleteOffsets', req: { groupId: G, topics: [{ name: 't', partitions: [0] }, { name: 'old', partitions: [0, 7] }] } });
  const r = h.reply<DeleteOffsetsReply>(id)!;
  t.is(r.errorCode, 0);
  t.deepEqual(r.topics.map((x) => x.partitions.map((p) => p.errorCode)), [[ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], [0, 0]]);
  t.is(h.fetch(G, [{ name: 'old', partitionIndexes: [0] }]).topics[0]!.partitions[0]!.committedOffset, -1n);
  t.is(h.fetch(G, [{ name: 't', partitionIndexes: [0] }]).topics[0]!.partitions[0]!.committedOffset, 1n);
  const last = h.records.at(-1)!;
  t.true(last.kind === 'offset' && last.topic === 'old' && last.value === null, 'a tombstone for the deleted offset only');
  const missing = h.reply<DeleteOffsetsReply>(h.send({ op: 'deleteOffsets', req: { groupId: 'none', topics: [] } }))!;
  t.is(missing.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('retention: an empty group keeps its offsets for offsets.retention.minutes after it emptied, then is removed', (t) => {
  const h = new ShardHarness({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 1000 });
  h.commit(G, { offsets: [['t', 0, 1n]] });
  h.advance(59_000);
  t.is(h.fetch(G, null).topics.length, 1);
  h.advance(1_000 + 1_000);
  t.deepEqual(h.fetch(G, null).topics, []);
  t.false(h.shard.groups.has(G));
  const tail = h.records.slice(-2);
  t.deepEqual(tail.map((r) => [r.kind, r.value]), [['offset', null], ['group', null]]);
});

test('retention: a stable consumer group keeps offsets of topics it subscribes to; a commit with its own retention expires on time', (t) => {
  const h = new ShardHarness({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 1000 });
  const { members, generation } = h.stableGroup(G, 1, { sessionTimeoutMs: 1_800_000 });
  h.commit(G, { generationId: generation, memberId: members[0]!, offsets: [['t', 0, 1n], ['gone', 0, 1n]] });
  h.commit('own', { retentionMs: 5_000, offsets: [['t', 0, 9n]] });
  h.advance(6_000);
  t.deepEqual(h.fetch('own', null).topics, [], 'expired at its own expire timestamp');
  h.advance(60_000);
  const left = h.fetch(G, null).topics.map((x) => x.name);
  t.deepEqual(left, ['t']);
});
