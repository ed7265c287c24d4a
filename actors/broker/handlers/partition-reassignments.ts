/**
 * AlterPartitionReassignments (45) and ListPartitionReassignments (46), v0.
 * On a single node every partition's only replica is this broker: a
 * "reassignment" to exactly this broker is done at once, any other target
 * names a broker that does not exist (INVALID_REPLICA_ASSIGNMENT), and
 * nothing is ever moving (NO_REASSIGNMENT_IN_PROGRESS, an empty list). A
 * cluster replaces both with the controller's reassignments
 * (cluster/broker/reassignment-handlers.ts) and shares the shapes below.
 */
import type { AlterPartitionReassignmentsRequestData, TopicName } from '../../../protocol/index.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';

export const REASSIGNMENT_VERSIONS = { min: 0, max: 0 } as const;

export interface ReassignmentItem {
  readonly topic: string;
  readonly partition: number;
  /** null: cancel the partition's move. */
  readonly replicas: readonly number[] | null;
}

export interface ReassignmentAnswer {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export function reassignmentItems(req: AlterPartitionReassignmentsRequestData): ReassignmentItem[] {
  return req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
}

/** The response: answers grouped by topic in the order first named. */
export function reassignmentResponse(answers: readonly ReassignmentAnswer[], errorCode = 0, errorMessage: string | null = null) {
  const byTopic = new Map<string, ReassignmentAnswer[]>();
  for (const a of answers) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a]);
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    responses: [...byTopic].map(([name, list]) => ({ name: name as TopicName, partitions: list.map((a) => ({ partitionIndex: a.partition, errorCode: a.errorCode, errorMessage: a.errorMessage })) })),
  };
}

export const alterPartitionReassignments = defineHandler({
  apiKey: 45,
  advertised: REASSIGNMENT_VERSIONS,
  accepts: REASSIGNMENT_VERSIONS,
  handle(ctx, req) {
    const { broker } = ctx;
    return reassignmentResponse(
      reassignmentItems(req).map((item) => {
        const answer = (name: 'UNKNOWN_TOPIC_OR_PARTITION' | 'NO_REASSIGNMENT_IN_PROGRESS' | 'INVALID_REPLICA_ASSIGNMENT' | null, message: string | null) => ({ topic: item.topic, partition: item.partition, errorCode: name === null ? 0 : code(name), errorMessage: message });
        const partitions = broker.controller.topic(item.topic)?.partitions ?? 0;
        if (item.partition < 0 || item.partition >= partitions) return answer('UNKNOWN_TOPIC_OR_PARTITION', 'The partition does not exist.');
        if (item.replicas === null) return answer('NO_REASSIGNMENT_IN_PROGRESS', `No reassignment of ${item.topic}-${item.partition} is in progress.`);
        if (item.replicas.length !== 1 || item.replicas[0] !== broker.brokerId) return answer('INVALID_REPLICA_ASSIGNMENT', `Replica assignment has brokers that are not alive. Replica list: ${item.replicas.join(',')}, live broker list: ${broker.brokerId}`);
        return answer(null, null);
      }),
    );
  },
  errorResponse: (req, errorCode) => reassignmentResponse(reassignmentItems(req).map((i) => ({ topic: i.topic, partition: i.partition, errorCode, errorMessage: null })), errorCode),
});

export const listPartitionReassignments = defineHandler({
  apiKey: 46,
  advertised: REASSIGNMENT_VERSIONS,
  accepts: REASSIGNMENT_VERSIONS,
  handle() {
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] };
  },
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, errorMessage: null, topics: [] }),
});
