/** How this single node describes a topic's partitions to clients. */
import type { BrokerId, Uuid } from '../../protocol/index.js';
import type { TopicRecord } from '../controller/controller.js';

/** Leadership never moves on a single node: every partition stays in its first epoch. */
export const LEADER_EPOCH = 0;

/** INT32_MIN: "authorized operations not requested". */
export const OPERATIONS_OMITTED = -2147483648;
/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS: without authorisation every operation is allowed. */
export const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
export const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

export function partitionsOf(topic: TopicRecord, brokerId: number) {
  const replicas = [brokerId as BrokerId];
  return Array.from({ length: topic.partitions }, (_, i) => ({
    errorCode: 0,
    partitionIndex: i,
    leaderId: brokerId as BrokerId,
    leaderEpoch: LEADER_EPOCH,
    replicaNodes: replicas,
    isrNodes: replicas,
    offlineReplicas: [] as BrokerId[],
  }));
}

export function topicId(topic: TopicRecord): Uuid {
  return topic.id as Uuid;
}
