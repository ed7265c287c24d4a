/** A throwaway broker (which serves consumer groups) tuned for quick group tests. */
import { startTestBroker, type TestBroker } from '../../../testing.js';

export async function startGroupBroker(props: Record<string, unknown> = {}): Promise<TestBroker> {
  return startTestBroker({
    'offsets.topic.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    // the clients in these tests use session timeouts below Kafka's 6s minimum
    'group.min.session.timeout.ms': 1000,
    ...props,
  });
}
