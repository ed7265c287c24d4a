/**
 * OffsetCommit, OffsetFetch, OffsetDelete and offset retention. A commit is
 * checked against the group's membership (generation, member id, static
 * instance) unless it comes from outside group management (generation -1 on a
 * group without members); each committed partition becomes one OffsetCommit
 * record.
 */
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { offsetKey, type Group } from './group.js';
import type { CommitInput, DeleteOffsetsInput, FetchOffsetsInput } from './messages.js';
import type { OffsetValue } from './records.js';
import type { GroupShard } from './shard.js';

const NONE = 0;

function commitError(shard: GroupShard, id: number, req: CommitInput, errorCode: number): void {
  shard.reply(id, { topics: req.topics.map((t) => ({ name: t.name as TopicName, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) });
}

export function commitOffsets(shard: GroupShard, id: number, req: CommitInput): void {
  let g = shard.groups.get(req.groupId);
  if (g === undefined) {
    // only commits from outside group management may create a group
    if (req.generationId >= 0) return commitError(shard, id, req, ErrorCode.ILLEGAL_GENERATION);
    const created = shard.getOrCreateGroup(req.groupId);
    if (created === null) return commitError(shard, id, req, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    g = created;
  }
  const code = commitCheck(g, req);
  if (code !== NONE) return commitError(shard, id, req, code);
  const m = g.members.get(req.memberId);
  if (m !== undefined) shard.touchSession(g, m);
  const now = shard.now;
  const topics = req.topics.map((t) => ({
    name: t.name as TopicName,
    partitions: t.partitions.map((p) => {
      const metadata = p.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > shard.settings.offsetMetadataMaxBytes) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
      const commitTimestampMs = p.commitTimestampMs >= 0 ? p.commitTimestampMs : now;
      const value: OffsetValue = {
        offset: p.offset,
        leaderEpoch: p.leaderEpoch,
        metadata,
        commitTimestampMs,
        expireTimestampMs: req.retentionMs >= 0 ? commitTimestampMs + req.retentionMs : null,
      };
      g!.offsets.set(offsetKey(t.name, p.partitionIndex), { topic: t.name, partition: p.partitionIndex, value });
      shard.emit({ kind: 'offset', group: g!.groupId, topic: t.name, partition: p.partitionIndex, value });
      return { partitionIndex: p.partitionIndex, errorCode: NONE };
    }),
  }));
  shard.reply(id, { topics });
}

function commitCheck(g: Group, req: CommitInput): number {
  if (g.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (g.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (req.generationId < 0 && g.state === 'Empty') return NONE;
  if (!g.members.has(req.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (req.generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
  // members of the previous generation may commit while the next one forms; between join and sync nobody may
  if (g.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
  return NONE;
}

export function fetchOffsets(shard: GroupShard, id: number, req: FetchOffsetsInput): void {
  const g = shard.groups.get(req.groupId);
  const found = (topic: string, partition: number) => g?.offsets.get(offsetKey(topic, partition))?.value;
  const part = (partitionIndex: number, v: OffsetValue | undefined) => ({
    partitionIndex,
    committedOffset: v?.offset ?? -1n,
    committedLeaderEpoch: v?.leaderEpoch ?? -1,
    metadata: v?.metadata ?? '',
    errorCode: NONE,
  });
  if (req.topics !== null) {
    const topics = req.topics.map((t) => ({ name: t.name as TopicName, partitions: t.partitionIndexes.map((p) => part(p, found(t.name, p))) }));
    return shard.reply(id, { groupId: req.groupId, errorCode: NONE, topics });
  }
  const byTopic = new Map<string, ReturnType<typeof part>[]>();
  for (const o of g?.offsets.values() ?? []) {
    let list = byTopic.get(o.topic);
    if (list === undefined) byTopic.set(o.topic, (list = []));
    list.push(part(o.partition, o.value));
  }
  const topics = [...byTopic].map(([name, partitions]) => ({ name: name as TopicName, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) }));
  shard.reply(id, { groupId: req.groupId, errorCode: NONE, topics });
}

export function deleteOffsets(shard: GroupShard, id: number, req: DeleteOffsetsInput): void {
  const groupError = (errorCode: number) => shard.reply(id, { errorCode, topics: [] });
  if (req.groupId === '') return groupError(ErrorCode.INVALID_GROUP_ID);
  const g = shard.groups.get(req.groupId);
  if (g === undefined || g.state === 'Dead') return groupError(ErrorCode.GROUP_ID_NOT_FOUND);
  // a group with members may lose offsets only of topics none of them consumes (Kafka: consumer groups only)
  const guarded = g.state !== 'Empty';
  if (guarded && g.protocolType !== 'consumer') return groupError(ErrorCode.NON_EMPTY_GROUP);
  const topics = req.topics.map((t) => ({
    name: t.name as TopicName,
    partitions: t.partitions.map((partitionIndex) => {
      if (guarded && g.isSubscribedTo(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
      if (g.offsets.delete(offsetKey(t.name, partitionIndex))) shard.emit({ kind: 'offset', group: g.groupId, topic: t.name, partition: partitionIndex, value: null });
      return { partitionIndex, errorCode: NONE };
    }),
  }));
  shard.reply(id, { errorCode: NONE, topics });
}

/**
 * Deleted topics: every group's committed offsets on them go, with a
 * tombstone each, so a topic created again under the same name is consumed
 * from its start rather than from the old topic's positions. An empty group
 * left without offsets is removed, as Kafka's cleanupGroupMetadata does.
 */
export function removeDeletedTopicOffsets(shard: GroupShard, id: number, topics: readonly string[]): void {
  const deleted = new Set(topics);
  let removedOffsets = 0;
  for (const g of [...shard.groups.values()]) {
    if (g.state === 'Dead') continue;
    let removedHere = 0;
    for (const [k, o] of g.offsets) {
      if (!deleted.has(o.topic)) continue;
      g.offsets.delete(k);
      shard.emit({ kind: 'offset', group: g.groupId, topic: o.topic, partition: o.partition, value: null });
      removedHere++;
    }
    removedOffsets += removedHere;
    if (removedHere > 0 && g.state === 'Empty' && g.offsets.size === 0 && g.members.size === 0 && g.pendingMembers.size === 0) shard.dropGroup(g);
  }
  shard.reply(id, { removedOffsets });
}

/**
 * offsets.retention.minutes: an empty group's offsets expire that long after
 * the group became empty; a consumer group with members loses only offsets of
 * topics it no longer subscribes to, counted from their commit; a commit with
 * its own retention expires at its expire timestamp. An empty group left
 * without offsets is removed.
 */
export function expireOffsets(shard: GroupShard): void {
  const now = shard.now;
  const retention = shard.settings.offsetsRetentionMs;
  for (const g of [...shard.groups.values()]) {
    if (g.state === 'Dead') continue;
    let base: ((v: OffsetValue) => number) | null;
    let keepSubscribed = false;
    if (g.state === 'Empty') base = () => g.stateTimestampMs;
    else if (g.protocolType === 'consumer' && g.subscribed !== null && g.state === 'Stable') {
      base = (v) => v.commitTimestampMs;
      keepSubscribed = true;
    } else base = null;
    if (base !== null) {
      for (const [k, o] of g.offsets) {
        if (keepSubscribed && g.isSubscribedTo(o.topic)) continue;
        const v = o.value;
        const expired = v.expireTimestampMs !== null ? now >= v.expireTimestampMs : now - base(v) >= retention;
        if (!expired) continue;
        g.offsets.delete(k);
        shard.emit({ kind: 'offset', group: g.groupId, topic: o.topic, partition: o.partition, value: null });
      }
    }
    if (g.state === 'Empty' && g.offsets.size === 0 && g.members.size === 0 && g.pendingMembers.size === 0) shard.dropGroup(g);
  }
}
