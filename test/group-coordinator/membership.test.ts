import test from 'ava';
import { ErrorCode } from '../../protocol/index.js';
import { ShardHarness, assignment, subscription } from './helpers/shard-harness.js';

const G = 'g';

test('one member: join waits out the initial delay, leads, syncs, heartbeats', (t) => {
  const h = new ShardHarness();
  const j = h.join(G);
  t.is(h.joinReply(j), undefined, 'parked during the initial delay');
  t.is(h.shard.groups.get(G)!.state, 'PreparingRebalance');
  h.advance(99);
  t.is(h.joinReply(j), undefined);
  h.advance(1);
  const r = h.joinReply(j)!;
  t.is(r.errorCode, 0);
  t.is(r.generationId, 1);
  t.is(r.leader, r.memberId);
  t.is(r.protocolName, 'range');
  t.is(r.memberId, 'c-u1');
  t.is(r.members.length, 1);
  t.is(h.shard.groups.get(G)!.state, 'CompletingRebalance');
  t.is(h.heartbeat(G, r.memberId, 1), 0, 'alive while completing');
  const s = h.sync(G, r.memberId, 1, [{ memberId: r.memberId, assignment: assignment('t', [0, 1]) }]);
  t.deepEqual(h.syncReply(s)!.assignment, assignment('t', [0, 1]));
  t.is(h.shard.groups.get(G)!.state, 'Stable');
  t.is(h.heartbeat(G, r.memberId, 1), 0);
  t.is(h.heartbeat(G, r.memberId, 0), ErrorCode.ILLEGAL_GENERATION);
  t.is(h.heartbeat(G, 'nobody', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  t.is(h.heartbeat('other', r.memberId, 1), ErrorCode.UNKNOWN_MEMBER_ID);
  const stored = h.records.filter((x) => x.kind === 'group');
  t.is(stored.length, 1, 'the assignment is stored once, at sync');
  const v = stored[0]!.kind === 'group' ? stored[0]!.value! : null;
  t.is(v!.generation, 1);
  t.deepEqual(v!.members[0]!.assignment, assignment('t', [0, 1]));
});

test('MEMBER_ID_REQUIRED (v4+): a new member gets an id, and the rebalance waits for it', (t) => {
  const h = new ShardHarness();
  const first = h.joinReply(h.join(G, { requireKnownMemberId: true }))!;
  t.is(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  t.is(first.memberId, 'c-u1');
  t.is(h.shard.groups.get(G)!.state, 'Empty', 'a pending member does not start a rebalance');
  const j = h.join(G, { requireKnownMemberId: true, memberId: first.memberId });
  h.advance(100);
  const r = h.joinReply(j)!;
  t.is(r.errorCode, 0);
  t.is(r.memberId, first.memberId);
  t.is(r.generationId, 1);
});

test('followers park in SyncGroup until the leader sends the assignment', (t) => {
  const h = new ShardHarness();
  const ids = [h.join(G), h.join(G), h.join(G)];
  h.advance(100);
  t.is(h.joinReply(ids[0]!), undefined, 'members joined during the initial delay: one more round');
  h.advance(100);
  const joins = ids.map((i) => h.joinReply(i)!);
  const leader = joins[0]!.leader;
  t.is(joins.filter((j) => j.memberId === leader).length, 1);
  for (const j of joins) {
    t.is(j.leader, leader);
    t.is(j.generationId, 1);
    t.is(j.members.length, j.memberId === leader ? 3 : 0, 'only the leader gets the member list');
  }
  const followers = joins.filter((j) => j.memberId !== leader);
  const parked = followers.map((f) => h.sync(G, f.memberId, 1));
  for (const p of parked) t.is(h.syncReply(p), undefined);
  const l = h.sync(
    G,
    leader,
    1,
    joins.map((j, i) => ({ memberId: j.memberId, assignment: assignment('t', [i]) })),
  );
  t.is(h.syncReply(l)!.errorCode, 0);
  parked.forEach((p, k) => {
    const idx = joins.findIndex((j) => j.memberId === followers[k]!.memberId);
    t.deepEqual(h.syncReply(p)!.assignment, assignment('t', [idx]));
  });
});

test('a new member bumps the generation; the others rejoin on REBALANCE_IN_PROGRESS', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 1);
  const j2 = h.join(G);
  t.is(h.shard.groups.get(G)!.state, 'PreparingRebalance');
  t.is(h.heartbeat(G, members[0]!, generation), ErrorCode.REBALANCE_IN_PROGRESS);
  t.is(h.joinReply(j2), undefined, 'waits for the existing member to rejoin');
  const j1 = h.join(G, { memberId: members[0]! });
  const r1 = h.joinReply(j1)!;
  const r2 = h.joinReply(j2)!;
  t.is(r1.generationId, generation + 1);
  t.is(r2.generationId, generation + 1);
  t.is(r1.leader, members[0], 'the leader keeps leading when it rejoins');
  t.is(r1.members.length, 2);
});

test('protocol selection: candidates common to all, most preferred by votes', (t) => {
  const h = new ShardHarness();
  const p = (names: string[]) => names.map((name) => ({ name, metadata: subscription(['t']) }));
  const a = h.join(G, { protocols: p(['range', 'roundrobin']) });
  const b = h.join(G, { protocols: p(['roundrobin', 'sticky', 'range']) });
  const c = h.join(G, { protocols: p(['roundrobin', 'range']) });
  const bad = h.join(G, { protocols: p(['cooperative-sticky']) });
  t.is(h.joinReply(bad)!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const wrongType = h.join(G, { protocolType: 'connect' });
  t.is(h.joinReply(wrongType)!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  h.advance(200);
  for (const id of [a, b, c]) t.is(h.joinReply(id)!.protocolName, 'roundrobin');
});

test('INVALID_SESSION_TIMEOUT outside group.min/max.session.timeout.ms; INVALID_GROUP_ID for an empty id', (t) => {
  const h = new ShardHarness();
  t.is(h.joinReply(h.join(G, { sessionTimeoutMs: 5999 }))!.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  t.is(h.joinReply(h.join(G, { sessionTimeoutMs: 1800001 }))!.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  t.is(h.joinReply(h.join(''))!.errorCode, ErrorCode.INVALID_GROUP_ID);
  t.is(h.joinReply(h.join('nope', { memberId: 'ghost' }))!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('static member rejoining in Stable gets its assignment back without a rebalance; the old id is fenced', (t) => {
  const h = new ShardHarness();
  const ja = h.join(G, { groupInstanceId: 'ia' });
  const jb = h.join(G, { groupInstanceId: 'ib' });
  h.advance(200);
  const a = h.joinReply(ja)!;
  const b = h.joinReply(jb)!;
  t.is(a.memberId, 'ia-u1');
  const leader = a.leader;
  const follower = leader === a.memberId ? b.memberId : a.memberId;
  const fs = h.sync(G, follower, 1, [], follower === a.memberId ? 'ia' : 'ib');
  h.sync(G, leader, 1, [
    { memberId: a.memberId, assignment: assignment('t', [0]) },
    { memberId: b.memberId, assignment: assignment('t', [1]) },
  ], leader === a.memberId ? 'ia' : 'ib');
  t.is(h.syncReply(fs)!.errorCode, 0);
  const recordsBefore = h.records.length;

  // b restarts: unknown member id, same instance id, same metadata
  const rj = h.join(G, { groupInstanceId: 'ib' });
  const r = h.joinReply(rj)!;
  t.is(r.errorCode, 0, 'answered at once');
  t.is(r.generationId, 1, 'no new generation');
  t.not(r.memberId, b.memberId);
  t.is(h.shard.groups.get(G)!.state, 'Stable');
  t.is(h.heartbeat(G, a.memberId, 1, 'ia'), 0, 'the other member notices nothing');
  const rs = h.sync(G, r.memberId, 1, [], 'ib');
  t.deepEqual(h.syncReply(rs)!.assignment, assignment('t', [1]));
  t.is(h.heartbeat(G, b.memberId, 1, 'ib'), ErrorCode.FENCED_INSTANCE_ID);
  t.is(h.records.length, recordsBefore + 1, 'the new member id is stored');
});

test('static member rejoining with other metadata triggers a rebalance', (t) => {
  const h = new ShardHarness();
  const { members } = h.stableGroup(G, 1, { groupInstanceId: 'i' });
  // still supports the group's protocol, but now prefers another
  const rj = h.join(G, { groupInstanceId: 'i', protocols: [{ name: 'roundrobin', metadata: subscription(['t']) }, { name: 'range', metadata: subscription(['t']) }] });
  const r = h.joinReply(rj)!;
  t.is(r.errorCode, 0, 'the only member has rejoined: the rebalance completes at once');
  t.is(h.shard.groups.get(G)!.state, 'CompletingRebalance');
  t.is(r.generationId, 2);
  t.is(r.protocolName, 'roundrobin');
  t.not(r.memberId, members[0]);
});

test('a member whose session expires is evicted and the group rebalances', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 2);
  const [m0, m1] = members as [string, string];
  for (let i = 0; i < 3; i++) {
    h.advance(3000);
    t.is(h.heartbeat(G, m0, generation), 0);
  }
  t.is(h.shard.groups.get(G)!.members.size, 2);
  h.advance(1000);
  t.is(h.shard.groups.get(G)!.members.size, 1, 'm1 sent nothing for its 10s session');
  t.false(h.shard.groups.get(G)!.members.has(m1));
  t.is(h.heartbeat(G, m0, generation), ErrorCode.REBALANCE_IN_PROGRESS);
  const j = h.join(G, { memberId: m0 });
  const r = h.joinReply(j)!;
  t.is(r.generationId, generation + 1);
  t.is(r.members.length, 1);
});

test('rebalance timeout: a member that never rejoins is dropped and the others proceed', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 2, { rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 60_000 });
  const j = h.join(G, { memberId: members[0]!, rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 60_000 });
  h.advance(19_999);
  t.is(h.joinReply(j), undefined);
  h.advance(1);
  const r = h.joinReply(j)!;
  t.is(r.errorCode, 0);
  t.is(r.generationId, generation + 1);
  t.deepEqual(r.members.map((m) => m.memberId), [members[0]]);
  t.is(h.heartbeat(G, members[1]!, generation), ErrorCode.UNKNOWN_MEMBER_ID);
});

test('initial delay: extended while members keep arriving, bounded by the rebalance timeout', (t) => {
  const h = new ShardHarness({ initialRebalanceDelayMs: 1000 });
  const ids = [h.join(G, { rebalanceTimeoutMs: 2500 })];
  h.advance(900);
  ids.push(h.join(G, { rebalanceTimeoutMs: 2500 }));
  h.advance(100);
  t.is(h.joinReply(ids[0]!), undefined, 'a new member arrived: another round');
  h.advance(900);
  ids.push(h.join(G, { rebalanceTimeoutMs: 2500 }));
  h.advance(100);
  t.is(h.joinReply(ids[0]!), undefined, 'and another');
  h.advance(499);
  t.is(h.joinReply(ids[0]!), undefined);
  h.advance(1);
  // 1000 + 1000 + min(1000, 500): the rebalance timeout caps the wait
  for (const id of ids) t.is(h.joinReply(id)!.generationId, 1);
});

test('five concurrent joins (with the member-id round trip) settle into one stable generation', (t) => {
  const h = new ShardHarness();
  const firsts = Array.from({ length: 5 }, (_, i) => h.joinReply(h.join(G, { requireKnownMemberId: true, clientId: `c${i}` }))!);
  for (const f of firsts) t.is(f.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const joins = firsts.map((f, i) => h.join(G, { requireKnownMemberId: true, memberId: f.memberId, clientId: `c${i}` }));
  h.advance(200);
  const replies = joins.map((j) => h.joinReply(j)!);
  t.deepEqual(new Set(replies.map((r) => r.errorCode)), new Set([0]));
  t.deepEqual(new Set(replies.map((r) => r.generationId)), new Set([1]));
  t.is(new Set(replies.map((r) => r.leader)).size, 1);
  const leader = replies[0]!.leader;
  const syncs = replies.filter((r) => r.memberId !== leader).map((r) => h.sync(G, r.memberId, 1));
  h.sync(G, leader, 1, replies.map((r, i) => ({ memberId: r.memberId, assignment: assignment('t', [i]) })));
  for (const s of syncs) t.is(h.syncReply(s)!.errorCode, 0);
  t.is(h.shard.groups.get(G)!.state, 'Stable');
  t.is(h.shard.groups.get(G)!.generationId, 1);
});

test('concurrent joins after the rebalance started are folded into it', (t) => {
  const h = new ShardHarness({ initialRebalanceDelayMs: 0 });
  const { members, generation } = h.stableGroup(G, 2);
  // everyone rejoins at slightly different times while two new members arrive
  const a = h.join(G, { memberId: members[0]! });
  h.advance(10);
  const n1 = h.join(G);
  h.advance(10);
  const b = h.join(G, { memberId: members[1]! });
  t.is(h.joinReply(b)!.generationId, generation + 1, 'every member has rejoined: the generation completes');
  const n2 = h.join(G);
  const replies = [a, n1, b, n2].map((id) => h.joinReply(id));
  t.true(replies.slice(0, 3).every((r) => r !== undefined && r.generationId === generation + 1));
  // n2 arrived in CompletingRebalance: a new rebalance, everyone rejoins once more
  t.is(h.shard.groups.get(G)!.state, 'PreparingRebalance');
  for (const r of replies.slice(0, 3)) h.join(G, { memberId: r!.memberId });
  const last = h.joinReply(n2)!;
  t.is(last.generationId, generation + 2);
  t.is(h.shard.groups.get(G)!.members.size, 4);
});

test('group.max.size: joins beyond it get GROUP_MAX_SIZE_REACHED', (t) => {
  const h = new ShardHarness({ maxGroupSize: 2 });
  const ids = [h.join(G), h.join(G), h.join(G)];
  t.is(h.joinReply(ids[2]!)!.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  h.advance(200);
  t.is(h.joinReply(ids[0]!)!.errorCode, 0);
  t.is(h.joinReply(ids[1]!)!.errorCode, 0);
  t.is(h.joinReply(h.join(G))!.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED, 'also once the group is formed');
});

test('LeaveGroup: batched members, static by instance id, unknown and fenced ids', (t) => {
  const h = new ShardHarness();
  const js = [h.join(G), h.join(G, { groupInstanceId: 's' }), h.join(G)];
  h.advance(200);
  const [a, s, c] = js.map((j) => h.joinReply(j)!.memberId) as [string, string, string];
  const r = h.leave(G, [{ memberId: a }, { memberId: '', groupInstanceId: 's' }, { memberId: 'ghost' }, { memberId: 'other', groupInstanceId: 'x' }]);
  t.is(r.errorCode, 0);
  t.deepEqual(r.members.map((m) => m.errorCode), [0, 0, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID]);
  t.is(h.shard.groups.get(G)!.state, 'PreparingRebalance', 'c has not rejoined');
  t.is(h.leave(G, [{ memberId: c, groupInstanceId: 's' }]).members[0]!.errorCode, 0, 'instance s is gone, nothing to fence');
  void s;
  t.is(h.shard.groups.get(G)!.members.size, 0);
  t.is(h.shard.groups.get(G)!.state, 'Empty', 'nobody left to wait for');
  t.is(h.shard.groups.get(G)!.generationId, 2);
  t.is(h.leave('none', [{ memberId: a }]).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('the last member leaving empties the group at once and stores the empty generation', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 1);
  h.leave(G, [{ memberId: members[0]! }]);
  const g = h.shard.groups.get(G)!;
  t.is(g.state, 'Empty', 'no member left to wait for');
  t.is(g.generationId, generation + 1);
  const last = h.records.at(-1)!;
  t.true(last.kind === 'group' && last.value!.members.length === 0 && last.value!.generation === generation + 1);
});

test('a member that never sends SyncGroup is dropped after the rebalance timeout', (t) => {
  const h = new ShardHarness();
  const ids = [h.join(G), h.join(G)];
  h.advance(200);
  const [a, b] = ids.map((i) => h.joinReply(i)!) as [NonNullable<ReturnType<ShardHarness['joinReply']>>, NonNullable<ReturnType<ShardHarness['joinReply']>>];
  const leader = a.leader;
  const other = leader === a.memberId ? b.memberId : a.memberId;
  h.sync(G, leader, 1, [{ memberId: leader, assignment: assignment('t', [0]) }]);
  t.is(h.shard.groups.get(G)!.state, 'Stable');
  for (let i = 0; i < 10; i++) {
    h.advance(3000);
    h.heartbeat(G, leader, 1);
    h.heartbeat(G, other, 1);
  }
  t.false(h.shard.groups.get(G)!.members.has(other));
  t.is(h.shard.groups.get(G)!.state, 'PreparingRebalance');
});

test('SyncGroup errors: unknown member, wrong generation, rebalance in progress, inconsistent protocol', (t) => {
  const h = new ShardHarness();
  const { members, generation } = h.stableGroup(G, 1);
  t.is(h.syncReply(h.sync(G, 'ghost', generation))!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  t.is(h.syncReply(h.sync(G, members[0]!, generation + 5))!.errorCode, ErrorCode.ILLEGAL_GENERATION);
  const bad = h.send({ op: 'sync', req: { groupId: G, memberId: members[0]!, generationId: generation, groupInstanceId: null, protocolType: 'consumer', protocolName: 'other', assignments: [] } });
  t.is(h.syncReply(bad)!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  h.join(G);
  t.is(h.syncReply(h.sync(G, members[0]!, generation))!.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
});
