import type { TopicName } from '../../../protocol/index.js';
import type { ListOffsetRequest, ListOffsetResult } from '../../partition/messages.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { partitionProblem } from '../../controller/catalog.js';

/**
 * v0: up to maxNumOffsets offsets, descending (Kafka's legacy answer by
 * segment file age, partition/legacy-offsets.ts).
 * v1-9: earliest (-2), latest (-1), max timestamp (-3, v7+), earliest local
 * (-4, v8+: the same as earliest without tiered storage), latest tiered (-5,
 * v9+: none), or the first offset at or after a timestamp.
 */
export const listOffsets = defineHandler({
  apiKey: 2,
  advertised: { min: 0, max: 9 },
  accepts: { min: 0, max: 9 },
  async handle(ctx, req) {
    const { broker } = ctx;
    type Slot = { topic: string; partition: number; errorCode: number; item: number };
    const slots: Slot[] = [];
    const items: Array<{ topic: string; partition: number; msg: ListOffsetRequest }> = [];
    for (const t of req.topics) {
      const topic = broker.controller.topic(t.name);
      for (const p of t.partitions) {
        const slot: Slot = { topic: t.name, partition: p.partitionIndex, errorCode: 0, item: -1 };
        slots.push(slot);
        const problem = partitionProblem(broker.controller, topic, p.partitionIndex);
        if (problem !== null) slot.errorCode = code(problem);
        else {
          slot.item = items.length;
          const legacy = ctx.header.apiVersion === 0 ? { maxNumOffsets: p.maxNumOffsets } : {};
          items.push({ topic: t.name, partition: p.partitionIndex, msg: { t: 'listOffset', timestamp: p.timestamp, isolationLevel: req.isolationLevel, currentLeaderEpoch: p.currentLeaderEpoch, ...legacy } });
        }
      }
    }
    const outcomes = await broker.partitions.askMany<ListOffsetResult>(items);
    const topics = new Map<string, unknown[]>();
    for (const s of slots) {
      let part = { partitionIndex: s.partition, errorCode: s.errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1, oldStyleOffsets: [] as bigint[] };
      if (s.item >= 0) {
        const o = outcomes[s.item]!;
        if (!o.ok) part.errorCode = outcomeError(o).errorCode;
        else if (ctx.header.apiVersion === 0) part = { ...part, errorCode: errorCodeOf(o.value.error), oldStyleOffsets: o.value.offsets ?? [] };
        else part = { ...part, errorCode: errorCodeOf(o.value.error), timestamp: o.value.timestamp, offset: o.value.offset, leaderEpoch: ctx.header.apiVersion >= 4 ? o.value.leaderEpoch : -1 };
      }
      let list = topics.get(s.topic);
      if (list === undefined) topics.set(s.topic, (list = []));
      list.push(part);
    }
    return { throttleTimeMs: 0, topics: [...topics].map(([name, partitions]) => ({ name: name as TopicName, partitions: partitions as never })) };
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 })) })),
  }),
});
