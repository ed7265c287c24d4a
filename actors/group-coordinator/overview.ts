/**
 * The operators' view of one shard's groups (the broker's GroupsView): each
 * live group with its members, their assignments decoded, and its committed
 * offsets, as plain data since it crosses threads from a pool coordinator.
 */
import { Reader, decodeConsumerProtocolAssignment } from '../../protocol/index.js';
import type { GroupMemberView, GroupView } from '../broker/groups-view.js';
import type { Group } from './group.js';
import type { GroupShard } from './shard.js';
import { CONSUMER_PROTOCOL_TYPE } from './subscription.js';

/** Newest ConsumerProtocolAssignment version known; later ones only append fields, so it reads their prefix. */
const MAX_ASSIGNMENT_VERSION = 3;

export function overview(shard: GroupShard, id: number): void {
  const groups: GroupView[] = [];
  for (const g of shard.groups.values()) {
    if (g.state !== 'Dead') groups.push(groupView(g));
  }
  shard.reply(id, { groups });
}

function groupView(g: Group): GroupView {
  // as DescribeGroups: an assignment is only meaningful once its generation has settled
  const decode = g.state === 'Stable' && g.protocolType === CONSUMER_PROTOCOL_TYPE;
  const members: GroupMemberView[] = [...g.members.values()].map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    assignment: decode ? assignedPartitions(m.assignment) : [],
  }));
  const offsets = [...g.offsets.values()]
    .map((o) => ({ topic: o.topic, partition: o.partition, committedOffset: o.value.offset, metadata: o.value.metadata, commitTimestampMs: o.value.commitTimestampMs }))
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return { groupId: g.groupId, state: g.state, protocolType: g.protocolType ?? '', protocol: g.protocolName ?? '', generationId: g.generationId, members, offsets };
}

/** A ConsumerProtocolAssignment's partitions; none when the bytes do not parse (the leader's assignor may send anything). */
function assignedPartitions(bytes: Uint8Array): GroupMemberView['assignment'] {
  const r = new Reader(bytes);
  const version = r.int16();
  if (r.failed || version < 0) return [];
  const a = decodeConsumerProtocolAssignment(r, Math.min(version, MAX_ASSIGNMENT_VERSION));
  if (r.failed) return [];
  return a.assignedPartitions.map((tp) => ({ topic: tp.topic, partitions: tp.partitions }));
}
