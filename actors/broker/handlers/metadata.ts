import { ZERO_UUID, type BrokerId, type TopicName, type Uuid } from '../../../protocol/index.js';
import type { TopicRecord } from '../../controller/controller.js';
import { code, type ErrorName } from '../errors.js';
import { defineHandler } from '../handler.js';
import { brokersOf, CLUSTER_OPERATIONS, OPERATIONS_OMITTED, partitionsOf, TOPIC_OPERATIONS } from '../topic-view.js';

/** v0-12: topics by name or (v10+) by id; v4+ let the client turn auto-creation off. */
export const metadata = defineHandler({
  apiKey: 3,
  advertised: { min: 0, max: 12 },
  accepts: { min: 0, max: 12 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const allowAutoCreate = version < 4 || req.allowAutoTopicCreation;
    const topicOps = req.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : OPERATIONS_OMITTED;
    const describe = (t: TopicRecord) => {
      const partitions = partitionsOf(t, broker.controller);
      return {
        // A broker that knows a topic before its partitions' states reach it (just started) says so, as Kafka does for a topic being created; a topic of no partitions would make clients forget theirs.
        errorCode: partitions.length === 0 ? code('LEADER_NOT_AVAILABLE') : 0,
        name: t.name as TopicName,
        topicId: t.id as Uuid,
        // Kafka's internal topics start with a double underscore; clients hide them by default.
        isInternal: t.name === '__consumer_offsets',
        partitions,
        topicAuthorizedOperations: topicOps,
      };
    };
    const failed = (name: string | null, id: Uuid, error: ErrorName) => ({
      errorCode: code(error),
      name: name as TopicName | null,
      topicId: id,
      isInternal: false,
      partitions: [],
      topicAuthorizedOperations: topicOps,
    });
    const allTopics = req.topics === null || (version === 0 && req.topics.length === 0);
    const topics = [];
    if (allTopics) {
      for (const t of broker.controller.topics()) topics.push(describe(t));
    } else {
      for (const wanted of req.topics!) {
        if (wanted.name === null || wanted.name === undefined) {
          const t = wanted.topicId !== ZERO_UUID ? broker.controller.topicById(wanted.topicId) : undefined;
          topics.push(t ? describe(t) : failed(null, wanted.topicId, 'UNKNOWN_TOPIC_ID'));
          continue;
        }
        const found = await broker.topicOrAutoCreate(wanted.name, allowAutoCreate);
        if (found === null) topics.push(failed(wanted.name, ZERO_UUID, 'UNKNOWN_TOPIC_OR_PARTITION'));
        else if ('error' in found) topics.push(failed(wanted.name, ZERO_UUID, found.error as ErrorName));
        else topics.push(describe(found));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: brokersOf(broker).map((b) => ({ nodeId: b.id as BrokerId, host: b.host, port: b.port, rack: b.rack })),
      clusterId: broker.controller.clusterId,
      controllerId: broker.controller.controllerId() as BrokerId,
      topics,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations && version <= 10 ? CLUSTER_OPERATIONS : OPERATIONS_OMITTED,
    };
  },
  errorResponse: (req, errorCode) => ({
    topics: (req.topics ?? []).map((t) => ({ errorCode, name: t.name, topicId: t.topicId, partitions: [] })),
  }),
});
