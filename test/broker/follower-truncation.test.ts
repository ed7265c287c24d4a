/**
 * A follower's truncation to where its leader's log diverges also drops
 * leader epochs that begin at the new log end. A replica that became leader
 * in an epoch and wrote nothing in it has that epoch at its log end; kept,
 * it stays the last fetched epoch, the leader answers the same divergence to
 * every fetch, and the follower never fetches again (seen in the fault
 * checker's long form: 290 identical "truncating to" lines, the partition
 * never back in sync).
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfig, logPolicy } from '../../actors/config/index.js';
import { PARTITION_KIND, type FollowerPosition, type PartitionMessage, type ReplicationRole } from '../../actors/partition/messages.js';
import { ActorSystem } from '../../actors/runtime/index.js';
import { encodeRecordBatchSync } from '../../protocol/index.js';
import { crashWatch } from '../torture/harness/crash-watch.js';

test('truncating to the log end drops an epoch begun there, so the next fetch names the epoch the records have', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-truncation-'));
  const system = await ActorSystem.start({ workers: 0, logger: crashWatch().logger, askTimeoutMs: 5_000 });
  system.register(PARTITION_KIND, { module: new URL('../../actors/partition/partition-actor.js', import.meta.url), exportName: 'PartitionActor', placement: 'pool' });
  t.teardown(async () => {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ref = system.ref<PartitionMessage, unknown>(PARTITION_KIND, 'diverged-0');
  const policy = logPolicy(BrokerConfig.from({}), new Map());
  const open = (leaderEpoch: number, role: ReplicationRole['role']) =>
    ref.ask({ t: 'open', dataDir, topic: 'diverged', partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', policy, recoveryPoint: -1n, logStartOffset: -1n, leaderEpoch, replication: { role, brokerId: 1, replicas: [1, 2], isr: [1], partitionEpoch: leaderEpoch } });
  await open(3, 'leader');
  const records = encodeRecordBatchSync({ records: Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000n })), compression: 0 });
  await ref.ask({ t: 'append', records, transactional: false });
  await open(5, 'leader');
  const following = (await open(6, 'follower')) as FollowerPosition;
  t.is(following.logEndOffset, 10n);
  t.is(following.lastFetchedEpoch, 5, 'epoch 5 begins at the log end and holds nothing');
  // The leader's divergence: epoch 3 ends at 10 there; the follower's own end of epoch 3 is 10 too.
  const after = (await ref.ask({ t: 'truncate', offset: 10n })) as FollowerPosition;
  t.is(after.logEndOffset, 10n, 'no record goes');
  t.is(after.lastFetchedEpoch, 3, 'the next fetch names epoch 3, which the leader has to offset 10');
});
