/** Drives a GroupShard as the actor does, with a hand-moved clock and every record and reply kept. */
import { Writer, encodeConsumerProtocolAssignment, encodeConsumerProtocolSubscription, type TopicName } from '../../../protocol/index.js';
import type { CoordinatorRecord } from '../../../actors/group-coordinator/records.js';
import type {
  CommitInput,
  CommitReply,
  FetchOffsetsReply,
  GroupOp,
  GroupReply,
  HeartbeatReply,
  JoinInput,
  JoinReply,
  LeaveReply,
  SyncReply,
} from '../../../actors/group-coordinator/messages.js';
import { GroupShard, type ShardResult } from '../../../actors/group-coordinator/shard.js';
import { groupSettings, type GroupSettings } from '../../../actors/group-coordinator/settings.js';

export function subscription(topics: string[]): Buffer {
  const w = new Writer(256, Infinity);
  w.int16(1);
  encodeConsumerProtocolSubscription(w, { topics, userData: null, ownedPartitions: [] }, 1);
  return Buffer.from(w.toBuffer());
}

export function assignment(topic: string, partitions: number[]): Buffer {
  const w = new Writer(256, Infinity);
  w.int16(1);
  encodeConsumerProtocolAssignment(w, { assignedPartitions: [{ topic: topic as TopicName, partitions }], userData: null }, 1);
  return Buffer.from(w.toBuffer());
}

export class ShardHarness {
  now = 1_000_000;
  readonly records: CoordinatorRecord[] = [];
  readonly replies = new Map<number, GroupReply>();
  shard: GroupShard;
  #nextId = 1;
  #ids = 0;

  constructor(
    overrides: Partial<GroupSettings> = {},
    readonly settings = groupSettings({ initialRebalanceDelayMs: 100, ...overrides }),
  ) {
    this.shard = new GroupShard(this.settings, { uniqueId: () => `u${++this.#ids}` });
    this.shard.load([], this.now);
  }

  #take(r: ShardResult): void {
    this.records.push(...r.records);
    for (const c of r.completions) {
      if (this.replies.has(c.id)) throw new Error(`request ${c.id} answered twice`);
      this.replies.set(c.id, c.reply);
    }
  }

  send(op: GroupOp): number {
    const id = this.#nextId++;
    this.#take(this.shard.handle(id, op, this.now));
    return id;
  }

  /** The reply to request id, or undefined while it is parked. */
  reply<R extends GroupReply>(id: number): R | undefined {
    return this.replies.get(id) as R | undefined;
  }

  advance(ms: number): void {
    const target = this.now + ms;
    // fire timers in order, each at its own time, as the actor's scheduled ticks do
    for (;;) {
      const next = this.shard.nextDeadlineMs();
      if (next === null || next > target) break;
      this.now = Math.max(this.now, next);
      this.#take(this.shard.tick(this.now));
    }
    this.now = target;
  }

  join(groupId: string, over: Partial<JoinInput> = {}): number {
    return this.send({
      op: 'join',
      req: {
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 30_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription(['t']) }],
        clientId: 'c',
        clientHost: '/127.0.0.1',
        requireKnownMemberId: false,
        supportsSkipAssignment: false,
        ...over,
      },
    });
  }

  joinReply(id: number): JoinReply | undefined {
    return this.reply<JoinReply>(id);
  }

  sync(groupId: string, memberId: string, generationId: number, assignments: Array<{ memberId: string; assignment: Buffer }> = [], groupInstanceId: string | null = null): number {
    return this.send({ op: 'sync', req: { groupId, memberId, generationId, groupInstanceId, protocolType: null, protocolName: null, assignments } });
  }

  syncReply(id: number): SyncReply | undefined {
    return this.reply<SyncReply>(id);
  }

  heartbeat(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): number {
    const id = this.send({ op: 'heartbeat', req: { groupId, memberId, generationId, groupInstanceId } });
    return this.reply<HeartbeatReply>(id)!.errorCode;
  }

  leave(groupId: string, members: Array<{ memberId: string; groupInstanceId?: string | null }>): LeaveReply {
    const id = this.send({ op: 'leave', req: { groupId, members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null })) } });
    return this.reply<LeaveReply>(id)!;
  }

  commit(groupId: string, over: Partial<CommitInput> & { offsets?: Array<[string, number, bigint]> } = {}): CommitReply {
    const offsets = over.offsets ?? [['t', 0, 10n]];
    const byTopic = new Map<string, Array<{ partitionIndex: number; offset: bigint; leaderEpoch: number; metadata: string | null; commitTimestampMs: number }>>();
    for (const [topic, partition, offset] of offsets) {
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, (list = []));
      list.push({ partitionIndex: partition, offset, leaderEpoch: 3, metadata: 'm', commitTimestampMs: -1 });
    }
    const id = this.send({
      op: 'commit',
      req: {
        groupId,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        retentionMs: -1,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        ...over,
      },
    });
    return this.reply<CommitReply>(id)!;
  }

  fetch(groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null = null): FetchOffsetsReply {
    const id = this.send({ op: 'fetchOffsets', req: { groupId, topics } });
    return this.reply<FetchOffsetsReply>(id)!;
  }

  /** Joins n dynamic members (without the member-id round trip), syncs them with the leader's assignment; returns their ids and generation. */
  stableGroup(groupId: string, n: number, over: Partial<JoinInput> = {}): { members: string[]; leader: string; generation: number } {
    const ids = Array.from({ length: n }, () => this.join(groupId, over));
    // members after the first extend the initial delay by one more round
    this.advance(this.settings.initialRebalanceDelayMs * (n > 1 ? 2 : 1));
    const joins = ids.map((id) => this.joinReply(id)!);
    for (const j of joins) if (j.errorCode !== 0) throw new Error(`join failed: ${j.errorCode}`);
    const generation = joins[0]!.generationId;
    const leader = joins[0]!.leader;
    const members = joins.map((j) => j.memberId);
    const syncs = members.map((m, i) => (m === leader ? -1 : this.sync(groupId, m, generation)));
    const leaderSync = this.sync(
      groupId,
      leader,
      generation,
      members.map((m, i) => ({ memberId: m, assignment: assignment('t', [i]) })),
    );
    for (const s of [...syncs.filter((x) => x >= 0), leaderSync]) if (this.syncReply(s)?.errorCode !== 0) throw new Error('sync failed');
    return { members, leader, generation };
  }
}
