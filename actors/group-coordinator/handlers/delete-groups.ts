import type { DeleteGroupsResponseDeletableGroupResult, GroupId } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import { byPartition } from './by-partition.js';
import { coordinatorOf, UNAVAILABLE } from './common.js';

/** v0-2: only empty groups are deleted, with their offsets (NON_EMPTY_GROUP otherwise). */
export const deleteGroups = defineHandler({
  apiKey: 42,
  advertised: { min: 0, max: 2 },
  accepts: { min: 0, max: 2 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, results: req.groupsNames.map((groupId) => ({ groupId, errorCode: UNAVAILABLE })) };
    const results: DeleteGroupsResponseDeletableGroupResult[] = new Array(req.groupsNames.length);
    await Promise.all(
      [...byPartition(client, req.groupsNames)].map(async ([partition, items]) => {
        const out = await client.request(partition, { op: 'deleteGroups', groups: items.map((i) => i.groupId) });
        items.forEach((item, k) => {
          results[item.index] = out.ok ? out.reply.results[k]! : { groupId: item.groupId as GroupId, errorCode: out.errorCode };
        });
      }),
    );
    return { throttleTimeMs: 0, results };
  },
  errorResponse: (req, errorCode) => ({ results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }),
});
