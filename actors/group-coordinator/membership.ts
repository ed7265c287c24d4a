/**
 * JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the membership timers of a
 * classic group, following Kafka's GroupCoordinator: a rebalance collects
 * joins (PreparingRebalance) until every member has rejoined or the rebalance
 * timeout passes, then answers them all with the new generation
 * (CompletingRebalance); the leader's SyncGroup carries the assignment, which
 * is stored and handed to every member (Stable).
 */
import { ErrorCode } from '../../protocol/index.js';
import type { Group } from './group.js';
import { Member } from './member.js';
import type { HeartbeatInput, JoinInput, JoinReply, LeaveInput, SyncInput } from './messages.js';
import { NEW_MEMBER_JOIN_TIMEOUT_MS } from './settings.js';
import type { GroupShard } from './shard.js';

const NONE = 0;
const EMPTY = Buffer.alloc(0);

function joinError(memberId: string, errorCode: number): JoinReply {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

function syncError(errorCode: number) {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

/** The join answer for one member of the current generation; the leader gets everyone's metadata. */
function joinResult(g: Group, m: Member, leaderId = g.leaderId ?? '', skipAssignment = false): JoinReply {
  const isLeader = g.isLeader(m.memberId);
  return {
    errorCode: NONE,
    generationId: g.generationId,
    protocolType: g.protocolType,
    protocolName: g.protocolName,
    leader: leaderId,
    skipAssignment,
    memberId: m.memberId,
    members: isLeader
      ? [...g.members.values()].map((x) => ({ memberId: x.memberId, groupInstanceId: x.groupInstanceId, metadata: x.metadataFor(g.protocolName ?? '') }))
      : [],
  };
}

// ---- JoinGroup ----

export function join(shard: GroupShard, id: number, req: JoinInput): void {
  const s = shard.settings;
  if (req.groupId === '') return shard.reply(id, joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
  if (req.sessionTimeoutMs < s.minSessionTimeoutMs || req.sessionTimeoutMs > s.maxSessionTimeoutMs) {
    return shard.reply(id, joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
  }
  const isUnknown = req.memberId === '';
  let g = shard.groups.get(req.groupId);
  if (g === undefined) {
    if (!isUnknown) return shard.reply(id, joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    const created = shard.getOrCreateGroup(req.groupId);
    if (created === null) return shard.reply(id, joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    g = created;
  }
  if (!acceptJoiningMember(shard, g, req.memberId)) {
    const existing = g.members.get(req.memberId);
    if (existing !== undefined) removeMember(shard, g, existing);
    g.pendingMembers.delete(req.memberId);
    shard.reply(id, joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
  } else if (isUnknown) {
    joinNewMember(shard, g, id, req);
  } else {
    joinCurrentMember(shard, g, id, req);
  }
  tryCompleteJoin(shard, g);
}

/** Kafka's acceptJoiningMember: group.max.size counts members awaiting the join under way, or all members otherwise. */
function acceptJoiningMember(shard: GroupShard, g: Group, memberId: string): boolean {
  const max = shard.settings.maxGroupSize;
  switch (g.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance':
      return (g.members.get(memberId)?.isAwaitingJoin ?? false) || g.numAwaitingJoin() < max;
    case 'CompletingRebalance':
    case 'Stable':
      return g.members.has(memberId) || g.size < max;
  }
}

function joinNewMember(shard: GroupShard, g: Group, id: number, req: JoinInput): void {
  if (g.state === 'Dead') return shard.reply(id, joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (!g.supportsProtocols(req.protocolType, req.protocols)) return shard.reply(id, joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  const memberId = shard.newMemberId(req.groupInstanceId ?? req.clientId);
  if (req.groupInstanceId !== null) return joinStaticMember(shard, g, id, req, memberId);
  if (req.requireKnownMemberId) {
    // the client rejoins with this id; until then it holds back the rebalance (hasAllMembersJoined)
    g.pendingMembers.set(memberId, shard.now + req.sessionTimeoutMs);
    shard.timers.arm(shard.now + req.sessionTimeoutMs, { type: 'pending', groupId: g.groupId, memberId });
    return shard.reply(id, joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
  }
  addMemberAndRebalance(shard, g, id, req, memberId);
}

function joinCurrentMember(shard: GroupShard, g: Group, id: number, req: JoinInput): void {
  if (g.state === 'Dead') return shard.reply(id, joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (!g.supportsProtocols(req.protocolType, req.protocols)) return shard.reply(id, joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  if (g.pendingMembers.has(req.memberId)) return addMemberAndRebalance(shard, g, id, req, req.memberId);
  if (g.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return shard.reply(id, joinError(req.memberId, ErrorCode.FENCED_INSTANCE_ID));
  const m = g.members.get(req.memberId);
  if (m === undefined) return shard.reply(id, joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  switch (g.state) {
    case 'PreparingRebalance':
      return updateMemberAndRebalance(shard, g, m, id, req);
    case 'CompletingRebalance':
      // a lost JoinGroup response: the same metadata gets the same answer again
      if (m.matches(req.protocols)) return shard.reply(id, joinResult(g, m));
      return updateMemberAndRebalance(shard, g, m, id, req);
    case 'Stable':
      if (g.isLeader(m.memberId) || !m.matches(req.protocols)) return updateMemberAndRebalance(shard, g, m, id, req);
      shard.touchSession(g, m);
      return shard.reply(id, joinResult(g, m));
    case 'Empty':
      return shard.reply(id, joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
}

function joinStaticMember(shard: GroupShard, g: Group, id: number, req: JoinInput, newMemberId: string): void {
  const oldMemberId = g.staticMembers.get(req.groupInstanceId!);
  const m = oldMemberId === undefined ? undefined : g.members.get(oldMemberId);
  if (m === undefined) return addMemberAndRebalance(shard, g, id, req, newMemberId);
  const previousLeader = g.leaderId ?? '';
  // the old incarnation is fenced: whatever it still waits for is answered now
  if (m.joinWaiter !== null) shard.reply(m.joinWaiter, joinError(m.memberId, ErrorCode.FENCED_INSTANCE_ID));
  if (m.syncWaiter !== null) shard.reply(m.syncWaiter, syncError(ErrorCode.FENCED_INSTANCE_ID));
  m.joinWaiter = null;
  m.syncWaiter = null;
  g.rekey(m, newMemberId);
  m.sessionTimerAtMs = null;
  updateMember(m, req);
  shard.touchSession(g, m);
  switch (g.state) {
    case 'Stable': {
      if (g.selectProtocol() !== g.protocolName) {
        m.joinWaiter = id;
        return prepareRebalance(shard, g);
      }
      // same protocol choice: the instance gets its old assignment back without moving anyone else
      shard.storeGroup(g);
      const isLeader = g.isLeader(newMemberId);
      const r = joinResult(g, m, previousLeader, isLeader && req.supportsSkipAssignment);
      return shard.reply(id, r);
    }
    case 'CompletingRebalance':
      // the leader may be computing an assignment for the old member id: start over
      m.joinWaiter = id;
      return prepareRebalance(shard, g);
    case 'PreparingRebalance':
      m.joinWaiter = id;
      return;
    case 'Empty':
    case 'Dead':
      throw new Error(`group ${g.groupId}: static member ${req.groupInstanceId} known in state ${g.state}`);
  }
}

function updateMember(m: Member, req: JoinInput): void {
  m.protocols = req.protocols;
  m.protocolType = req.protocolType;
  m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  m.sessionTimeoutMs = req.sessionTimeoutMs;
  m.clientId = req.clientId;
  m.clientHost = req.clientHost;
  m.supportsSkipAssignment = req.supportsSkipAssignment;
}

function addMemberAndRebalance(shard: GroupShard, g: Group, id: number, req: JoinInput, memberId: string): void {
  const m = new Member(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols);
  m.isNew = true;
  m.joinWaiter = id;
  m.supportsSkipAssignment = req.supportsSkipAssignment;
  // the initial delay is extended only while the group has never completed a rebalance
  if (g.state === 'PreparingRebalance' && g.generationId === 0) g.newMemberAdded = true;
  g.add(m);
  shard.touchSession(g, m, NEW_MEMBER_JOIN_TIMEOUT_MS);
  maybePrepareRebalance(shard, g);
}

function updateMemberAndRebalance(shard: GroupShard, g: Group, m: Member, id: number, req: JoinInput): void {
  // a second join from the same member replaces the first, which the client has given up on
  if (m.joinWaiter !== null && m.joinWaiter !== id) shard.reply(m.joinWaiter, joinError(m.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
  updateMember(m, req);
  m.joinWaiter = id;
  shard.touchSession(g, m);
  maybePrepareRebalance(shard, g);
}

// ---- rebalance ----

function maybePrepareRebalance(shard: GroupShard, g: Group): void {
  if (g.state === 'Stable' || g.state === 'CompletingRebalance' || g.state === 'Empty') prepareRebalance(shard, g);
}

function rebalanceTimeoutMs(g: Group): number {
  let t = 0;
  for (const m of g.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
  return t;
}

export function prepareRebalance(shard: GroupShard, g: Group): void {
  if (g.state === 'CompletingRebalance') resetAssignments(shard, g, ErrorCode.REBALANCE_IN_PROGRESS);
  g.pendingSyncMembers.clear();
  g.syncTimerEpoch++;
  const epoch = ++g.joinTimerEpoch;
  const timeout = rebalanceTimeoutMs(g);
  if (g.state === 'Empty') {
    const delay = shard.settings.initialRebalanceDelayMs;
    g.initialDelayActive = true;
    g.newMemberAdded = false;
    g.initialDelayRemainingMs = Math.max(timeout - delay, 0);
    shard.timers.arm(shard.now + delay, { type: 'join', groupId: g.groupId, epoch });
  } else {
    g.initialDelayActive = false;
    shard.timers.arm(shard.now + timeout, { type: 'join', groupId: g.groupId, epoch });
  }
  g.transitionTo('PreparingRebalance', shard.now);
  // as Kafka's purgatory does on watch: nobody left to wait for (e.g. the last member left) completes it now
  tryCompleteJoin(shard, g);
}

/** Parked syncs learn the rebalance restarted; assignments of the abandoned generation are dropped. */
function resetAssignments(shard: GroupShard, g: Group, errorCode: number): void {
  for (const m of g.members.values()) {
    m.assignment = EMPTY;
    if (m.syncWaiter !== null) {
      shard.reply(m.syncWaiter, syncError(errorCode));
      m.syncWaiter = null;
    }
  }
}

/** Completes the join early once every member (and every pending new member) has rejoined; not during the initial delay. */
function tryCompleteJoin(shard: GroupShard, g: Group): void {
  if (g.state === 'PreparingRebalance' && !g.initialDelayActive && g.hasAllMembersJoined()) completeJoin(shard, g);
}

export function onJoinTimer(shard: GroupShard, g: Group, epoch: number): void {
  if (g.state !== 'PreparingRebalance' || epoch !== g.joinTimerEpoch) return;
  if (g.initialDelayActive && g.newMemberAdded && g.initialDelayRemainingMs > 0) {
    // members are still arriving: wait another round, within the rebalance timeout
    const delay = Math.min(shard.settings.initialRebalanceDelayMs, g.initialDelayRemainingMs);
    g.initialDelayRemainingMs = Math.max(g.initialDelayRemainingMs - shard.settings.initialRebalanceDelayMs, 0);
    g.newMemberAdded = false;
    shard.timers.arm(shard.now + delay, { type: 'join', groupId: g.groupId, epoch });
    return;
  }
  completeJoin(shard, g);
}

function completeJoin(shard: GroupShard, g: Group): void {
  g.initialDelayActive = false;
  g.joinTimerEpoch++;
  g.maybeElectNewJoinedLeader();
  for (const m of [...g.members.values()]) if (!m.isAwaitingJoin) removeMember(shard, g, m);
  g.generationId++;
  if (g.members.size === 0) {
    g.protocolName = null;
    g.subscribed = null;
    g.transitionTo('Empty', shard.now);
    shard.storeGroup(g);
    return;
  }
  g.protocolName = g.selectProtocol();
  g.computeSubscribed();
  g.transitionTo('CompletingRebalance', shard.now);
  for (const m of g.members.values()) {
    const waiter = m.joinWaiter!;
    m.joinWaiter = null;
    shard.reply(waiter, joinResult(g, m, g.leaderId ?? '', false));
    m.isNew = false;
    g.pendingSyncMembers.add(m.memberId);
    shard.touchSession(g, m);
  }
  const epoch = ++g.syncTimerEpoch;
  shard.timers.arm(shard.now + rebalanceTimeoutMs(g), { type: 'sync', groupId: g.groupId, epoch });
}

/** Members that never sent SyncGroup within the rebalance timeout are dropped and the group rebalances. */
export function onSyncTimer(shard: GroupShard, g: Group, epoch: number): void {
  if (epoch !== g.syncTimerEpoch || g.pendingSyncMembers.size === 0) return;
  if (g.state !== 'CompletingRebalance' && g.state !== 'Stable') return;
  for (const memberId of [...g.pendingSyncMembers]) {
    const m = g.members.get(memberId);
    if (m !== undefined) removeMember(shard, g, m);
  }
  prepareRebalance(shard, g);
}

// ---- SyncGroup ----

export function sync(shard: GroupShard, id: number, req: SyncInput): void {
  if (req.groupId === '') return shard.reply(id, syncError(ErrorCode.INVALID_GROUP_ID));
  const g = shard.groups.get(req.groupId);
  if (g === undefined) return shard.reply(id, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  if (g.state === 'Dead') return shard.reply(id, syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (g.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return shard.reply(id, syncError(ErrorCode.FENCED_INSTANCE_ID));
  const m = g.members.get(req.memberId);
  if (m === undefined) return shard.reply(id, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  if (req.generationId !== g.generationId) return shard.reply(id, syncError(ErrorCode.ILLEGAL_GENERATION));
  if ((req.protocolType !== null && req.protocolType !== g.protocolType) || (req.protocolName !== null && req.protocolName !== g.protocolName)) {
    return shard.reply(id, syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  switch (g.state) {
    case 'Empty':
      return shard.reply(id, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    case 'PreparingRebalance':
      return shard.reply(id, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    case 'CompletingRebalance': {
      if (m.syncWaiter !== null && m.syncWaiter !== id) shard.reply(m.syncWaiter, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      m.syncWaiter = id;
      g.pendingSyncMembers.delete(m.memberId);
      shard.touchSession(g, m);
      if (g.isLeader(m.memberId)) completeSync(shard, g, req.assignments);
      return;
    }
    case 'Stable':
      g.pendingSyncMembers.delete(m.memberId);
      shard.touchSession(g, m);
      return shard.reply(id, { errorCode: NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment });
  }
}

/** The leader's assignment: stored with the group, then every parked SyncGroup gets its part. */
function completeSync(shard: GroupShard, g: Group, assignments: SyncInput['assignments']): void {
  const byMember = new Map<string, Buffer>();
  for (const a of assignments) byMember.set(a.memberId, a.assignment);
  for (const m of g.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
  g.transitionTo('Stable', shard.now);
  shard.storeGroup(g);
  for (const m of g.members.values()) {
    if (m.syncWaiter === null) continue;
    shard.reply(m.syncWaiter, { errorCode: NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment });
    m.syncWaiter = null;
  }
  if (g.pendingSyncMembers.size === 0) g.syncTimerEpoch++;
}

// ---- Heartbeat ----

export function heartbeat(shard: GroupShard, id: number, req: HeartbeatInput): void {
  const answer = (errorCode: number) => shard.reply(id, { errorCode });
  if (req.groupId === '') return answer(ErrorCode.INVALID_GROUP_ID);
  const g = shard.groups.get(req.groupId);
  if (g === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
  if (g.state === 'Dead') return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (g.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return answer(ErrorCode.FENCED_INSTANCE_ID);
  const m = g.members.get(req.memberId);
  if (m === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== g.generationId) return answer(ErrorCode.ILLEGAL_GENERATION);
  switch (g.state) {
    case 'Empty':
      return answer(ErrorCode.UNKNOWN_MEMBER_ID);
    case 'PreparingRebalance':
      shard.touchSession(g, m);
      return answer(ErrorCode.REBALANCE_IN_PROGRESS);
    case 'CompletingRebalance':
    case 'Stable':
      // in CompletingRebalance the member is alive and about to send SyncGroup
      shard.touchSession(g, m);
      return answer(NONE);
  }
}

// ---- LeaveGroup ----

export function leave(shard: GroupShard, id: number, req: LeaveInput): void {
  if (req.groupId === '') return shard.reply(id, { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] });
  const g = shard.groups.get(req.groupId);
  if (g === undefined) return shard.reply(id, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] });
  if (g.state === 'Dead') return shard.reply(id, { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] });
  const members = req.members.map((who) => ({ memberId: who.memberId, groupInstanceId: who.groupInstanceId, errorCode: leaveOne(shard, g, who.memberId, who.groupInstanceId) }));
  shard.reply(id, { errorCode: NONE, members });
}

function leaveOne(shard: GroupShard, g: Group, memberId: string, groupInstanceId: string | null): number {
  if (memberId === '' && groupInstanceId !== null) {
    const staticId = g.staticMembers.get(groupInstanceId);
    const m = staticId === undefined ? undefined : g.members.get(staticId);
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    removeMemberAndUpdateGroup(shard, g, m);
    return NONE;
  }
  if (g.isStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (g.pendingMembers.delete(memberId)) {
    tryCompleteJoin(shard, g);
    return NONE;
  }
  const m = g.members.get(memberId);
  if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  removeMemberAndUpdateGroup(shard, g, m);
  return NONE;
}

// ---- removal and expiry ----

/** Drops a member; whatever it had parked is answered UNKNOWN_MEMBER_ID. */
function removeMember(shard: GroupShard, g: Group, m: Member): void {
  if (m.joinWaiter !== null) shard.reply(m.joinWaiter, joinError(m.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  if (m.syncWaiter !== null) shard.reply(m.syncWaiter, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  m.joinWaiter = null;
  m.syncWaiter = null;
  g.remove(m.memberId);
}

function removeMemberAndUpdateGroup(shard: GroupShard, g: Group, m: Member): void {
  removeMember(shard, g, m);
  switch (g.state) {
    case 'Stable':
    case 'CompletingRebalance':
      return prepareRebalance(shard, g);
    case 'PreparingRebalance':
      return tryCompleteJoin(shard, g);
    case 'Empty':
    case 'Dead':
      return;
  }
}

export function onSessionTimer(shard: GroupShard, g: Group, memberId: string, atMs: number): void {
  const m = g.members.get(memberId);
  if (m === undefined || m.sessionTimerAtMs !== atMs) return;
  m.sessionTimerAtMs = null;
  // heartbeats moved the deadline since this timer was armed
  if (shard.now < m.sessionDeadlineMs) return shard.armSession(g, m, m.sessionDeadlineMs);
  // a member parked in a rebalance is alive by definition (the rebalance timeout bounds it), unless it is new
  if (!m.isNew && (m.isAwaitingJoin || m.isAwaitingSync)) return shard.touchSession(g, m);
  removeMemberAndUpdateGroup(shard, g, m);
}

export function onPendingMemberTimer(shard: GroupShard, g: Group, memberId: string): void {
  const deadline = g.pendingMembers.get(memberId);
  if (deadline === undefined || shard.now < deadline) return;
  g.pendingMembers.delete(memberId);
  tryCompleteJoin(shard, g);
}
