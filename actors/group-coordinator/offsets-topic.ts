/**
 * `__consumer_offsets` is created on first use, as Kafka does when the first
 * group request arrives: offsets.topic.num.partitions partitions, compacted
 * (a key's latest record is all a reload needs), segments of Kafka's
 * offsets.topic.segment.bytes.
 */
import type { TopicCatalog } from '../controller/catalog.js';
import { OFFSETS_TOPIC } from './actor-messages.js';

export async function ensureOffsetsTopic(controller: TopicCatalog, partitions: number, segmentBytes: number): Promise<void> {
  const existing = controller.topic(OFFSETS_TOPIC);
  if (existing !== undefined) {
    // a topic made elsewhere with another partition count would send groups to the wrong coordinator
    if (existing.partitions !== partitions) {
      throw new Error(`${OFFSETS_TOPIC} has ${existing.partitions} partitions but offsets.topic.num.partitions is ${partitions}`);
    }
    return;
  }
  const created = await controller.createTopic({
    name: OFFSETS_TOPIC,
    partitions,
    replicationFactor: -1,
    configs: new Map([
      ['cleanup.policy', 'compact'],
      ['segment.bytes', String(segmentBytes)],
    ]),
  });
  if (!created.ok && created.error !== 'TOPIC_ALREADY_EXISTS') throw new Error(`creating ${OFFSETS_TOPIC} failed: ${created.error} ${created.message}`);
}
