import type { EpochEndOffsetRequest } from '../../partition/messages.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { partitionProblem } from '../../controller/catalog.js';

/** v0-4: the end offset of the largest epoch at or below the one asked, from the partition's leader epoch cache. */
export const offsetForLeaderEpoch = defineHandler({
  apiKey: 23,
  advertised: { min: 0, max: 4 },
  accepts: { min: 0, max: 4 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const topics = [];
    for (const t of req.topics) {
      const topic = broker.controller.topic(t.topic);
      const problems = t.partitions.map((p) => partitionProblem(broker.controller, topic, p.partition));
      const valid = t.partitions.filter((_, i) => problems[i] === null);
      const outcomes = await broker.partitions.askMany<{ error?: string; leaderEpoch: number; endOffset: bigint }>(
        valid.map((p) => ({ topic: t.topic, partition: p.partition, msg: { t: 'epochEndOffset', leaderEpoch: p.leaderEpoch, currentLeaderEpoch: p.currentLeaderEpoch } satisfies EpochEndOffsetRequest })),
      );
      topics.push({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const i = valid.indexOf(p);
          if (i < 0) return { partition: p.partition, errorCode: code(problems[t.partitions.indexOf(p)] ?? 'UNKNOWN_TOPIC_OR_PARTITION'), leaderEpoch: -1, endOffset: -1n };
          const o = outcomes[i]!;
          if (!o.ok) return { partition: p.partition, errorCode: outcomeError(o).errorCode, leaderEpoch: -1, endOffset: -1n };
          return { partition: p.partition, errorCode: errorCodeOf(o.value.error), leaderEpoch: o.value.leaderEpoch, endOffset: o.value.endOffset };
        }),
      });
    }
    return { throttleTimeMs: 0, topics };
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode, leaderEpoch: -1, endOffset: -1n })) })),
  }),
});
