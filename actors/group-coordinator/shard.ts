/**
 * GroupShard: the state machine of one `__consumer_offsets` partition, the
 * groups that hash to it and their offsets. Pure and deterministic: time comes
 * in as an argument, ids from an injected generator, and nothing here does I/O.
 *
 * Each operation returns a ShardResult (Kafka's CoordinatorResult): the
 * records to append and the replies it releases (its own, and those of
 * requests parked earlier, such as joins waiting for a rebalance). The caller
 * appends the records and only then sends the replies; it runs one operation
 * at a time. State is changed eagerly; if the append fails the caller throws
 * the shard away and loads a new one from the log, which holds exactly what
 * was committed.
 */
import { randomUUID } from 'node:crypto';
import { describeGroups, deleteGroups, listGroups } from './admin.js';
import { Group, offsetKey } from './group.js';
import { Member } from './member.js';
import { heartbeat, join, leave, onJoinTimer, onPendingMemberTimer, onSessionTimer, onSyncTimer, sync } from './membership.js';
import type { GroupOp, GroupReply } from './messages.js';
import { commitOffsets, deleteOffsets, expireOffsets, fetchOffsets, removeDeletedTopicOffsets } from './offset-ops.js';
import { overview } from './overview.js';
import type { CoordinatorRecord, GroupValue, OffsetValue } from './records.js';
import type { GroupSettings } from './settings.js';
import { TimerQueue, type TimerTarget } from './timer-queue.js';

export interface Completion {
  /** the request id given with the operation that is answered */
  readonly id: number;
  readonly reply: GroupReply;
}

export interface ShardResult {
  readonly records: CoordinatorRecord[];
  readonly completions: Completion[];
}

export interface ShardOptions {
  /** a fresh unique suffix for member ids; randomUUID by default */
  readonly uniqueId?: () => string;
}

/** Timers handled per tick before yielding back, so one tick is bounded. */
const MAX_TIMERS_PER_TICK = 10_000;

export class GroupShard {
  readonly groups = new Map<string, Group>();
  readonly timers = new TimerQueue();
  readonly #uniqueId: () => string;
  #records: CoordinatorRecord[] = [];
  #completions: Completion[] = [];
  #now = 0;

  constructor(
    readonly settings: GroupSettings,
    opts: ShardOptions = {},
  ) {
    this.#uniqueId = opts.uniqueId ?? randomUUID;
  }

  /** Clock of the operation under way. */
  get now(): number {
    return this.#now;
  }

  handle(id: number, op: GroupOp, nowMs: number): ShardResult {
    return this.#run(nowMs, () => {
      switch (op.op) {
        case 'join':
          return join(this, id, op.req);
        case 'sync':
          return sync(this, id, op.req);
        case 'heartbeat':
          return heartbeat(this, id, op.req);
        case 'leave':
          return leave(this, id, op.req);
        case 'commit':
          return commitOffsets(this, id, op.req);
        case 'fetchOffsets':
          return fetchOffsets(this, id, op.req);
        case 'deleteOffsets':
          return deleteOffsets(this, id, op.req);
        case 'describe':
          return describeGroups(this, id, op.groups);
        case 'list':
          return listGroups(this, id, op.statesFilter, op.typesFilter);
        case 'deleteGroups':
          return deleteGroups(this, id, op.groups);
        case 'overview':
          return overview(this, id);
        case 'topicsDeleted':
          return removeDeletedTopicOffsets(this, id, op.topics);
      }
    });
  }

  /** Fires every timer due at nowMs (session expiry, rebalance and sync timeouts, offset retention). */
  tick(nowMs: number): ShardResult {
    return this.#run(nowMs, () => {
      for (let i = 0; i < MAX_TIMERS_PER_TICK; i++) {
        const t = this.timers.popDue(nowMs);
        if (t === null) return;
        this.#fire(t);
      }
    });
  }

  nextDeadlineMs(): number | null {
    return this.timers.nextAtMs();
  }

  /** Requests parked in this shard (joins and syncs waiting), for answering them when the shard is dropped. */
  parkedRequestIds(): number[] {
    const ids: number[] = [];
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        if (m.joinWaiter !== null) ids.push(m.joinWaiter);
        if (m.syncWaiter !== null) ids.push(m.syncWaiter);
      }
    }
    return ids;
  }

  /**
   * Rebuilds groups and offsets from the partition's records, in log order:
   * the latest value of a key wins and a tombstone deletes it. Groups with
   * members come back Stable (as Kafka loads them), their members on a fresh
   * session timeout: those that keep heartbeating carry on, the others are
   * evicted and the group rebalances.
   */
  load(records: Iterable<CoordinatorRecord>, nowMs: number): void {
    if (this.groups.size > 0) throw new Error('load into a shard that already holds groups');
    this.#now = nowMs;
    const metadata = new Map<string, GroupValue | null>();
    const offsets = new Map<string, Map<string, { topic: string; partition: number; value: OffsetValue }>>();
    for (const r of records) {
      if (r.kind === 'group') {
        metadata.set(r.group, r.value);
        continue;
      }
      let byGroup = offsets.get(r.group);
      if (byGroup === undefined) offsets.set(r.group, (byGroup = new Map()));
      const k = offsetKey(r.topic, r.partition);
      if (r.value === null) byGroup.delete(k);
      else byGroup.set(k, { topic: r.topic, partition: r.partition, value: r.value });
    }
    for (const [groupId, value] of metadata) {
      if (value !== null) this.groups.set(groupId, this.#groupFromRecord(groupId, value, nowMs));
    }
    for (const [groupId, byGroup] of offsets) {
      if (byGroup.size === 0) continue;
      let g = this.groups.get(groupId);
      if (g === undefined) this.groups.set(groupId, (g = new Group(groupId, nowMs)));
      for (const [k, o] of byGroup) g.offsets.set(k, o);
    }
    this.armOffsetsExpiry();
  }

  #groupFromRecord(groupId: string, v: GroupValue, nowMs: number): Group {
    const g = new Group(groupId, v.currentStateTimestampMs >= 0 ? v.currentStateTimestampMs : nowMs);
    g.generationId = v.generation;
    g.protocolType = v.protocolType === '' && v.members.length === 0 ? null : v.protocolType;
    g.protocolName = v.protocol;
    if (v.members.length === 0 || v.protocol === null) return g;
    for (const rm of v.members) {
      const m = new Member(rm.memberId, rm.groupInstanceId, rm.clientId, rm.clientHost, rm.rebalanceTimeoutMs, rm.sessionTimeoutMs, v.protocolType, [
        { name: v.protocol, metadata: rm.subscription },
      ]);
      m.assignment = rm.assignment;
      g.add(m);
      this.touchSession(g, m);
    }
    if (v.leader !== null && g.members.has(v.leader)) g.leaderId = v.leader;
    g.state = 'Stable';
    g.computeSubscribed();
    return g;
  }

  // ---- used by the operation modules ----

  reply(id: number, reply: GroupReply): void {
    this.#completions.push({ id, reply });
  }

  emit(record: CoordinatorRecord): void {
    this.#records.push(record);
  }

  newMemberId(prefix: string): string {
    return `${prefix}-${this.#uniqueId()}`;
  }

  getOrCreateGroup(groupId: string): Group | null {
    let g = this.groups.get(groupId);
    if (g !== undefined) return g;
    if (this.groups.size >= this.settings.maxGroupsPerShard) return null;
    g = new Group(groupId, this.#now);
    this.groups.set(groupId, g);
    return g;
  }

  /** A heartbeat (or any sign of life): the session deadline moves; one timer per member follows it. */
  touchSession(g: Group, m: Member, timeoutMs = m.sessionTimeoutMs): void {
    m.sessionDeadlineMs = this.#now + timeoutMs;
    // a later deadline is picked up when the queued timer fires; an earlier one needs its own timer
    if (m.sessionTimerAtMs === null || m.sessionDeadlineMs < m.sessionTimerAtMs) this.armSession(g, m, m.sessionDeadlineMs);
  }

  armSession(g: Group, m: Member, atMs: number): void {
    m.sessionTimerAtMs = atMs;
    this.timers.arm(atMs, { type: 'session', groupId: g.groupId, memberId: m.memberId, atMs });
  }

  armOffsetsExpiry(): void {
    this.timers.arm(this.#now + this.settings.offsetsRetentionCheckIntervalMs, { type: 'offsetsExpiry' });
  }

  /** Group metadata as it must survive a restart (Kafka's storeGroup). */
  storeGroup(g: Group): void {
    const protocol = g.protocolName;
    this.emit({
      kind: 'group',
      group: g.groupId,
      value: {
        protocolType: g.protocolType ?? '',
        generation: g.generationId,
        protocol,
        leader: g.leaderId,
        currentStateTimestampMs: g.stateTimestampMs,
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          sessionTimeoutMs: m.sessionTimeoutMs,
          subscription: protocol === null ? Buffer.alloc(0) : m.metadataFor(protocol),
          assignment: m.assignment,
        })),
      },
    });
  }

  /** Removes a group for good: tombstones for its offsets and metadata. */
  dropGroup(g: Group): void {
    for (const o of g.offsets.values()) this.emit({ kind: 'offset', group: g.groupId, topic: o.topic, partition: o.partition, value: null });
    g.offsets.clear();
    this.emit({ kind: 'group', group: g.groupId, value: null });
    g.transitionTo('Dead', this.#now);
    this.groups.delete(g.groupId);
  }

  #fire(t: TimerTarget): void {
    if (t.type === 'offsetsExpiry') {
      expireOffsets(this);
      this.armOffsetsExpiry();
      return;
    }
    const g = this.groups.get(t.groupId);
    if (g === undefined) return;
    switch (t.type) {
      case 'session':
        return onSessionTimer(this, g, t.memberId, t.atMs);
      case 'pending':
        return onPendingMemberTimer(this, g, t.memberId);
      case 'join':
        return onJoinTimer(this, g, t.epoch);
      case 'sync':
        return onSyncTimer(this, g, t.epoch);
    }
  }

  #run(nowMs: number, body: () => void): ShardResult {
    // time never goes backwards inside the shard, whatever the caller's clock does
    this.#now = Math.max(this.#now, nowMs);
    this.#records = [];
    this.#completions = [];
    body();
    const result = { records: this.#records, completions: this.#completions };
    this.#records = [];
    this.#completions = [];
    return result;
  }
}
