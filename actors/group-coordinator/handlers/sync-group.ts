import { defineHandler } from '../../broker/handler.js';
import { coordinatorOf, UNAVAILABLE } from './common.js';

/** v0-5 (v5 checks protocol type and name). A follower's answer waits for the leader's assignment. */
export const syncGroup = defineHandler({
  apiKey: 14,
  advertised: { min: 0, max: 5 },
  accepts: { min: 0, max: 5 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, errorCode: UNAVAILABLE, assignment: Buffer.alloc(0) };
    const v = ctx.header.apiVersion;
    const out = await client.request(
      client.partitionFor(req.groupId),
      {
        op: 'sync',
        req: {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: v >= 3 ? req.groupInstanceId : null,
          protocolType: v >= 5 ? req.protocolType : null,
          protocolName: v >= 5 ? req.protocolName : null,
          assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
        },
      },
      client.settings.maxSessionTimeoutMs,
    );
    if (!out.ok) return { throttleTimeMs: 0, errorCode: out.errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    return { throttleTimeMs: 0, ...out.reply };
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});
