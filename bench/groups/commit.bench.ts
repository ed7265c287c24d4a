// Offset commits of one group member on one shard: the shard's checks, the
// OffsetCommit records encoded into a batch, appended to an in-memory log.
// One operation = one OffsetCommit request of 1 and of 16 partitions.
import { defineSuite, measure } from '../harness.js';
import { GroupShard } from '../../actors/group-coordinator/shard.js';
import { groupSettings } from '../../actors/group-coordinator/settings.js';
import { encodeRecordsBatch } from '../../actors/group-coordinator/records.js';
import { MemoryOffsetsLog } from '../../actors/group-coordinator/offsets-log.js';
import type { CommitInput } from '../../actors/group-coordinator/messages.js';

export default defineSuite('groups/commit', async (opts) => {
  const shard = new GroupShard(groupSettings());
  const now = 1_000_000;
  shard.load([], now);
  let log = new MemoryOffsetsLog();
  let offset = 0n;
  let id = 0;
  const commit = async (partitions: number) => {
    offset++;
    const req: CommitInput = {
      groupId: 'bench',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionMs: -1,
      topics: [{ name: 'orders', partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, offset, leaderEpoch: 0, metadata: null, commitTimestampMs: -1 })) }],
    };
    const r = shard.handle(++id, { op: 'commit', req }, now);
    await log.append(encodeRecordsBatch(r.records, now));
    // keep the log's memory bounded across a long run
    if (log.batches.length > 100_000) log = new MemoryOffsetsLog();
  };
  return measure(
    'groups/commit',
    [
      { name: 'OffsetCommit, 1 partition', fn: () => commit(1), items: 1 },
      { name: 'OffsetCommit, 16 partitions', fn: () => commit(16), items: 16 },
    ],
    opts,
  );
});
