/**
 * Connects the group coordinators to a running broker: registers their kinds
 * on its actor system and remembers the client for the API handlers, which
 * find it through the BrokerCore they are given.
 */
import type { BrokerCore } from '../broker/broker-core.js';
import type { ActorSystem } from '../runtime/index.js';
import type { GroupCoordinatorClient } from './coordinator-client.js';
import { groupSettingsFromConfig } from './broker-settings.js';
import { ensureOffsetsTopic } from './offsets-topic.js';
import { OFFSETS_TOPIC } from './actor-messages.js';
import { registerGroupCoordinator } from './register.js';
import { dropOffsetsOfDeletedTopics } from './topic-deletion.js';
import type { GroupSettings } from './settings.js';

const clients = new WeakMap<BrokerCore, GroupCoordinatorClient>();

export function attachGroupCoordinator(broker: BrokerCore, system: ActorSystem, overrides: Partial<GroupSettings> = {}): GroupCoordinatorClient {
  const settings = groupSettingsFromConfig(broker.config, overrides);
  let topicReady: Promise<void> | null = null;
  const client = registerGroupCoordinator(system, {
    settings,
    prepare: () => {
      topicReady ??= ensureOffsetsTopic(broker.controller, settings.offsetsTopicPartitions, settings.offsetsTopicSegmentBytes).catch((err) => {
        topicReady = null;
        throw err;
      });
      return topicReady;
    },
    leads: (partition) => {
      const topic = broker.controller.topic(OFFSETS_TOPIC);
      return topic !== undefined && broker.controller.leadership(topic, partition) === null;
    },
  });
  clients.set(broker, client);
  dropOffsetsOfDeletedTopics(broker, client);
  return client;
}

export function groupCoordinatorOf(broker: BrokerCore): GroupCoordinatorClient | undefined {
  return clients.get(broker);
}
