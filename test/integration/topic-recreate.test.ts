/**
 * Deleting a topic deletes everything of it: a topic created again under the
 * same name starts at offset 0 (its old checkpoint entries are gone, even
 * across restarts) and its consumer groups start from scratch (their committed
 * offsets on the old topic are tombstoned).
 */
import test from 'ava';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EachMessagePayload } from 'kafkajs';
import { startGroupBroker } from '../group-coordinator/helpers/group-broker.js';
import type { TestBroker } from '../../testing.js';
import { kafkaFor, kafkajsReadPartition } from './helpers.js';
import { commitOffsets } from './offset-commit.js';
import { checkpointPaths, readOffsetCheckpoint, writeOffsetCheckpoint } from '../../native/index.js';

function tempDataDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-recreate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Restartable broker on one directory; the test's teardown stops whichever is running. */
function brokerOn(t: { teardown(fn: () => Promise<void>): void }, dataDir: string) {
  let current: TestBroker | null = null;
  t.teardown(async () => {
    await current?.stopKeepingData();
  });
  return {
    get bootstrap() {
      return current!.bootstrap;
    },
    get port() {
      return current!.port;
    },
    async start() {
      current = await startGroupBroker({ dataDir });
      return current;
    },
    async stop() {
      await current?.stopKeepingData();
      current = null;
    },
  };
}

async function admin<T>(bootstrap: string, fn: (a: ReturnType<ReturnType<typeof kafkaFor>['admin']>) => Promise<T>): Promise<T> {
  const a = kafkaFor({ bootstrap }).admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  const p = kafkaFor({ bootstrap }).producer();
  await p.connect();
  try {
    await p.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await p.disconnect();
  }
}

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test.serial('delete + recreate + restart: the new topic starts at 0, not at the old log start offset', async (t) => {
  const b = brokerOn(t, tempDataDir(t));
  await b.start();
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'reborn', numPartitions: 1 }] }));
  await produce(b.bootstrap, 'reborn', values('old', 10));
  await admin(b.bootstrap, async (a) => {
    await a.fetchTopicMetadata({ topics: ['reborn'] });
    await a.deleteTopicRecords({ topic: 'reborn', partitions: [{ partition: 0, offset: '6' }] });
  });
  // the log start (6) reaches the checkpoint file on a graceful stop, and is read back at start
  await b.stop();
  await b.start();
  await admin(b.bootstrap, async (a) => {
    t.deepEqual(await a.fetchTopicOffsets('reborn'), [{ partition: 0, offset: '10', high: '10', low: '6' }]);
    await a.deleteTopics({ topics: ['reborn'] });
    await a.createTopics({ topics: [{ topic: 'reborn', numPartitions: 1 }] });
  });
  await produce(b.bootstrap, 'reborn', values('new', 3));
  const expectNew = async (when: string) => {
    const low = await admin(b.bootstrap, (a) => a.fetchTopicOffsets('reborn'));
    t.deepEqual(low, [{ partition: 0, offset: '3', high: '3', low: '0' }], when);
    t.deepEqual((await kafkajsReadPartition(b, 'reborn', 0)).map((m) => [m.offset, m.value!.toString()]), values('new', 3).map((v, i) => [String(i), v]), when);
  };
  await expectNew('before a restart');
  await b.stop();
  await b.start();
  await expectNew('after a restart');
});

test.serial("a deleted topic's committed group offsets are gone (also after a restart); a consumer group on the recreated topic reads from its first record", async (t) => {
  const b = brokerOn(t, tempDataDir(t));
  await b.start();
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] }));
  await produce(b.bootstrap, 'orders', values('old', 4));
  await commitOffsets(b.port, 'billing', 'orders', [[0, 3]]);
  await admin(b.bootstrap, async (a) => {
    t.deepEqual(await a.fetchOffsets({ groupId: 'billing', topics: ['orders'] }), [{ topic: 'orders', partitions: [{ partition: 0, offset: '3', metadata: null }] }]);
    await a.deleteTopics({ topics: ['orders'] });
    // every committed offset of the group (OffsetFetch with no topics): none left
    t.deepEqual(await a.fetchOffsets({ groupId: 'billing' }), []);
  });
  // the tombstones are in __consumer_offsets: a reload does not bring the offset back
  await b.stop();
  await b.start();
  await admin(b.bootstrap, async (a) => {
    t.deepEqual(await a.fetchOffsets({ groupId: 'billing' }), []);
    await a.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
    t.deepEqual(await a.fetchOffsets({ groupId: 'billing', topics: ['orders'] }), [{ topic: 'orders', partitions: [{ partition: 0, offset: '-1', metadata: null }] }]);
  });
  await produce(b.bootstrap, 'orders', values('new', 5));

  const consumer = kafkaFor(b).consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  await consumer.connect();
  t.teardown(() => consumer.disconnect().catch(() => undefined));
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  await consumer.run({ eachMessage: async (m: EachMessagePayload) => void seen.push(m.message.value!.toString()) });
  for (let i = 0; i < 300 && seen.length < 5; i++) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  t.deepEqual(seen, values('new', 5));
});

test.serial('at start, checkpoint entries of topics the metadata no longer lists (deleted just before a crash) leave the files', async (t) => {
  const dataDir = tempDataDir(t);
  const b = brokerOn(t, dataDir);
  await b.start();
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'kept', numPartitions: 1 }] }));
  await b.stop();
  // what a crash between the metadata write and the checkpoint rewrite of a deletion leaves
  const paths = checkpointPaths(dataDir);
  for (const path of [paths.recoveryPoint, paths.logStartOffset]) {
    await writeOffsetCheckpoint(path, [...(await readOffsetCheckpoint(path)), { topic: 'ghost', partition: 0, offset: 5 }]);
  }
  await b.start();
  for (const path of [paths.recoveryPoint, paths.logStartOffset]) {
    t.deepEqual((await readOffsetCheckpoint(path)).map((e) => e.topic), ['kept'], path);
  }
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'ghost', numPartitions: 1 }] }));
  await produce(b.bootstrap, 'ghost', values('g', 2));
  t.deepEqual(await admin(b.bootstrap, (a) => a.fetchTopicOffsets('ghost')), [{ partition: 0, offset: '2', high: '2', low: '0' }]);
});

test.serial('at start, a partition directory no topic owns (a deletion cut short by a crash) is set aside, not inherited by a topic of the same name', async (t) => {
  const dataDir = tempDataDir(t);
  const b = brokerOn(t, dataDir);
  await b.start();
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'phantom', numPartitions: 1 }] }));
  await produce(b.bootstrap, 'phantom', values('old', 3));
  await b.stop();
  const aside = mkdtempSync(join(tmpdir(), 'samsa-phantom-'));
  t.teardown(() => rmSync(aside, { recursive: true, force: true }));
  cpSync(join(dataDir, 'phantom-0'), join(aside, 'phantom-0'), { recursive: true });
  await b.start();
  await admin(b.bootstrap, (a) => a.deleteTopics({ topics: ['phantom'] }));
  await b.stop();
  // the metadata says deleted, but the directory is still there
  cpSync(join(aside, 'phantom-0'), join(dataDir, 'phantom-0'), { recursive: true });
  await b.start();
  // (a deleted partition's own directory, renamed -delete, may still be going)
  t.deepEqual(readdirSync(dataDir).filter((n) => n.startsWith('phantom-0') && !n.endsWith('-delete')).map((n) => /^phantom-0\.[0-9a-f]{32}-stray$/.test(n)), [true]);
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'phantom', numPartitions: 1 }] }));
  t.deepEqual(await admin(b.bootstrap, (a) => a.fetchTopicOffsets('phantom')), [{ partition: 0, offset: '0', high: '0', low: '0' }]);
});

test.serial("a deleted partition's directory is renamed -delete at once and removed in the background; one a crash left is removed at the next start", async (t) => {
  const dataDir = tempDataDir(t);
  const b = brokerOn(t, dataDir);
  await b.start();
  await admin(b.bootstrap, (a) => a.createTopics({ topics: [{ topic: 'doomed', numPartitions: 2 }] }));
  await produce(b.bootstrap, 'doomed', values('v', 50));
  await admin(b.bootstrap, (a) => a.deleteTopics({ topics: ['doomed'] }));
  const doomed = () => readdirSync(dataDir).filter((n) => n.startsWith('doomed-'));
  t.false(doomed().some((n) => /^doomed-\d+$/.test(n)), 'no live name is left once DeleteTopics answered');
  for (let i = 0; i < 100 && doomed().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  t.deepEqual(doomed(), [], 'the renamed directories are removed');
  await b.stop();
  // A crash in the middle of a removal: the renamed directory is still there at the next start.
  const left = join(dataDir, `gone-0.${'ab'.repeat(16)}-delete`);
  mkdirSync(left, { recursive: true });
  writeFileSync(join(left, '00000000000000000000.log'), Buffer.alloc(4096));
  await b.start();
  for (let i = 0; i < 100 && existsSync(left); i++) await new Promise((r) => setTimeout(r, 50));
  t.false(existsSync(left));
});
