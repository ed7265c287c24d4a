import type { ListGroupsResponseListedGroup } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import { OFFSETS_TOPIC } from '../actor-messages.js';
import { coordinatorOf, NONE, UNAVAILABLE } from './common.js';

/**
 * v0-5 (v4+ state filter, v5+ type filter). Every coordinator partition is
 * asked, so groups stored in a partition not loaded yet are listed too; with
 * no `__consumer_offsets` topic there are no groups (and none is created).
 */
export const listGroups = defineHandler({
  apiKey: 16,
  advertised: { min: 0, max: 5 },
  accepts: { min: 0, max: 5 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    if (client === null) return { throttleTimeMs: 0, errorCode: UNAVAILABLE, groups: [] };
    if (ctx.broker.controller.topic(OFFSETS_TOPIC) === undefined) return { throttleTimeMs: 0, errorCode: NONE, groups: [] };
    const v = ctx.header.apiVersion;
    const statesFilter = v >= 4 ? req.statesFilter : [];
    const typesFilter = v >= 5 ? req.typesFilter : [];
    const partitions = Array.from({ length: client.settings.offsetsTopicPartitions }, (_, p) => p);
    const outs = await Promise.all(partitions.map((p) => client.request(p, { op: 'list', statesFilter, typesFilter })));
    const groups: ListGroupsResponseListedGroup[] = [];
    let errorCode = NONE;
    for (const o of outs) {
      if (o.ok) groups.push(...o.reply.groups);
      else errorCode = o.errorCode;
    }
    return { throttleTimeMs: 0, errorCode, groups };
  },
  errorResponse: (_req, errorCode) => ({ errorCode, groups: [] }),
});
