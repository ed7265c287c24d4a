import { ErrorCode, type TopicName } from '../../../protocol/index.js';
import { defineHandler } from '../../broker/handler.js';
import type { CommitPartitionInput } from '../messages.js';
import { coordinatorOf, NONE, replicatedCode, UNAVAILABLE } from './common.js';

/**
 * v0-9. v1 carries a timestamp per partition, v2-4 a retention time, v7+ the
 * static instance id. Partitions of unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION here, as Kafka's request layer does; the rest go
 * to the group's coordinator as one commit.
 */
export const offsetCommit = defineHandler({
  apiKey: 8,
  advertised: { min: 0, max: 9 },
  accepts: { min: 0, max: 9 },
  async handle(ctx, req) {
    const client = coordinatorOf(ctx);
    const v = ctx.header.apiVersion;
    const unknown = new Set<string>();
    const topics: Array<{ name: string; partitions: CommitPartitionInput[] }> = [];
    for (const t of req.topics) {
      const topic = ctx.broker.controller.topic(t.name);
      const partitions: CommitPartitionInput[] = [];
      for (const p of t.partitions) {
        if (topic === undefined || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
          unknown.add(`${t.name}\u0000${p.partitionIndex}`);
          continue;
        }
        partitions.push({
          partitionIndex: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
          commitTimestampMs: v === 1 ? Number(p.commitTimestamp) : -1,
        });
      }
      if (partitions.length > 0) topics.push({ name: t.name, partitions });
    }
    const errors = new Map<string, number>();
    for (const k of unknown) errors.set(k, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (topics.length > 0) {
      const out =
        client === null
          ? ({ ok: false, errorCode: UNAVAILABLE } as const)
          : await client.request(client.partitionFor(req.groupId), {
              op: 'commit',
              req: {
                groupId: req.groupId,
                generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
                memberId: v >= 1 ? req.memberId : '',
                groupInstanceId: v >= 7 ? req.groupInstanceId : null,
                retentionMs: v >= 2 && v <= 4 ? Number(req.retentionTimeMs) : -1,
                topics,
              },
            });
      for (const t of topics) {
        for (const p of t.partitions) errors.set(`${t.name}\u0000${p.partitionIndex}`, out.ok ? 0 : out.errorCode);
      }
      // Acknowledged means the offsets partition's ISR has the commit: a new coordinator after a failover loads it.
      const unreplicated = out.ok ? await replicatedCode(ctx, out.replicate) : NONE;
      if (out.ok) for (const t of out.reply.topics) for (const p of t.partitions) errors.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode === NONE ? unreplicated : p.errorCode);
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name as TopicName,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0 })),
      })),
    };
  },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
});
