/** DescribeGroups, ListGroups and DeleteGroups over one shard's groups. */
import { ErrorCode, type GroupId } from '../../protocol/index.js';
import type { GroupShard } from './shard.js';

const NONE = 0;
/** DescribeGroups' authorized_operations when not asked for (Kafka's Integer.MIN_VALUE). */
const NO_AUTHORIZED_OPERATIONS = -2147483648;
const EMPTY = Buffer.alloc(0);
const CLASSIC = 'classic';

export function describeGroups(shard: GroupShard, id: number, groupIds: readonly string[]): void {
  const groups = groupIds.map((groupId) => {
    const g = shard.groups.get(groupId);
    if (g === undefined || g.state === 'Dead') {
      return { errorCode: NONE, groupId: groupId as GroupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: NO_AUTHORIZED_OPERATIONS };
    }
    // metadata and assignments are shown only once the generation is settled, as Kafka does
    const stable = g.state === 'Stable';
    const protocol = g.protocolName ?? '';
    return {
      errorCode: NONE,
      groupId: groupId as GroupId,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? protocol : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(protocol) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
      authorizedOperations: NO_AUTHORIZED_OPERATIONS,
    };
  });
  shard.reply(id, { groups });
}

export function listGroups(shard: GroupShard, id: number, statesFilter: readonly string[], typesFilter: readonly string[]): void {
  const states = new Set(statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(typesFilter.map((s) => s.toLowerCase()));
  const groups = [];
  for (const g of shard.groups.values()) {
    if (g.state === 'Dead') continue;
    if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
    if (types.size > 0 && !types.has(CLASSIC)) continue;
    groups.push({ groupId: g.groupId as GroupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: CLASSIC });
  }
  shard.reply(id, { groups });
}

export function deleteGroups(shard: GroupShard, id: number, groupIds: readonly string[]): void {
  const results = groupIds.map((groupId) => {
    const g = shard.groups.get(groupId);
    let errorCode: number = NONE;
    if (g === undefined || g.state === 'Dead') errorCode = ErrorCode.GROUP_ID_NOT_FOUND;
    else if (g.state !== 'Empty') errorCode = ErrorCode.NON_EMPTY_GROUP;
    else shard.dropGroup(g);
    return { groupId: groupId as GroupId, errorCode };
  });
  shard.reply(id, { results });
}
