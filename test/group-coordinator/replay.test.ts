import test from 'ava';
import { decodeRecordBatchSync } from '../../protocol/index.js';
import { MemoryOffsetsLog } from '../../actors/group-coordinator/offsets-log.js';
import { decodeRecordsBatch, encodeRecord, encodeRecordsBatch, type CoordinatorRecord } from '../../actors/group-coordinator/records.js';
import { GroupShard } from '../../actors/group-coordinator/shard.js';
import type { DescribeReply } from '../../actors/group-coordinator/messages.js';
import { ShardHarness, assignment } from './helpers/shard-harness.js';

test('record keys and values carry Kafka versions and layout', (t) => {
  const off = encodeRecord({ kind: 'offset', group: 'g', topic: 't', partition: 7, value: { offset: 42n, leaderEpoch: 3, metadata: 'md', commitTimestampMs: 1000, expireTimestampMs: null } });
  // key v1: int16 1, string "g", string "t", int32 7
  t.deepEqual(off.key, Buffer.from([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 7]));
  // value v3: int16 3, int64 offset, int32 leader epoch, string metadata, int64 commit timestamp
  const v = off.value!;
  t.is(v.readInt16BE(0), 3);
  t.is(v.readBigInt64BE(2), 42n);
  t.is(v.readInt32BE(10), 3);
  t.is(v.readInt16BE(14), 2);
  t.is(v.subarray(16, 18).toString(), 'md');
  t.is(v.readBigInt64BE(18), 1000n);
  t.is(v.length, 26);
  const withExpiry = encodeRecord({ kind: 'offset', group: 'g', topic: 't', partition: 7, value: { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: 2 } });
  t.is(withExpiry.value!.readInt16BE(0), 1, 'a commit with its own retention is written as v1');
  const grp = encodeRecord({ kind: 'group', group: 'g', value: { protocolType: 'consumer', generation: 2, protocol: 'range', leader: 'm', currentStateTimestampMs: 5, members: [] } });
  t.deepEqual(grp.key, Buffer.from([0, 2, 0, 1, 0x67]));
  t.is(grp.value!.readInt16BE(0), 3);
  t.is(encodeRecord({ kind: 'group', group: 'g', value: null }).value, null);
});

test('a batch of records round-trips, tombstones included', (t) => {
  const recs: CoordinatorRecord[] = [
    { kind: 'offset', group: 'g', topic: 't', partition: 0, value: { offset: 1n, leaderEpoch: 0, metadata: '', commitTimestampMs: 10, expireTimestampMs: null } },
    { kind: 'offset', group: 'g', topic: 't', partition: 0, value: null },
    { kind: 'group', group: 'g', value: { protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'a', currentStateTimestampMs: 10, members: [
      { memberId: 'a', groupInstanceId: 'i', clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 2, subscription: Buffer.from([1]), assignment: Buffer.from([2]) },
    ] } },
  ];
  const batch = encodeRecordsBatch(recs, 1234);
  const header = decodeRecordBatchSync(batch);
  t.is(header.compression, 0);
  t.is(header.records.length, 3);
  t.is(header.maxTimestamp, 1234n);
  t.deepEqual(decodeRecordsBatch(batch), recs);
});

async function reload(log: MemoryOffsetsLog, h: ShardHarness): Promise<GroupShard> {
  const shard = new GroupShard(h.settings);
  const recs: CoordinatorRecord[] = [];
  for await (const b of log.readAll()) recs.push(...decodeRecordsBatch(b));
  shard.load(recs, h.now);
  return shard;
}

test('replay after a restart restores offsets and groups exactly; tombstones delete', async (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup('g', 2);
  h.commit('g', { generationId: generation, memberId: members[0]!, offsets: [['t', 0, 100n], ['t', 1, 200n]] });
  h.commit('g', { generationId: generation, memberId: members[0]!, offsets: [['t', 0, 150n]] });
  h.commit('gone', { offsets: [['t', 0, 1n]] });
  h.send({ op: 'deleteGroups', groups: ['gone'] });
  h.commit('simple', { offsets: [['u', 3, 7n]] });
  h.stableGroup('left', 1);
  h.leave('left', [{ memberId: h.shard.groups.get('left')!.leaderId! }]);

  const log = new MemoryOffsetsLog();
  for (const r of h.records) await log.append(encodeRecordsBatch([r], h.now));
  const shard = await reload(log, h);

  t.deepEqual([...shard.groups.keys()].sort(), ['g', 'left', 'simple']);
  const g = shard.groups.get('g')!;
  t.is(g.state, 'Stable');
  t.is(g.generationId, generation);
  t.is(g.protocolName, 'range');
  t.is(g.leaderId, members[0]);
  t.deepEqual([...g.members.keys()], members);
  t.deepEqual(g.members.get(members[1]!)!.assignment, assignment('t', [1]));
  t.deepEqual([...g.offsets.values()].map((o) => [o.topic, o.partition, o.value.offset]), [['t', 0, 150n], ['t', 1, 200n]]);
  t.is(shard.groups.get('simple')!.offsets.size, 1);
  const left = shard.groups.get('left')!;
  t.is(left.state, 'Empty');
  t.is(left.generationId, 2, 'the empty generation after the last member left');
  t.is(left.protocolType, 'consumer');
  // described the same as before the restart
  const before = h.reply<DescribeReply>(h.send({ op: 'describe', groups: ['g', 'left'] }))!;
  const after = shard.handle(1, { op: 'describe', groups: ['g', 'left'] }, h.now).completions[0]!.reply as DescribeReply;
  t.deepEqual(after, before);
});

test('after a reload, members that keep heartbeating carry on; silent ones are evicted', async (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup('g', 2);
  const log = new MemoryOffsetsLog();
  for (const r of h.records) await log.append(encodeRecordsBatch([r], h.now));
  const shard = await reload(log, h);
  const hb = (now: number) => shard.handle(9, { op: 'heartbeat', req: { groupId: 'g', memberId: members[0]!, generationId: generation, groupInstanceId: null } }, now).completions[0]!.reply;
  t.deepEqual(hb(h.now + 5000), { errorCode: 0 });
  shard.tick(h.now + 10_000);
  t.is(shard.groups.get('g')!.members.size, 1);
  t.is(shard.groups.get('g')!.state, 'PreparingRebalance');
});
