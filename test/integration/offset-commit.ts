/**
 * OffsetCommit over a bare connection from outside group management
 * (generation -1), as tools commit: immediate, where kafkajs's
 * admin.setOffsets first waits for a consumer of its own to join and leave.
 */
import type { GroupId, TopicName } from '../../protocol/index.js';
import { WireClient } from '../torture/harness/wire.js';

export async function commitOffsets(port: number, group: string, topic: string, offsets: ReadonlyArray<readonly [partition: number, offset: number]>): Promise<void> {
  const c = await WireClient.connect(port);
  try {
    const res = await c.request(8, 2, {
      groupId: group as GroupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1n,
      topics: [{ name: topic as TopicName, partitions: offsets.map(([partitionIndex, o]) => ({ partitionIndex, committedOffset: BigInt(o), committedMetadata: null })) }],
    });
    const codes = res.topics.flatMap((tp) => tp.partitions.map((p) => p.errorCode));
    if (codes.some((code) => code !== 0)) throw new Error(`OffsetCommit errors ${codes.join(',')}`);
  } finally {
    c.close();
  }
}
