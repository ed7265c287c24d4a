/** A throwaway broker serving consumer groups, through the broker's extension hook. */
import { startTestBroker, type TestBroker } from '../../../testing.js';
import { groupCoordinatorExtension } from '../../../actors/group-coordinator/extension.js';

export async function startGroupBroker(props: Record<string, unknown> = {}): Promise<TestBroker> {
  return startTestBroker({
    'offsets.topic.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    ...props,
    // the clients in these tests use session timeouts below Kafka's 6s minimum
    extensions: [groupCoordinatorExtension({ minSessionTimeoutMs: 1000 })],
  });
}
