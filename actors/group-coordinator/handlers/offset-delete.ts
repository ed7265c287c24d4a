import { defineHandler } from '../../broker/handler.js';
import { coordinatorOf, UNAVAILABLE } from './common.js';

/** v0. A group with members keeps the offsets of topics it consumes (GROUP_SUBSCRIBED_TO_TOPIC). */
export const offsetDelete = defineHandler({
  apiKey: 47,
  advertised: { min: 0, max: 0 },
  accepts: { min: 0, max: 0 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, errorCode: UNAVAILABLE, topics: [] };
    const out = await client.request(client.partitionFor(req.groupId), {
      op: 'deleteOffsets',
      req: { groupId: req.groupId, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })) },
    });
    if (!out.ok) return { throttleTimeMs: 0, errorCode: out.errorCode, topics: [] };
    return { throttleTimeMs: 0, ...out.reply };
  },
  errorResponse: (_req, errorCode) => ({ errorCode, topics: [] }),
});
