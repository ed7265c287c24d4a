/** Shared by AlterConfigs and IncrementalAlterConfigs: route a change to the topic or the broker. */
import type { IncrementalOp, Outcome } from '../../controller/controller.js';
import type { BrokerCore } from '../broker-core.js';
import { ResourceType } from '../config-view.js';

export function alterResource(
  broker: BrokerCore,
  resourceType: number,
  resourceName: string,
  change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] },
  validateOnly: boolean,
): Promise<Outcome<object>> | Outcome<object> {
  if (resourceType === ResourceType.TOPIC) return broker.controller.alterTopicConfigs(resourceName, change, validateOnly);
  if (resourceType === ResourceType.BROKER) {
    if (resourceName !== '' && resourceName !== String(broker.brokerId)) {
      return { ok: false, error: 'INVALID_REQUEST', message: `Unexpected broker id, expected ${broker.brokerId} or empty string, but received ${resourceName}` };
    }
    return broker.controller.alterBrokerConfigs(change, validateOnly, resourceName);
  }
  return { ok: false, error: 'INVALID_REQUEST', message: `Unsupported resource type ${resourceType}` };
}
