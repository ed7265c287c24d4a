/**
 * The topics a "consumer" group's members subscribe to, read from their
 * ConsumerProtocolSubscription metadata (int16 version + fields). Offset
 * retention and OffsetDelete need them; any other protocol type, or metadata
 * that does not parse, gives null ("unknown"), as Kafka does.
 */
import { Reader, decodeConsumerProtocolSubscription } from '../../protocol/index.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    r.check();
    if (version < 0) return null;
    // newer versions only append fields, so the highest known version reads their prefix
    const data = decodeConsumerProtocolSubscription(r, Math.min(version, 3));
    r.check();
    return data.topics;
  } catch {
    return null;
  }
}
