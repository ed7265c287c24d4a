import type { GroupId } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import type { GroupCoordinatorClient } from '../coordinator-client.js';
import type { FetchOffsetsReply } from '../messages.js';
import { coordinatorOf, NONE, UNAVAILABLE } from './common.js';

type Topics = ReadonlyArray<{ name: string; partitionIndexes: readonly number[] }> | null;

async function fetchGroup(client: GroupCoordinatorClient | null, groupId: string, topics: Topics): Promise<FetchOffsetsReply> {
  if (client === null) return { groupId, errorCode: UNAVAILABLE, topics: [] };
  const out = await client.request(client.partitionFor(groupId), { op: 'fetchOffsets', req: { groupId, topics } });
  return out.ok ? out.reply : { groupId, errorCode: out.errorCode, topics: [] };
}

/**
 * v0-9 (v2+ null topics: all of the group's offsets; v8+ several groups).
 * require_stable never waits: without transactions no offset is pending.
 */
export const offsetFetch = defineHandler({
  apiKey: 9,
  advertised: { min: 0, max: 9 },
  accepts: { min: 0, max: 9 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    const v = ctx.header.apiVersion;
    if (v >= 8) {
      const groups = await Promise.all(req.groups.map((g) => fetchGroup(client, g.groupId, g.topics)));
      return { throttleTimeMs: 0, groups: groups.map((g) => ({ ...g, groupId: g.groupId as GroupId })) };
    }
    const r = await fetchGroup(client, req.groupId, req.topics);
    // before v2 there is no top-level error: each partition carries it
    const topics =
      v < 2 && r.errorCode !== NONE
        ? (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: r.errorCode })) }))
        : r.topics;
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics };
  },
  errorResponse: (req, errorCode) => ({
    errorCode,
    topics: (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, errorCode })) })),
    groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })),
  }),
});

