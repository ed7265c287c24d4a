/**
 * The consumer groups as a broker extension: pass
 * `extensions: [groupCoordinatorExtension()]` to startBroker/Broker.start and
 * the group APIs are served (and advertised) in place of the unavailable ones.
 */
import type { BrokerExtension } from '../broker/broker.js';
import { attachGroupCoordinator } from './attach.js';
import { groupHandlers } from './handlers/index.js';
import type { GroupSettings } from './settings.js';

export function groupCoordinatorExtension(overrides: Partial<GroupSettings> = {}): BrokerExtension {
  return {
    attach(broker, system) {
      attachGroupCoordinator(broker, system, overrides);
      return groupHandlers;
    },
  };
}
