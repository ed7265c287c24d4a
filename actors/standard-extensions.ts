/**
 * The features every broker runs on top of the core request handlers. The
 * broker core cannot import them itself (they build on it), so whoever starts
 * a broker (the CLI, startBroker) composes them here.
 */
import type { BrokerExtension } from './broker/broker.js';
import { groupCoordinatorExtension } from './group-coordinator/extension.js';

export function standardExtensions(): BrokerExtension[] {
  return [groupCoordinatorExtension()];
}
