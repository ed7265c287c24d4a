/** The few admin calls the suites make, over a bare connection. */
import { ErrorCode, type TopicName } from '../../../protocol/index.js';
import { WireClient } from './wire.js';

export async function createTopic(port: number, name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  const c = await WireClient.connect(port);
  try {
    const res = await c.request(19, 4, {
      topics: [{ name: name as TopicName, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 10_000,
    });
    const code = res.topics[0]!.errorCode;
    if (code !== 0 && code !== ErrorCode.TOPIC_ALREADY_EXISTS) throw new Error(`CreateTopics ${name}: error ${code}`);
  } finally {
    c.close();
  }
}

/** API keys the broker advertises, with their version ranges. */
export async function advertisedApis(port: number): Promise<Map<number, { min: number; max: number }>> {
  const c = await WireClient.connect(port);
  try {
    const res = await c.request(18, 0, {});
    return new Map(res.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  } finally {
    c.close();
  }
}
