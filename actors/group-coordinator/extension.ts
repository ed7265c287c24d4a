/**
 * The consumer groups as a broker extension: pass
 * `extensions: [groupCoordinatorExtension()]` to startBroker/Broker.start and
 * the group APIs are served (and advertised) in place of the unavailable ones,
 * and the broker's groupsView shows the groups it coordinates.
 */
import type { BrokerExtension } from '../broker/broker.js';
import { attachGroupCoordinator } from './attach.js';
import { CoordinatorGroupsView } from './groups-view.js';
import { groupHandlers } from './handlers/index.js';
import type { GroupSettings } from './settings.js';

export function groupCoordinatorExtension(overrides: Partial<GroupSettings> = {}): BrokerExtension {
  return {
    attach(broker, system) {
      const client = attachGroupCoordinator(broker, system, overrides);
      broker.groupsView = new CoordinatorGroupsView(broker.controller, client);
      return groupHandlers;
    },
  };
}
