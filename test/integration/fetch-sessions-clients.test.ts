/**
 * Fetch sessions with clients across many partitions: a session-keeping
 * consumer (as the Java client fetches) through reassignments, and the
 * sessionless clients (librdkafka via kcat, kafkajs), which must keep working
 * and leave no session behind.
 */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import type { BrokerCore } from '../../actors/broker/broker-core.js';
import { hasKcat, kafkaFor, run, withBroker } from './helpers.js';
import { SessionFetcher } from './session-fetcher.js';

const withKcat = hasKcat() ? test : test.skip;

async function brokerWithCore(t: import('ava').ExecutionContext, overrides: Record<string, unknown> = {}) {
  let core: BrokerCore | undefined;
  const broker = await withBroker({ ...overrides, extensions: [{ attach: (b: BrokerCore) => ((core = b), []) }] });
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  return { broker, client, sessions: () => core!.fetchSessions };
}

async function fill(client: KafkaClient, topic: string, partitions: number, from: number, count: number) {
  for (let p = 0; p < partitions; p++) {
    await client.produce(topic, p, Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`${topic}-${p}-${from + i}`) })));
  }
}

/** Polls until every assigned partition reached `until`; every offset must arrive once, in order. */
async function drain(t: import('ava').ExecutionContext, f: SessionFetcher, until: bigint, seen: Map<number, bigint[]>) {
  const deadline = Date.now() + 30_000;
  for (let i = 0; i < 5000 && Date.now() < deadline; i++) {
    if ([...f.offsets.values()].every((o) => o >= until)) return;
    for (const [p, offsets] of await f.poll()) {
      t.true(f.offsets.has(p), `partition ${p} is assigned`);
      const list = seen.get(p) ?? [];
      list.push(...offsets);
      seen.set(p, list);
    }
  }
  t.fail(`not drained: ${[...f.offsets].filter(([, o]) => o < until).length} partitions behind`);
}

test('a session-keeping consumer reads 200 partitions under a small fetch.max.bytes, through a reassignment, each record once', async (t) => {
  const { client, sessions } = await brokerWithCore(t);
  const T = 'wide';
  await client.createTopic(T, 200);
  await fill(client, T, 200, 0, 5);
  // a few batches per response: the session's read order has to rotate for all partitions to progress
  const f = new SessionFetcher(client, T, { maxBytes: 2000, partitionMaxBytes: 1 << 20 });
  f.assign(Array.from({ length: 150 }, (_, p) => p));
  const seen = new Map<number, bigint[]>();
  await drain(t, f, 5n, seen);
  t.not(f.rounds[0]!.sessionId, 0, 'the full fetch opened a session');
  t.true(f.rounds.slice(1).every((r) => r.errorCode === 0 && r.sessionId === f.rounds[0]!.sessionId), 'every later fetch was incremental in that session');
  t.true(f.rounds.slice(1).every((r) => r.named <= 150 && r.answered.length < 150), 'incremental requests and answers are partial');
  t.is(sessions().size, 1);
  t.is(sessions().totalPartitions, 150);

  const idle = await f.poll();
  t.is(idle.size, 0);
  t.deepEqual(f.rounds.at(-1)!.answered, [], 'nothing new: an empty answer');

  // reassignment: 0-49 go, 150-199 come
  f.assign(Array.from({ length: 150 }, (_, i) => i + 50));
  await fill(client, T, 200, 5, 2);
  await drain(t, f, 7n, seen);
  const afterMove = f.rounds.findIndex((r) => r.forgotten > 0);
  t.is(f.rounds[afterMove]!.forgotten, 50);
  t.true(f.rounds.slice(afterMove).every((r) => r.answered.every((p) => p >= 50)), 'forgotten partitions are never answered again');
  t.is(sessions().size, 1);
  t.is(sessions().get(f.rounds[0]!.sessionId)!.size, 150);
  for (let p = 0; p < 200; p++) {
    const want = p < 50 ? [0n, 1n, 2n, 3n, 4n] : [0n, 1n, 2n, 3n, 4n, 5n, 6n];
    t.deepEqual(seen.get(p), want, `partition ${p}`);
  }
});

test('a session-keeping consumer recovers from a lost session (slots taken) by fetching in full', async (t) => {
  const { client, sessions } = await brokerWithCore(t, { 'max.incremental.fetch.session.cache.slots': 1 });
  await client.createTopic('lost', 4);
  await fill(client, 'lost', 4, 0, 3);
  const f = new SessionFetcher(client, 'lost', { maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 });
  f.assign([0, 1, 2, 3]);
  await f.poll();
  const id = f.rounds[0]!.sessionId;
  t.not(id, 0);
  sessions().remove(id); // as an eviction would
  const seen = new Map<number, bigint[]>();
  await fill(client, 'lost', 4, 3, 1);
  await drain(t, f, 4n, seen);
  t.is(f.rounds[1]!.errorCode, 70, 'FETCH_SESSION_ID_NOT_FOUND');
  t.not(f.rounds[2]!.sessionId, 0, 'a new session after the full fetch');
  for (let p = 0; p < 4; p++) t.deepEqual(seen.get(p), [3n]);
});

withKcat('librdkafka (kcat) consumes 64 partitions sessionless; the broker keeps no session for it', async (t) => {
  const { broker, client, sessions } = await brokerWithCore(t);
  await client.createTopic('kc', 64);
  await fill(client, 'kc', 64, 0, 10);
  const r = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', 'kc', '-o', 'beginning', '-e', '-q', '-f', '%p:%o\n', '-d', 'fetch', '-m', '30'], { timeoutMs: 60_000 });
  t.is(r.code, 0, r.stderr.slice(-2000));
  const got = r.stdout.trim().split('\n');
  t.is(got.length, 640);
  t.is(new Set(got).size, 640);
  t.regex(r.stderr, /Fetch topic|fetch/i, 'the fetch debug context was on');
  t.is(sessions().size, 0, 'librdkafka asks for no session (epoch -1)');
});

test('kafkajs consumer group across 64 partitions, reassigned when a second member joins: all records, no session kept', async (t) => {
  const { broker, client, sessions } = await brokerWithCore(t, { 'group.initial.rebalance.delay.ms': 0 });
  await client.createTopic('kj', 64);
  await fill(client, 'kj', 64, 0, 5);
  const kafka = kafkaFor(broker);
  const seen = new Set<string>();
  const consumers = [kafka.consumer({ groupId: 'kj-g', maxWaitTimeInMs: 100 }), kafka.consumer({ groupId: 'kj-g', maxWaitTimeInMs: 100 })];
  t.teardown(() => Promise.all(consumers.map((c) => c.disconnect().catch(() => {}))));
  const startOne = async (c: (typeof consumers)[number]) => {
    await c.connect();
    await c.subscribe({ topic: 'kj', fromBeginning: true });
    await c.run({ eachMessage: async ({ partition, message }) => void seen.add(`${partition}:${message.offset}`) });
  };
  await startOne(consumers[0]!);
  const until = async (n: number) => {
    const deadline = Date.now() + 40_000;
    while (seen.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  };
  await until(320);
  await startOne(consumers[1]!);
  await fill(client, 'kj', 64, 5, 1);
  await until(384);
  t.is(seen.size, 384);
  t.is(sessions().size, 0);
});
