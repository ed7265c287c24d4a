/**
 * A replica opened with the high watermark of replication-offset-checkpoint
 * starts from it (within its log) instead of its log start: a restarted
 * leader whose followers have not fetched yet serves consumers up to what
 * the ISR had, not nothing; a single node's high watermark stays its log end.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfig, logPolicy } from '../../actors/config/index.js';
import { PARTITION_KIND, type PartitionDescription, type PartitionMessage, type ReplicationRole } from '../../actors/partition/messages.js';
import { ActorSystem } from '../../actors/runtime/index.js';
import { encodeRecordBatchSync } from '../../protocol/index.js';
import { crashWatch } from '../torture/harness/crash-watch.js';

const policy = logPolicy(BrokerConfig.from({}), new Map());
const batch = (n: number) => encodeRecordBatchSync({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000n })), compression: 0 });

/** Opens partition hw-0 of `dataDir` in a fresh actor system (a broker start); returns its description. */
async function openAt(t: import('ava').ExecutionContext, dataDir: string, highWatermark: bigint | undefined, replication: ReplicationRole | undefined, append = 0): Promise<PartitionDescription> {
  const system = await ActorSystem.start({ workers: 0, logger: crashWatch().logger, askTimeoutMs: 5_000 });
  try {
    system.register(PARTITION_KIND, { module: new URL('../../actors/partition/partition-actor.js', import.meta.url), exportName: 'PartitionActor', placement: 'pool' });
    const ref = system.ref<PartitionMessage, unknown>(PARTITION_KIND, 'hw-0');
    await ref.ask({ t: 'open', dataDir, topic: 'hw', partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', policy, recoveryPoint: -1n, logStartOffset: -1n, ...(highWatermark === undefined ? {} : { highWatermark }), ...(replication === undefined ? {} : { leaderEpoch: 1, replication }) });
    if (append > 0) t.falsy(((await ref.ask({ t: 'append', records: batch(append), transactional: false })) as { error?: string }).error);
    return (await ref.ask({ t: 'describe' })) as PartitionDescription;
  } finally {
    await system.stop();
  }
}

test('a replica starts at its checkpointed high watermark, bounded by its log; a single node reports none', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-hw-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const alone: ReplicationRole = { role: 'leader', brokerId: 0, replicas: [0], isr: [0], partitionEpoch: 0 };
  t.is((await openAt(t, dataDir, undefined, alone, 10)).highWatermark, 10n, 'the only ISR member: the log end');
  // Restarted with a follower in the ISR whose log end it does not know yet.
  const withFollower: ReplicationRole = { role: 'leader', brokerId: 0, replicas: [0, 1], isr: [0, 1], partitionEpoch: 1 };
  t.is((await openAt(t, dataDir, undefined, withFollower)).highWatermark, 0n, 'no checkpoint: the log start until the follower fetches');
  t.is((await openAt(t, dataDir, 7n, withFollower)).highWatermark, 7n, 'the checkpointed high watermark');
  t.is((await openAt(t, dataDir, 50n, withFollower)).highWatermark, 10n, 'never past the log end');
  t.is((await openAt(t, dataDir, 7n, undefined)).highWatermark, -1n, 'a single node: its log end, nothing to checkpoint');
});
