import type { TopicName } from '../../../protocol/index.js';
import type { DeleteRecordsRequest } from '../../partition/messages.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';
import { isInternalTopic } from '../internal-topics.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { partitionProblem } from '../../controller/catalog.js';

/** v0-2: moves each partition's log start offset up (offset -1: to the high watermark); internal topics are refused, as in Kafka. */
export const deleteRecords = defineHandler({
  apiKey: 21,
  advertised: { min: 0, max: 2 },
  accepts: { min: 0, max: 2 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const results = [];
    for (const t of req.topics) {
      const topic = broker.controller.topic(t.name);
      const internal = isInternalTopic(t.name);
      const problems = t.partitions.map((p) => partitionProblem(broker.controller, topic, p.partitionIndex));
      const valid = t.partitions.filter((_, i) => !internal && problems[i] === null);
      const outcomes = await broker.partitions.askMany<{ error?: string; lowWatermark: bigint }>(
        valid.map((p) => ({ topic: t.name, partition: p.partitionIndex, msg: { t: 'deleteRecords', offset: p.offset } satisfies DeleteRecordsRequest })),
      );
      results.push({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const i = valid.indexOf(p);
          if (internal) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: code('INVALID_TOPIC_EXCEPTION') };
          if (i < 0) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: code(problems[t.partitions.indexOf(p)] ?? 'UNKNOWN_TOPIC_OR_PARTITION') };
          const o = outcomes[i]!;
          if (!o.ok) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: outcomeError(o).errorCode };
          return { partitionIndex: p.partitionIndex, lowWatermark: o.value.lowWatermark, errorCode: errorCodeOf(o.value.error) };
        }),
      });
    }
    // Acknowledged means durable: the new log start offsets reach the checkpoint file before the answer.
    const moved = results.flatMap((t) => t.partitions.filter((p) => p.errorCode === 0));
    if (moved.length > 0) {
      try {
        await broker.checkpointLogStartOffsets();
      } catch (err) {
        broker.log.error(`log start offset checkpoint after DeleteRecords failed: ${(err as Error).message}`);
        for (const p of moved) Object.assign(p, { lowWatermark: -1n, errorCode: code('KAFKA_STORAGE_ERROR') });
      }
    }
    return { throttleTimeMs: 0, topics: results };
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name as TopicName, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })) })),
  }),
});
