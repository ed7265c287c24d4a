import type { DescribeGroupsResponseDescribedGroup, GroupId } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import { byPartition } from './by-partition.js';
import { coordinatorOf, UNAVAILABLE } from './common.js';

const NO_AUTHORIZED_OPERATIONS = -2147483648;

function failed(groupId: string, errorCode: number): DescribeGroupsResponseDescribedGroup {
  return { errorCode, groupId: groupId as GroupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: NO_AUTHORIZED_OPERATIONS };
}

/** v0-5: one request per coordinator partition, answers in the order asked. */
export const describeGroups = defineHandler({
  apiKey: 15,
  advertised: { min: 0, max: 5 },
  accepts: { min: 0, max: 5 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, groups: req.groups.map((g) => failed(g, UNAVAILABLE)) };
    const groups: DescribeGroupsResponseDescribedGroup[] = new Array(req.groups.length);
    await Promise.all(
      [...byPartition(client, req.groups)].map(async ([partition, items]) => {
        const out = await client.request(partition, { op: 'describe', groups: items.map((i) => i.groupId) });
        items.forEach((item, k) => {
          groups[item.index] = out.ok ? out.reply.groups[k]! : failed(item.groupId, out.errorCode);
        });
      }),
    );
    return { throttleTimeMs: 0, groups };
  },
  errorResponse: (req, errorCode) => ({ groups: req.groups.map((groupId) => ({ groupId, errorCode })) }),
});
