/** Fetch sessions over the wire: ids, epochs, incremental answers, error codes, long poll on the session's partitions. */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { withBroker } from './helpers.js';

const T = 'sessions' as TopicName;
const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

interface Part {
  partition: number;
  offset?: bigint;
}

function body(sessionId: number, sessionEpoch: number, topics: Array<{ topic?: string; topicId?: string; parts: Part[] }>, opts: { forgotten?: Array<{ topic?: string; topicId?: string; partitions: number[] }>; maxWaitMs?: number; minBytes?: number } = {}) {
  return {
    replicaId: -1 as never,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: 50 << 20,
    isolationLevel: 0,
    sessionId,
    sessionEpoch,
    topics: topics.map((t) => ({
      topic: (t.topic ?? '') as TopicName,
      topicId: (t.topicId ?? '') as never,
      partitions: t.parts.map((p) => ({ partition: p.partition, fetchOffset: p.offset ?? 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n })),
    })),
    forgottenTopicsData: (opts.forgotten ?? []).map((f) => ({ topic: (f.topic ?? '') as TopicName, topicId: (f.topicId ?? '') as never, partitions: f.partitions })),
  };
}

type FetchAnswer = Awaited<ReturnType<KafkaClient['conn']['request']>> & { errorCode: number; sessionId: number; responses: Array<{ topic: string; topicId: string; partitions: Array<{ partitionIndex: number; errorCode: number; highWatermark: bigint; records: Buffer | null }> }> };

/** [partition, errorCode] of every partition answered, by partition: the answer itself is in read order. */
const codes = (r: FetchAnswer) => r.responses.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode])).sort((a, b) => a[0]! - b[0]!);
const listed = (r: FetchAnswer) => r.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex)).sort((a, b) => a - b);

async function setup(t: import('ava').ExecutionContext, overrides: Record<string, unknown> = {}) {
  const broker = await withBroker(overrides);
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic(T, 4);
  const fetch = (version: number, b: ReturnType<typeof body>) => client.conn.request(1, version, b) as Promise<FetchAnswer>;
  return { client, fetch };
}

const ALL: Part[] = [0, 1, 2, 3].map((partition) => ({ partition }));

test('a full fetch opens a session; incremental fetches answer only partitions with news and keep the id', async (t) => {
  const { client, fetch } = await setup(t);
  const open = await fetch(12, body(0, 0, [{ topic: T, parts: ALL }]));
  t.is(open.errorCode, 0);
  t.not(open.sessionId, 0);
  t.deepEqual(listed(open), [0, 1, 2, 3]);
  const quiet = await fetch(12, body(open.sessionId, 1, []));
  t.is(quiet.errorCode, 0);
  t.is(quiet.sessionId, open.sessionId);
  t.deepEqual(listed(quiet), [], 'nothing happened');
  await client.produce(T, 2, [{ value: Buffer.from('news') }]);
  const news = await fetch(12, body(open.sessionId, 2, []));
  t.deepEqual(listed(news), [2], 'the partition not named in the request was read from the session');
  const p = news.responses[0]!.partitions[0]!;
  t.is(p.highWatermark, 1n);
  t.true((p.records?.length ?? 0) > 0);
  const moved = await fetch(12, body(open.sessionId, 3, [{ topic: T, parts: [{ partition: 2, offset: 1n }] }]));
  t.deepEqual(listed(moved), [], 'with the offset moved past the record, nothing is news');
});

test('error codes: unknown id, wrong epoch, topic ids against the version; closing with epoch -1', async (t) => {
  const { client, fetch } = await setup(t);
  const open = await fetch(12, body(0, 0, [{ topic: T, parts: ALL }]));
  t.is((await fetch(12, body(open.sessionId ^ 0x40000000, 1, []))).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  t.is((await fetch(12, body(open.sessionId, 5, []))).errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  t.is((await fetch(13, body(open.sessionId, 1, []))).errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
  t.is((await fetch(12, body(open.sessionId, 1, []))).errorCode, 0, 'the refused requests left the session as it was');
  const closed = await fetch(12, body(open.sessionId, -1, [{ topic: T, parts: [{ partition: 0 }] }]));
  t.is(closed.errorCode, 0);
  t.is(closed.sessionId, 0);
  t.deepEqual(listed(closed), [0]);
  t.is((await fetch(12, body(open.sessionId, 2, []))).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'closed');
  const [info] = await client.metadata([T]);
  const byId = await fetch(13, body(0, 0, [{ topicId: info!.id, parts: [{ partition: 0 }] }]));
  t.not(byId.sessionId, 0);
  t.is((await fetch(12, body(byId.sessionId, 1, []))).errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
});

test('v13: a partition of an unknown topic id added to a session is answered UNKNOWN_TOPIC_ID every time, the rest only on news', async (t) => {
  const { client, fetch } = await setup(t);
  const [info] = await client.metadata([T]);
  const open = await fetch(13, body(0, 0, [{ topicId: info!.id, parts: ALL }]));
  t.not(open.sessionId, 0);
  const added = await fetch(13, body(open.sessionId, 1, [{ topicId: UNKNOWN_ID, parts: [{ partition: 0 }] }]));
  t.is(added.errorCode, 0);
  t.deepEqual(added.responses.map((r) => [r.topicId, r.partitions.map((p) => p.errorCode)]), [[UNKNOWN_ID, [ErrorCode.UNKNOWN_TOPIC_ID]]]);
  const again = await fetch(13, body(open.sessionId, 2, [], { forgotten: [{ topicId: info!.id, partitions: [0, 1] }] }));
  t.deepEqual(again.responses.map((r) => r.topicId), [UNKNOWN_ID]);
  await client.produce(T, 1, [{ value: Buffer.from('forgotten') }]);
  await client.produce(T, 3, [{ value: Buffer.from('kept') }]);
  const last = await fetch(13, body(open.sessionId, 3, []));
  t.deepEqual(last.responses.map((r) => [r.topicId, r.partitions.map((p) => p.partitionIndex)]), [[info!.id, [3]], [UNKNOWN_ID, [0]]], 'partition 1 was forgotten');
});

test('an incremental fetch parks on the session partitions and wakes on an append to one it did not name', async (t) => {
  const { client, fetch } = await setup(t);
  const open = await fetch(12, body(0, 0, [{ topic: T, parts: ALL }]));
  const started = Date.now();
  const pending = fetch(12, body(open.sessionId, 1, [], { maxWaitMs: 20_000, minBytes: 1 }));
  await new Promise((r) => setTimeout(r, 200));
  await client.produce(T, 3, [{ value: Buffer.from('wake') }]);
  const r = await pending;
  t.deepEqual(listed(r), [3], `error ${r.errorCode}, answered after ${Date.now() - started} ms: ${JSON.stringify(r.responses, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  t.true(Date.now() - started < 15_000, 'woken by the append, not by max.wait.ms');
});

test('max.incremental.fetch.session.cache.slots=0: full fetches are answered with session id 0', async (t) => {
  const { fetch } = await setup(t, { 'max.incremental.fetch.session.cache.slots': 0 });
  const open = await fetch(12, body(0, 0, [{ topic: T, parts: ALL }]));
  t.is(open.errorCode, 0);
  t.is(open.sessionId, 0);
  t.deepEqual(listed(open), [0, 1, 2, 3]);
});

test('caught-up partitions the session skips are answered again once their log moves: an append, DeleteRecords, the topic deleted and created again', async (t) => {
  const { client, fetch } = await setup(t);
  for (const p of ALL) await client.produce(T, p.partition, [{ value: Buffer.from('x') }]);
  const open = await fetch(12, body(0, 0, [{ topic: T, parts: ALL.map((p) => ({ ...p, offset: 1n })) }]));
  t.deepEqual(listed(open), [0, 1, 2, 3]);
  t.deepEqual(listed(await fetch(12, body(open.sessionId, 1, []))), [], 'caught up everywhere');
  await client.produce(T, 2, [{ value: Buffer.from('y') }]);
  t.deepEqual(listed(await fetch(12, body(open.sessionId, 2, []))), [2]);
  const deleted = (await client.conn.request(21, 2, { topics: [{ name: T, partitions: [{ partitionIndex: 1, offset: 1n }] }], timeoutMs: 5_000 })) as { topics: Array<{ partitions: Array<{ errorCode: number }> }> };
  t.is(deleted.topics[0]!.partitions[0]!.errorCode, 0);
  const moved = await fetch(12, body(open.sessionId, 3, [{ topic: T, parts: [{ partition: 2, offset: 2n }] }]));
  t.deepEqual(listed(moved), [1], 'a new log start is news');
  t.is((moved.responses[0]!.partitions[0] as unknown as { logStartOffset: bigint }).logStartOffset, 1n);
  t.deepEqual(listed(await fetch(12, body(open.sessionId, 4, []))), []);
  await client.deleteTopic(T);
  const gone = await fetch(12, body(open.sessionId, 5, []));
  t.deepEqual(codes(gone), ALL.map((p) => [p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]));
  await client.createTopic(T, 4);
  const again = await fetch(12, body(open.sessionId, 6, []));
  t.deepEqual(codes(again), ALL.map((p) => [p.partition, ErrorCode.OFFSET_OUT_OF_RANGE]), 'the new, empty log is read: offset 1 is past its end');
});
