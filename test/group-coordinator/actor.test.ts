import test from 'ava';
import { ErrorCode } from '../../protocol/index.js';
import { ActorSystem, ManualClock, silentLogger } from '../../actors/runtime/index.js';
import { registerGroupCoordinator } from '../../actors/group-coordinator/register.js';
import { coordinatorKey } from '../../actors/group-coordinator/actor-messages.js';
import { groupCoordinatorFactory } from '../../actors/group-coordinator/group-coordinator-actor.js';
import { MemoryOffsetsLog } from '../../actors/group-coordinator/offsets-log.js';
import { decodeRecordsBatch } from '../../actors/group-coordinator/records.js';
import type { JoinInput } from '../../actors/group-coordinator/messages.js';
import { subscription } from './helpers/shard-harness.js';

async function setup(t: { teardown(fn: () => Promise<void> | void): void }) {
  const clock = new ManualClock(0);
  const system = await ActorSystem.start({ workers: 0, clock, logger: silentLogger });
  t.teardown(() => system.stop());
  const logs = new Map<number, MemoryOffsetsLog>();
  const logOf = (p: number) => {
    let l = logs.get(p);
    if (l === undefined) logs.set(p, (l = new MemoryOffsetsLog()));
    return l;
  };
  let ids = 0;
  const client = registerGroupCoordinator(system, {
    settings: { initialRebalanceDelayMs: 100, offsetsTopicPartitions: 4 },
    inlineCoordinator: groupCoordinatorFactory({ openLog: (_ctx, p) => logOf(p), uniqueId: () => `u${++ids}` }),
  });
  /** lets queued messages (ticks, deliveries) run */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  return { clock, system, client, logOf, settle };
}

function joinReq(groupId: string, over: Partial<JoinInput> = {}): JoinInput {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    clientId: 'c',
    clientHost: 'h',
    requireKnownMemberId: false,
    supportsSkipAssignment: false,
    ...over,
  };
}

test('a parked JoinGroup does not block the mailbox; its answer arrives when the rebalance completes', async (t) => {
  const { clock, client, settle } = await setup(t);
  const g = 'group-a';
  const p = client.partitionFor(g);
  let joined = false;
  const join = client.request(p, { op: 'join', req: joinReq(g) }, 30_000).then((r) => {
    joined = true;
    return r;
  });
  await settle();
  t.false(joined);
  // the same partition keeps answering while the join is parked
  const hb = await client.request(p, { op: 'heartbeat', req: { groupId: g, memberId: 'x', generationId: 0, groupInstanceId: null } });
  t.deepEqual(hb, { ok: true, reply: { errorCode: ErrorCode.UNKNOWN_MEMBER_ID } });
  clock.advance(100);
  const r = await join;
  t.true(r.ok);
  if (!r.ok) return;
  t.is(r.reply.generationId, 1);
  t.is(r.reply.memberId, 'c-u1');
  // follower sync parks until the leader syncs; here the leader is the only member
  const s = await client.request(p, { op: 'sync', req: { groupId: g, generationId: 1, memberId: r.reply.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: r.reply.memberId, assignment: Buffer.from([1, 2]) }] } }, 30_000);
  t.true(s.ok && Buffer.from(s.reply.assignment).equals(Buffer.from([1, 2])));
});

test('two members: the follower\'s SyncGroup is answered through the inbox when the leader syncs', async (t) => {
  const { clock, client, settle } = await setup(t);
  const g = 'group-b';
  const p = client.partitionFor(g);
  const j1 = client.request(p, { op: 'join', req: joinReq(g) }, 30_000);
  const j2 = client.request(p, { op: 'join', req: joinReq(g) }, 30_000);
  await settle();
  // the second member extends the initial delay by one round: two ticks
  clock.advance(100);
  await settle();
  clock.advance(100);
  const [r1, r2] = await Promise.all([j1, j2]);
  if (!r1.ok || !r2.ok) return t.fail();
  const leader = r1.reply.leader;
  const follower = r1.reply.memberId === leader ? r2.reply.memberId : r1.reply.memberId;
  const fs = client.request(p, { op: 'sync', req: { groupId: g, generationId: 1, memberId: follower, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] } }, 30_000);
  await settle();
  const ls = await client.request(p, { op: 'sync', req: { groupId: g, generationId: 1, memberId: leader, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: follower, assignment: Buffer.from('F') }, { memberId: leader, assignment: Buffer.from('L') }] } });
  const f = await fs;
  t.true(ls.ok && Buffer.from(ls.reply.assignment).toString() === 'L');
  t.true(f.ok && Buffer.from(f.reply.assignment).toString() === 'F');
});

test('a commit is in the log before it is acknowledged, and survives a reload', async (t) => {
  const { system, client, logOf } = await setup(t);
  const g = 'group-c';
  const p = client.partitionFor(g);
  const c = await client.request(p, { op: 'commit', req: { groupId: g, generationId: -1, memberId: '', groupInstanceId: null, retentionMs: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 42n, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] }] } });
  t.true(c.ok);
  const log = logOf(p);
  t.is(log.batches.length, 1);
  const recs = decodeRecordsBatch(log.batches[0]!);
  t.is(recs[0]!.kind, 'offset');
  // drop the in-memory state and load again from the log
  await system.ref(GROUP_KIND, coordinatorKey(p)).ask({ t: 'unload' });
  client.reset();
  const f = await client.request(p, { op: 'fetchOffsets', req: { groupId: g, topics: null } });
  t.true(f.ok && f.reply.topics[0]!.partitions[0]!.committedOffset === 42n);
});

test('a failed append answers with a retriable error, parked members get NOT_COORDINATOR, and the shard reloads', async (t) => {
  const { clock, client, logOf, settle } = await setup(t);
  const g = 'group-d';
  const p = client.partitionFor(g);
  await client.request(p, { op: 'commit', req: { groupId: g, generationId: -1, memberId: '', groupInstanceId: null, retentionMs: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 1n, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] }] } });
  const parked = client.request(p, { op: 'join', req: joinReq('other-' + g) }, 30_000);
  await settle();
  logOf(p).failNext = 1;
  const c = await client.request(p, { op: 'commit', req: { groupId: g, generationId: -1, memberId: '', groupInstanceId: null, retentionMs: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 2n, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] }] } });
  t.deepEqual(c.ok ? null : c.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  const j = await parked;
  t.deepEqual(j.ok ? null : j.errorCode, ErrorCode.NOT_COORDINATOR);
  clock.advance(1000);
  const f = await client.request(p, { op: 'fetchOffsets', req: { groupId: g, topics: null } });
  t.true(f.ok && f.reply.topics[0]!.partitions[0]!.committedOffset === 1n, 'the failed commit is not visible');
});

test('session expiry runs on the actor\'s scheduled ticks', async (t) => {
  const { clock, client, settle } = await setup(t);
  const g = 'group-e';
  const p = client.partitionFor(g);
  const j = client.request(p, { op: 'join', req: joinReq(g) }, 30_000);
  await settle();
  clock.advance(100);
  const r = await j;
  if (!r.ok) return t.fail();
  await client.request(p, { op: 'sync', req: { groupId: g, generationId: 1, memberId: r.reply.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] } });
  clock.advance(10_000);
  await settle();
  const d = await client.request(p, { op: 'describe', groups: [g] });
  t.true(d.ok && d.reply.groups[0]!.groupState === 'Empty' && d.reply.groups[0]!.members.length === 0);
});

const GROUP_KIND = 'group-coordinator';
