// A group of 10 members from the first JoinGroup to all Stable, on one shard
// over an in-memory log (no initial delay): join, the rebalance completes when
// the tenth member arrives, the leader's SyncGroup releases every follower's.
import { defineSuite, measure } from '../harness.js';
import { GroupShard } from '../../actors/group-coordinator/shard.js';
import { groupSettings } from '../../actors/group-coordinator/settings.js';
import { encodeRecordsBatch } from '../../actors/group-coordinator/records.js';
import { MemoryOffsetsLog } from '../../actors/group-coordinator/offsets-log.js';
import type { JoinReply, GroupOp, GroupReply } from '../../actors/group-coordinator/messages.js';

const MEMBERS = 10;
const metadata = Buffer.alloc(32, 1);

export default defineSuite('groups/rebalance', async (opts) => {
  const settings = groupSettings({ initialRebalanceDelayMs: 0 });
  let round = 0;
  let now = 1_000_000;
  const log = new MemoryOffsetsLog();

  async function tenToStable(): Promise<void> {
    const shard = new GroupShard(settings);
    shard.load([], now);
    const groupId = `g${round++}`;
    const replies = new Map<number, GroupReply>();
    let id = 0;
    const run = async (op: GroupOp): Promise<number> => {
      const rid = ++id;
      const r = shard.handle(rid, op, now);
      if (r.records.length > 0) await log.append(encodeRecordsBatch(r.records, now));
      for (const c of r.completions) replies.set(c.id, c.reply);
      return rid;
    };
    const joins: number[] = [];
    for (let i = 0; i < MEMBERS; i++) {
      joins.push(
        await run({
          op: 'join',
          req: { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata }], clientId: 'c', clientHost: '', requireKnownMemberId: false, supportsSkipAssignment: false },
        }),
      );
    }
    // the initial delay of 0 still runs on the timer
    now += 1;
    const t = shard.tick(now);
    for (const c of t.completions) replies.set(c.id, c.reply);
    const js = joins.map((j) => replies.get(j) as JoinReply);
    const leader = js[0]!.leader;
    for (const j of js) if (j.memberId !== leader) await run({ op: 'sync', req: { groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] } });
    await run({ op: 'sync', req: { groupId, generationId: 1, memberId: leader, groupInstanceId: null, protocolType: null, protocolName: null, assignments: js.map((j) => ({ memberId: j.memberId, assignment: metadata })) } });
    if (shard.groups.get(groupId)!.state !== 'Stable') throw new Error('group did not stabilise');
  }

  return measure('groups/rebalance', [{ name: '10 members: first join to all Stable', fn: tenToStable, items: MEMBERS }], opts);
});
