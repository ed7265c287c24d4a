// A deleted topic's committed offsets leave every group of the shard, with a
// tombstone each (Kafka's onPartitionsDeleted); groups left empty without
// offsets go, groups with members stay.
import test from 'ava';
import type { TopicsDeletedReply } from '../../actors/group-coordinator/messages.js';
import { ShardHarness } from './helpers/shard-harness.js';

test('topicsDeleted tombstones the topic offsets of every group, drops groups left empty, keeps the rest', (t) => {
  const h = new ShardHarness();
  h.commit('only-gone', { offsets: [['gone', 0, 5n], ['gone', 1, 6n]] });
  h.commit('mixed', { offsets: [['gone', 0, 1n], ['kept', 0, 2n]] });
  const { members, generation } = h.stableGroup('live', 1);
  h.commit('live', { generationId: generation, memberId: members[0]!, offsets: [['gone', 0, 9n]] });
  const recordsBefore = h.records.length;

  const r = h.reply<TopicsDeletedReply>(h.send({ op: 'topicsDeleted', topics: ['gone'] }))!;
  t.deepEqual(r, { removedOffsets: 4 });
  const emitted = h.records.slice(recordsBefore);
  const tombstones = emitted.filter((x) => x.kind === 'offset' && x.value === null).map((x) => (x.kind === 'offset' ? `${x.group} ${x.topic}-${x.partition}` : '')).sort();
  t.deepEqual(tombstones, ['live gone-0', 'mixed gone-0', 'only-gone gone-0', 'only-gone gone-1']);
  t.deepEqual(emitted.filter((x) => x.kind === 'group' && x.value === null).map((x) => x.group), ['only-gone'], 'the group left empty without offsets is removed');

  t.false(h.shard.groups.has('only-gone'));
  t.deepEqual(h.fetch('mixed', null).topics.map((x) => x.name), ['kept']);
  t.is(h.fetch('live', [{ name: 'gone', partitionIndexes: [0] }]).topics[0]!.partitions[0]!.committedOffset, -1n);
  t.is(h.shard.groups.get('live')!.state, 'Stable', 'a group with members keeps going');
  t.deepEqual(h.reply<TopicsDeletedReply>(h.send({ op: 'topicsDeleted', topics: ['gone'] })), { removedOffsets: 0 }, 'idempotent');
});
