/**
 * A record in __consumer_offsets that does not decode (written by a client
 * before such writes were refused, or damaged) is skipped on load, with a
 * warning naming its partition and offset: the coordinator loads, and every
 * other group's offsets are intact. The bad records are written straight into
 * the partition's log with the native PartitionLog, bypassing the broker.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '../../native/index.js';
import type { TopicName } from '../../protocol/index.js';
import { encodeBatch } from '../native/helpers/batch-builder.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';
import { startGroupBroker } from './helpers/group-broker.js';

const GROUPS = ['alpha', 'beta', 'gamma'];

async function commit(c: WireClient, group: string, offset: bigint): Promise<number> {
  const res = await c.request(8, 2, {
    groupId: group as never,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    retentionTimeMs: -1n,
    topics: [{ name: 'orders' as TopicName, partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: '' }] }],
  } as never);
  return res.topics[0]!.partitions[0]!.errorCode;
}

async function fetchCommitted(c: WireClient, group: string): Promise<{ errorCode: number; offset: bigint }> {
  const res = await c.request(9, 3, { groupId: group as never, topics: [{ name: 'orders' as TopicName, partitionIndexes: [0] }] });
  return { errorCode: res.errorCode, offset: res.topics[0]?.partitions[0]?.committedOffset ?? -1n };
}

/** Its directory under the data dir, wherever the broker nests partitions. */
function findDir(root: string, name: string): string {
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    if (e.name === name) return join(root, e.name);
    const found = findDir(join(root, e.name), name);
    if (found !== '') return found;
  }
  return '';
}

test('a __consumer_offsets record that does not decode is skipped on load; the coordinator loads and the other groups keep their offsets', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-bad-record-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // One offsets partition: every group shares the coordinator the bad records sit in.
  const props = { dataDir, 'offsets.topic.num.partitions': 1 };
  const first = await startGroupBroker(props);
  try {
    await createTopic(first.port, 'orders', 1);
    const c = await WireClient.connect(first.port);
    try {
      for (const [i, g] of GROUPS.slice(0, 2).entries()) t.is(await commit(c, g, BigInt(100 + i)), 0);
    } finally {
      c.close();
    }
  } finally {
    await first.stopKeepingData();
  }

  const dir = findDir(dataDir, '__consumer_offsets-0');
  t.not(dir, '', 'the offsets partition is on disk');
  const log = PartitionLog.open(dir);
  try {
    const bad = encodeBatch({
      records: [
        { key: Buffer.from([0, 1, 0x7f, 0xff]), value: Buffer.from([0, 3]) }, // an offset-commit key whose group string runs past the key
        { key: Buffer.from([0, 2, 0, 1, 0x67]), value: Buffer.from([0, 3, 1]) }, // a group key, and a value cut short
        { key: Buffer.from([0, 1]), value: null }, // a key version with no fields
      ],
    });
    log.append(bad, { leaderEpoch: 0 });
  } finally {
    log.close();
  }

  const second = await startGroupBroker(props);
  t.teardown(() => second.stopKeepingData());
  const c = await WireClient.connect(second.port);
  t.teardown(() => c.close());
  t.deepEqual(await fetchCommitted(c, 'alpha'), { errorCode: 0, offset: 100n });
  t.deepEqual(await fetchCommitted(c, 'beta'), { errorCode: 0, offset: 101n });
  // The coordinator takes new commits, and they survive the records before them.
  t.is(await commit(c, 'gamma', 7n), 0);
  t.deepEqual(await fetchCommitted(c, 'gamma'), { errorCode: 0, offset: 7n });
});
