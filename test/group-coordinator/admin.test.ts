import test from 'ava';
import { ErrorCode } from '../../protocol/index.js';
import type { DeleteGroupsReply, DescribeReply, ListReply } from '../../actors/group-coordinator/messages.js';
import { ShardHarness, assignment, subscription } from './helpers/shard-harness.js';

test('DescribeGroups: members with metadata and assignment once Stable; Dead for unknown groups', (t) => {
  const h = new ShardHarness();
  const { members } = h.stableGroup('g', 2);
  const d = h.reply<DescribeReply>(h.send({ op: 'describe', groups: ['g', 'nope'] }))!;
  const g = d.groups[0]!;
  t.is(g.groupState, 'Stable');
  t.is(g.protocolType, 'consumer');
  t.is(g.protocolData, 'range');
  t.deepEqual(g.members.map((m) => m.memberId), members);
  t.deepEqual(g.members[0]!.memberMetadata, subscription(['t']));
  t.deepEqual(g.members[1]!.memberAssignment, assignment('t', [1]));
  t.is(d.groups[1]!.groupState, 'Dead');
  t.is(d.groups[1]!.errorCode, 0);
  h.join('g');
  const during = h.reply<DescribeReply>(h.send({ op: 'describe', groups: ['g'] }))!.groups[0]!;
  t.is(during.groupState, 'PreparingRebalance');
  t.is(during.protocolData, '');
  t.is(during.members[0]!.memberAssignment.length, 0);
});

test('ListGroups with and without a state filter (case-insensitive) and a type filter', (t) => {
  const h = new ShardHarness();
  h.stableGroup('stable', 1);
  h.commit('simple');
  h.join('joining');
  const list = (statesFilter: string[], typesFilter: string[] = []) =>
    h.reply<ListReply>(h.send({ op: 'list', statesFilter, typesFilter }))!.groups.map((g) => `${g.groupId}:${g.groupState}`).sort();
  t.deepEqual(list([]), ['joining:PreparingRebalance', 'simple:Empty', 'stable:Stable']);
  t.deepEqual(list(['stable']), ['stable:Stable']);
  t.deepEqual(list(['Empty', 'PreparingRebalance']), ['joining:PreparingRebalance', 'simple:Empty']);
  t.deepEqual(list([], ['consumer']), []);
  t.is(list([], ['Classic']).length, 3);
});

test('DeleteGroups: empty groups go with their offsets; NON_EMPTY_GROUP and GROUP_ID_NOT_FOUND otherwise', (t) => {
  const h = new ShardHarness();
  h.stableGroup('busy', 1);
  h.commit('idle', { offsets: [['t', 0, 1n], ['t', 1, 2n]] });
  const r = h.reply<DeleteGroupsReply>(h.send({ op: 'deleteGroups', groups: ['idle', 'busy', 'nope'] }))!;
  t.deepEqual(r.results.map((x) => x.errorCode), [0, ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND]);
  t.false(h.shard.groups.has('idle'));
  t.deepEqual(h.fetch('idle', null).topics, []);
  const tombstones = h.records.slice(-3);
  t.deepEqual(tombstones.map((x) => [x.kind, x.value]), [['offset', null], ['offset', null], ['group', null]]);
});
