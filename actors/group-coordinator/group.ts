/**
 * A classic consumer group's state: Kafka's GroupMetadata. The transitions are
 * driven by the shard (membership.ts); this file keeps the bookkeeping that
 * must stay consistent whatever drives it: members, static ids, the leader,
 * protocol support counts, offsets.
 */
import type { OffsetValue } from './records.js';
import { Member, type JoinProtocol } from './member.js';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './subscription.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Kafka's GroupState valid previous states: a transition from anywhere else is a bug. */
const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface StoredOffset {
  readonly topic: string;
  readonly partition: number;
  readonly value: OffsetValue;
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class Group {
  state: GroupState = 'Empty';
  stateTimestampMs: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id -> member id */
  readonly staticMembers = new Map<string, string>();
  /** member ids handed out with MEMBER_ID_REQUIRED, not yet joined -> when they are forgotten */
  readonly pendingMembers = new Map<string, number>();
  /** members of the completed join that have not sent their SyncGroup yet */
  readonly pendingSyncMembers = new Set<string>();
  readonly offsets = new Map<string, StoredOffset>();
  /** topics the members subscribe to; null when unknown (not a consumer group, or unreadable metadata) */
  subscribed: ReadonlySet<string> | null = null;
  /** the first rebalance of an empty group waits initialDelay at a time while members keep arriving */
  newMemberAdded = false;
  initialDelayActive = false;
  initialDelayRemainingMs = 0;
  /** bumped to invalidate a queued join (rebalance) or sync timer */
  joinTimerEpoch = 0;
  syncTimerEpoch = 0;

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.stateTimestampMs = nowMs;
  }

  transitionTo(next: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[next].includes(this.state)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${next}`);
    this.state = next;
    this.stateTimestampMs = nowMs;
  }

  get size(): number {
    return this.members.size;
  }

  numAwaitingJoin(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.isAwaitingJoin) n++;
    return n;
  }

  hasAllMembersJoined(): boolean {
    return this.pendingMembers.size === 0 && this.numAwaitingJoin() === this.members.size;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** A static instance id already bound to another member id: the caller is a zombie of that instance. */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.pendingMembers.delete(member.memberId);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.leaderId ??= member.memberId;
  }

  remove(memberId: string): Member | undefined {
    const m = this.members.get(memberId);
    if (m === undefined) return undefined;
    this.members.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return m;
  }

  /** Moves a static member to a new member id (its assignment and place are kept). */
  rekey(member: Member, newMemberId: string): void {
    const oldId = member.memberId;
    this.members.delete(oldId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldId)) this.pendingSyncMembers.add(newMemberId);
    if (this.leaderId === oldId) this.leaderId = newMemberId;
  }

  /**
   * If the leader has not rejoined, another member that has becomes leader
   * (Kafka's maybeElectNewJoinedLeader); false when nobody has rejoined.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) for (const p of m.protocols) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    const out = new Set<string>();
    for (const [name, n] of counts) if (n === this.members.size) out.add(name);
    return out;
  }

  /** Kafka's supportsProtocols: an empty group takes any non-empty offer; otherwise the type must match and one protocol be common to all. */
  supportsProtocols(protocolType: string, protocols: readonly JoinProtocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  /**
   * Kafka's selectProtocol: among protocols all members support, each member
   * votes for the first it lists; most votes wins. Ties go to the candidate
   * the leader prefers, so the choice is deterministic.
   */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    if (candidates.size === 0) throw new Error(`group ${this.groupId}: no protocol common to all members`);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      if (v !== undefined) votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    const leader = (this.leaderId !== null ? this.members.get(this.leaderId) : undefined) ?? this.members.values().next().value!;
    const order = leader.protocols.map((p) => p.name).filter((n) => candidates.has(n));
    let best = order[0]!;
    for (const name of order) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  /** Recomputes the subscribed topics after a generation change. */
  computeSubscribed(): void {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) {
      this.subscribed = null;
      return;
    }
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const t = subscribedTopics(m.metadataFor(this.protocolName));
      if (t === null) {
        this.subscribed = null;
        return;
      }
      for (const x of t) topics.add(x);
    }
    this.subscribed = topics;
  }

  isSubscribedTo(topic: string): boolean {
    return this.subscribed?.has(topic) ?? false;
  }
}
