/**
 * A partition actor restarted after a crash reopens its log where it stood:
 * at the current log start offset, so a DeleteRecords done before the crash
 * is never undone, whatever made the actor crash.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfig, logPolicy } from '../../actors/config/index.js';
import { PARTITION_KIND, type PartitionDescription, type PartitionMessage } from '../../actors/partition/messages.js';
import { ActorSystem, type Logger } from '../../actors/runtime/index.js';
import { encodeRecordBatchSync } from '../../protocol/index.js';
import { crashWatch } from '../torture/harness/crash-watch.js';

const DEADLINE_MS = 5_000;

async function partitionSystem(t: import('ava').ExecutionContext, logger: Logger = crashWatch().logger) {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-restart-'));
  const system = await ActorSystem.start({ workers: 0, logger, askTimeoutMs: 5_000 });
  system.register(PARTITION_KIND, {
    module: new URL('../../actors/partition/partition-actor.js', import.meta.url),
    exportName: 'PartitionActor',
    placement: 'pool',
    restart: { backoffMs: 1, backoffMaxMs: 1 },
  });
  t.teardown(async () => {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const ref = system.ref<PartitionMessage, unknown>(PARTITION_KIND, 'restart-0');
  const policy = logPolicy(BrokerConfig.from({}), new Map());
  await ref.ask({ t: 'open', dataDir, topic: 'restart', partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', policy, recoveryPoint: -1n, logStartOffset: -1n });
  return ref;
}

function batch(n: number): Buffer {
  return encodeRecordBatchSync({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000n })), compression: 0 });
}

test('a crashed partition actor restarts at the current log start offset, not the one it was first opened with', async (t) => {
  const ref = await partitionSystem(t);
  await ref.ask({ t: 'append', records: batch(10), transactional: false });
  await ref.ask({ t: 'append', records: batch(10), transactional: false });
  const deleted = (await ref.ask({ t: 'deleteRecords', offset: 15n })) as { lowWatermark: bigint };
  t.is(deleted.lowWatermark, 15n);
  // A message no broker path sends (records missing) stands in for any bug that throws in the actor.
  await t.throwsAsync(ref.ask({ t: 'append', records: null as never, transactional: false }));
  const until = Date.now() + DEADLINE_MS;
  let d: PartitionDescription | null = null;
  while (Date.now() < until) {
    try {
      d = (await ref.ask({ t: 'describe' })) as PartitionDescription;
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  t.truthy(d, 'the actor did not come back');
  t.is(d!.logStartOffset, 15n);
  t.is(d!.logEndOffset, 20n);
});

test('requests to a closed partition (a topic deletion racing them) are refused without crashing the actor', async (t) => {
  const watch = crashWatch();
  const ref = await partitionSystem(t, watch.logger);
  await ref.ask({ t: 'close', deleteData: true });
  for (const msg of [
    { t: 'listOffset', timestamp: -1n, isolationLevel: 0, currentLeaderEpoch: -1 },
    { t: 'deleteRecords', offset: -1n },
    { t: 'epochEndOffset', leaderEpoch: 0, currentLeaderEpoch: -1 },
    { t: 'describe' },
  ] as const) {
    await t.throwsAsync(ref.ask(msg), { name: 'ActorStoppedError' }, msg.t);
  }
  t.deepEqual(watch.crashes, []);
});
