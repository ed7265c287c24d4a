import { defineHandler } from '../../broker/handler.js';
import { coordinatorOf, UNAVAILABLE } from './common.js';

/**
 * v0-9. v0 has no rebalance timeout (the session timeout serves); v4+ new
 * members first get MEMBER_ID_REQUIRED; v5+ static membership; v9 tells a
 * rejoining static leader to skip the assignment. The answer may wait for the
 * whole rebalance.
 */
export const joinGroup = defineHandler({
  apiKey: 11,
  advertised: { min: 0, max: 9 },
  accepts: { min: 0, max: 9 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    const v = ctx.header.apiVersion;
    if (client === null) return { throttleTimeMs: 0, errorCode: UNAVAILABLE, generationId: -1, memberId: req.memberId, leader: '', members: [] };
    const rebalanceTimeoutMs = v === 0 || req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
    const out = await client.request(
      client.partitionFor(req.groupId),
      {
        op: 'join',
        req: {
          groupId: req.groupId,
          sessionTimeoutMs: req.sessionTimeoutMs,
          rebalanceTimeoutMs,
          memberId: req.memberId,
          groupInstanceId: v >= 5 ? req.groupInstanceId : null,
          protocolType: req.protocolType,
          protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
          clientId: ctx.header.clientId ?? '',
          clientHost: ctx.clientHost,
          requireKnownMemberId: v >= 4,
          supportsSkipAssignment: v >= 9,
        },
      },
      rebalanceTimeoutMs + client.settings.initialRebalanceDelayMs,
    );
    if (!out.ok) return { throttleTimeMs: 0, errorCode: out.errorCode, generationId: -1, memberId: req.memberId, leader: '', members: [] };
    // the protocol name is nullable only from v7; before, an error carries ""
    return { throttleTimeMs: 0, ...out.reply, protocolName: v < 7 ? (out.reply.protocolName ?? '') : out.reply.protocolName };
  },
  errorResponse: (req, errorCode) => ({ errorCode, generationId: -1, memberId: req.memberId }),
});

