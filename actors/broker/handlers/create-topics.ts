import type { TopicName, Uuid } from '../../../protocol/index.js';
import { ZERO_UUID } from '../../../protocol/index.js';
import { describeTopicConfig } from '../../config/index.js';
import { topicSourceCode } from '../config-view.js';
import { code, type ErrorName } from '../errors.js';
import { defineHandler } from '../handler.js';

/** v0-7; v5+ return the created topic's partitions, replication factor and configs; v7 its id. */
export const createTopics = defineHandler({
  apiKey: 19,
  advertised: { min: 0, max: 7 },
  accepts: { min: 0, max: 7 },
  async handle(ctx, req) {
    const { broker } = ctx;
    // ZooKeeper mode: only the controller creates topics through this API (clients find it in Metadata).
    if (!broker.controller.isController()) {
      return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, errorCode: code('NOT_CONTROLLER'), errorMessage: 'This is not the correct controller for this cluster.', numPartitions: -1, replicationFactor: -1, configs: null, topicConfigErrorCode: 0 })) };
    }
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics = [];
    for (const t of req.topics) {
      const base = { name: t.name, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: null, topicConfigErrorCode: 0 };
      if (seen.get(t.name)! > 1) {
        topics.push({ ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Create topics request from client contains multiple entries for the topic ${t.name}.` });
        continue;
      }
      const result = await broker.controller.createTopic({
        name: t.name,
        partitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partition: a.partitionIndex, brokers: a.brokerIds })),
        configs: new Map(t.configs.map((c) => [c.name, c.value])),
        validateOnly: req.validateOnly,
      });
      if (!result.ok) {
        topics.push({ ...base, errorCode: code(result.error as ErrorName), errorMessage: result.message });
        continue;
      }
      const record = result.topic;
      const configs = describeTopicConfig(broker.config, new Map(Object.entries(record.configs))).map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: false,
        configSource: topicSourceCode(e),
        isSensitive: false,
      }));
      topics.push({
        name: t.name,
        topicId: (req.validateOnly ? ZERO_UUID : record.id) as Uuid,
        errorCode: 0,
        errorMessage: null,
        numPartitions: record.partitions,
        replicationFactor: 1,
        configs: ctx.header.apiVersion >= 5 ? configs : null,
        topicConfigErrorCode: 0,
      });
    }
    return { throttleTimeMs: 0, topics };
  },
  errorResponse: (req, errorCode, message) => ({
    topics: req.topics.map((t) => ({ name: t.name as TopicName, errorCode, errorMessage: message })),
  }),
});
