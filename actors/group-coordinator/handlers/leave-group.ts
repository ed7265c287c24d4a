import { defineHandler } from '../../broker/handler.js';
import { coordinatorOf, NONE, UNAVAILABLE } from './common.js';

/** v0-5. v0-2 name one member, whose error is the response's; v3+ a batch of members (static ones by instance id). */
export const leaveGroup = defineHandler({
  apiKey: 13,
  advertised: { min: 0, max: 5 },
  accepts: { min: 0, max: 5 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, errorCode: UNAVAILABLE, members: [] };
    const batched = ctx.header.apiVersion >= 3;
    const members = batched ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }];
    const out = await client.request(client.partitionFor(req.groupId), { op: 'leave', req: { groupId: req.groupId, members } });
    if (!out.ok) return { throttleTimeMs: 0, errorCode: out.errorCode, members: [] };
    if (batched) return { throttleTimeMs: 0, ...out.reply };
    const single = out.reply.members[0]?.errorCode ?? NONE;
    return { throttleTimeMs: 0, errorCode: out.reply.errorCode !== NONE ? out.reply.errorCode : single, members: [] };
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});
