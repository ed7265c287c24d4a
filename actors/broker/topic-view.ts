/** How the broker describes brokers and a topic's partitions to clients (Metadata, DescribeCluster). */
import type { BrokerId, Uuid } from '../../protocol/index.js';
import type { BrokerView, TopicCatalog } from '../controller/catalog.js';
import type { TopicRecord } from '../controller/controller.js';
import type { BrokerCore } from './broker-core.js';
import { code } from './errors.js';

/** INT32_MIN: "authorized operations not requested". */
export const OPERATIONS_OMITTED = -2147483648;
/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS: without authorisation every operation is allowed. */
export const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE. */
export const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

/** Each partition's leader, replicas and ISR; one without a leader answers LEADER_NOT_AVAILABLE, as Kafka does. */
export function partitionsOf(topic: TopicRecord, catalog: TopicCatalog) {
  return Array.from({ length: topic.partitions }, (_, i) => {
    const p = catalog.partition(topic, i);
    return {
      errorCode: p.leader < 0 ? code('LEADER_NOT_AVAILABLE') : 0,
      partitionIndex: i,
      leaderId: p.leader as BrokerId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas as BrokerId[],
      isrNodes: p.isr as BrokerId[],
      offlineReplicas: p.offline as BrokerId[],
    };
  });
}

/** The live brokers, this one as it advertises itself. */
export function brokersOf(broker: BrokerCore): readonly BrokerView[] {
  return broker.controller.brokers({ id: broker.brokerId, host: broker.advertised.host, port: broker.advertised.port, rack: broker.config.get('broker.rack') as string | null });
}

export function topicId(topic: TopicRecord): Uuid {
  return topic.id as Uuid;
}
