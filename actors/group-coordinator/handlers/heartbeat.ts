import { defineHandler } from '../../broker/handler.js';
import { coordinatorOf, UNAVAILABLE } from './common.js';

/** v0-4 (v3+ carry the static instance id). */
export const heartbeat = defineHandler({
  apiKey: 12,
  advertised: { min: 0, max: 4 },
  accepts: { min: 0, max: 4 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, errorCode: UNAVAILABLE };
    const out = await client.request(client.partitionFor(req.groupId), {
      op: 'heartbeat',
      req: { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: ctx.header.apiVersion >= 3 ? req.groupInstanceId : null },
    });
    return { throttleTimeMs: 0, errorCode: out.ok ? out.reply.errorCode : out.errorCode };
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});
