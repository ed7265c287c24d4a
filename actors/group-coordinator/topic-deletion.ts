/**
 * When a topic is deleted, every coordinator drops the groups' committed
 * offsets on it (Kafka's GroupCoordinator.onPartitionsDeleted). Offsets are
 * keyed by topic name, so without this a topic created again under the same
 * name would be consumed from the old topic's positions, silently skipping its
 * first records. Each partition of `__consumer_offsets` is asked, loading
 * those not loaded yet: a partition loaded later would bring the old offsets
 * back from its log.
 */
import type { BrokerCore } from '../broker/broker-core.js';
import { OFFSETS_TOPIC } from './actor-messages.js';
import type { GroupCoordinatorClient } from './coordinator-client.js';

export function dropOffsetsOfDeletedTopics(broker: BrokerCore, client: GroupCoordinatorClient): void {
  broker.controller.onTopicDeleted(async (topic) => {
    // no offsets topic: no group ever committed anything
    const offsets = broker.controller.topic(OFFSETS_TOPIC);
    if (topic.name === OFFSETS_TOPIC || offsets === undefined) return;
    // In a cluster each broker drops them on the partitions it leads (every broker hears of the deletion).
    const partitions = Array.from({ length: client.settings.offsetsTopicPartitions }, (_, p) => p).filter((p) => broker.controller.leadership(offsets, p) === null);
    const outcomes = await Promise.all(partitions.map((p) => client.request(p, { op: 'topicsDeleted', topics: [topic.name] })));
    outcomes.forEach((o, i) => {
      if (!o.ok) broker.log.warn(`dropping the committed offsets of deleted topic ${topic.name} on ${OFFSETS_TOPIC}-${partitions[i]} failed: ${o.message}`);
    });
  });
}
