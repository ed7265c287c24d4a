/** Fetch requests against the session cache: which context each gets, what it reads, and what its answer keeps. */
import test from 'ava';
import { fetchContext, type SessionRequest, type TopicRequest } from '../../actors/broker/fetch/fetch-context.js';
import { FetchSessionCache } from '../../actors/broker/fetch/session-cache.js';
import type { PartitionAnswer } from '../../actors/broker/fetch/fetch-session.js';
import { ErrorCode } from '../../protocol/index.js';

const ID_A = 'AAAAAAAAAAAAAAAAAAAAAQ';

function req(sessionId: number, sessionEpoch: number, parts: Array<[string, number, bigint?]>, forgotten: Array<[string, number]> = [], byId = false): SessionRequest {
  const topics: TopicRequest[] = parts.map(([topic, partition, offset]) => ({
    topic: byId ? '' : topic,
    topicId: byId ? topic : '',
    partitions: [{ partition, fetchOffset: offset ?? 0n, partitionMaxBytes: 1024, currentLeaderEpoch: -1 }],
  }));
  const forgottenTopicsData = forgotten.map(([topic, p]) => ({ topic: byId ? '' : topic, topicId: byId ? topic : '', partitions: [p] }));
  return { sessionId, sessionEpoch, topics, forgottenTopicsData };
}

interface Answer extends PartitionAnswer {
  partitionIndex: number;
}

/** What the broker would read for `ctx`: every partition, with its state from `state`. */
function answerFor(ctx: ReturnType<typeof fetchContext>, state: (topic: string, p: number) => Partial<Answer> = () => ({})) {
  const responses = ctx.toRead().map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p): Answer => ({ partitionIndex: p.partition, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, records: [], ...state(t.topic || t.topicId, p.partition) })),
  }));
  return ctx.respond({ throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses });
}

const names = (a: { responses: Array<{ topic: string; topicId: string; partitions: Array<{ partitionIndex: number }> }> }) =>
  a.responses.flatMap((t) => t.partitions.map((p) => `${t.topic || t.topicId}-${p.partitionIndex}`));

function setup(slots = 10) {
  const clock = { ms: 0 };
  const cache = new FetchSessionCache({ slots, now: () => clock.ms });
  /** A session holding t-0, t-1, t-2 with nothing new, and the epoch its next request carries. */
  const open = () => {
    const a = answerFor(fetchContext(cache, 12, req(0, 0, [['t', 0], ['t', 1], ['t', 2]])));
    return { id: a.sessionId, epoch: 1 };
  };
  return { clock, cache, open };
}

test('sessionless (epoch -1, id 0): everything read, everything answered, id 0, nothing cached', (t) => {
  const { cache } = setup();
  const ctx = fetchContext(cache, 12, req(0, -1, [['t', 0], ['t', 1]]));
  const a = answerFor(ctx);
  t.is(a.sessionId, 0);
  t.deepEqual(names(a), ['t-0', 't-1']);
  t.is(cache.size, 0);
});

test('full (epoch 0): everything answered and a session created with the answer', (t) => {
  const { cache } = setup();
  const a = answerFor(fetchContext(cache, 12, req(0, 0, [['t', 0], ['t', 1]])));
  t.deepEqual(names(a), ['t-0', 't-1']);
  t.not(a.sessionId, 0);
  t.is(cache.get(a.sessionId)!.size, 2);
  t.is(cache.get(a.sessionId)!.epoch, 1);
});

test('full with slots 0: answered in full with id 0', (t) => {
  const { cache } = setup(0);
  const a = answerFor(fetchContext(cache, 12, req(0, 0, [['t', 0]])));
  t.is(a.sessionId, 0);
  t.deepEqual(names(a), ['t-0']);
});

test('incremental: the whole session is read, only changed partitions are answered, the id is kept', (t) => {
  const { cache, open } = setup();
  const s = open();
  const ctx = fetchContext(cache, 12, req(s.id, 1, []));
  t.deepEqual(ctx.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [0, 1, 2], 'partitions not named come from the session');
  const a = answerFor(ctx, (_t, p) => (p === 0 ? { records: [Buffer.alloc(70)] } : p === 1 ? { highWatermark: 11n } : {}));
  t.is(a.errorCode, 0);
  t.is(a.sessionId, s.id);
  t.deepEqual(names(a), ['t-0', 't-1'], 'records and a moved high watermark are news; t-2 is not');
  const quiet = answerFor(fetchContext(cache, 12, req(s.id, 2, [])), (_t, p) => (p === 1 ? { highWatermark: 11n } : {}));
  t.deepEqual(names(quiet), [], 'the new high watermark was remembered');
});

test('incremental: log start and last stable offset changes and errors are news; a partition with an error is sent again when it clears', (t) => {
  const { cache, open } = setup();
  const s = open();
  const a = answerFor(fetchContext(cache, 12, req(s.id, 1, [])), (_t, p) => (p === 0 ? { logStartOffset: 3n } : p === 1 ? { lastStableOffset: 9n } : { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }));
  t.deepEqual(names(a), ['t-0', 't-1', 't-2']);
  const b = answerFor(fetchContext(cache, 12, req(s.id, 2, [])), (_t, p) => (p === 0 ? { logStartOffset: 3n } : p === 1 ? { lastStableOffset: 9n } : { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }));
  t.deepEqual(names(b), ['t-2'], 'a standing error is answered every time');
  const c = answerFor(fetchContext(cache, 12, req(s.id, 3, [])), (_t, p) => (p === 0 ? { logStartOffset: 3n } : p === 1 ? { lastStableOffset: 9n } : {}));
  t.deepEqual(names(c), ['t-2'], 'once the error clears, the partition is sent with its state');
});

test('incremental: named partitions are added or updated, forgotten ones removed', (t) => {
  const { cache, open } = setup();
  const s = open();
  const ctx = fetchContext(cache, 12, req(s.id, 1, [['t', 1, 55n], ['u', 0]], [['t', 2], ['t', 9]]));
  const read = ctx.toRead().flatMap((x) => x.partitions.map((p) => `${x.topic}-${p.partition}@${p.fetchOffset}`));
  t.deepEqual(read, ['t-0@0', 't-1@55', 'u-0@0']);
  const a = answerFor(ctx);
  t.deepEqual(names(a), ['u-0'], 'a new partition is news (nothing was cached for it)');
  t.is(cache.get(s.id)!.size, 3);
});

test('incremental: a partition that returned records moves to the back of the read order', (t) => {
  const { cache, open } = setup();
  const s = open();
  answerFor(fetchContext(cache, 12, req(s.id, 1, [])), (_t, p) => (p === 0 ? { records: [Buffer.alloc(1)] } : {}));
  const next = fetchContext(cache, 12, req(s.id, 2, []));
  t.deepEqual(next.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [1, 2, 0]);
});

test('forgetting every partition closes the session and answers sessionless', (t) => {
  const { cache, open } = setup();
  const s = open();
  const ctx = fetchContext(cache, 12, req(s.id, 1, [], [['t', 0], ['t', 1], ['t', 2]]));
  const a = answerFor(ctx);
  t.is(a.sessionId, 0);
  t.is(cache.get(s.id), undefined);
});

test('errors: unknown id FETCH_SESSION_ID_NOT_FOUND; wrong epoch INVALID_FETCH_SESSION_EPOCH; ids disagreeing with the version FETCH_SESSION_TOPIC_ID_ERROR; nothing read', (t) => {
  const { cache, open } = setup();
  const s = open();
  const unknown = fetchContext(cache, 12, req(s.id + 1, 1, [['t', 0]]));
  t.is(unknown.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  t.deepEqual(unknown.toRead(), []);
  t.is(fetchContext(cache, 12, req(0, 3, [['t', 0]])).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'an incremental request must name a session');
  t.is(fetchContext(cache, 12, req(s.id, 2, [])).errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH, 'epoch 1 expected');
  t.is(fetchContext(cache, 13, req(s.id, 1, [], [], true)).errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, 'a name session fetched at v13');
  const ok = fetchContext(cache, 12, req(s.id, 1, []));
  t.is(ok.errorCode, 0, 'the failed requests did not move the epoch');
  const byId = answerFor(fetchContext(cache, 13, req(0, 0, [[ID_A, 0]], [], true)));
  t.is(fetchContext(cache, 12, req(byId.sessionId, 1, [])).errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, 'an id session fetched below v13');
  t.is(answerFor(unknown).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
});

test('a duplicate of an incremental request answered after the next one got in gets INVALID_FETCH_SESSION_EPOCH with the session id', (t) => {
  const { cache, open } = setup();
  const s = open();
  const first = fetchContext(cache, 12, req(s.id, 1, []));
  const second = fetchContext(cache, 12, req(s.id, 2, []));
  t.is(answerFor(second).errorCode, 0);
  const late = answerFor(first);
  t.is(late.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  t.is(late.sessionId, s.id);
  t.deepEqual(late.responses, []);
});

test('epoch -1 with an id closes the session and answers sessionless; epoch 0 with an id replaces it', (t) => {
  const { cache, open } = setup();
  const s = open();
  const closed = answerFor(fetchContext(cache, 12, req(s.id, -1, [['t', 0]])));
  t.is(closed.sessionId, 0);
  t.deepEqual(names(closed), ['t-0']);
  t.is(cache.size, 0);
  const s2 = open();
  const renewed = answerFor(fetchContext(cache, 12, req(s2.id, 0, [['t', 5]])));
  t.not(renewed.sessionId, 0);
  t.not(renewed.sessionId, s2.id);
  t.is(cache.get(s2.id), undefined);
  t.is(cache.size, 1);
  t.is(cache.get(renewed.sessionId)!.size, 1);
});

test('topic-id sessions key partitions by id: forgetting by id works, names play no part', (t) => {
  const { cache } = setup();
  const a = answerFor(fetchContext(cache, 13, req(0, 0, [[ID_A, 0], [ID_A, 1]], [], true)));
  const ctx = fetchContext(cache, 13, req(a.sessionId, 1, [], [[ID_A, 1]], true));
  t.deepEqual(ctx.toRead().flatMap((x) => x.partitions.map((p) => `${x.topicId}-${p.partition}`)), [`${ID_A}-0`]);
});

/** A log handle whose offsets the test moves. */
function probe(start: number, end: number) {
  const p = { start, end, calls: 0, startAndEndOffsets: (): [number, number] => (p.calls++, [p.start, p.end]) };
  return p;
}
const stillQuiet = (m: { log: unknown; start: number; end: number }) => {
  const [s, e] = (m.log as ReturnType<typeof probe>).startAndEndOffsets();
  return s === m.start && e === m.end;
};

test('quiet partitions: marked after an answer that agrees, skipped while their log stands still, read again once it moves', (t) => {
  const { cache, open } = setup();
  const { id, epoch } = open();
  const log = probe(0, 10);
  const first = fetchContext(cache, 12, req(id, epoch, []), stillQuiet);
  answerFor(first);
  first.markQuiet('t', '', 1, { log, key: 't#1', start: 0, end: 10 });
  first.markQuiet('t', '', 2, { log, key: 't#2', start: 0, end: 9 });
  const second = fetchContext(cache, 12, req(id, epoch + 1, []), stillQuiet);
  t.deepEqual(second.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [0, 1, 2], 'fetched from 0, told 10: not caught up, so no mark');
  t.deepEqual(second.skipped, []);
  answerFor(second, (_t, p) => (p === 0 ? {} : { highWatermark: 10n, lastStableOffset: 10n }));
  // Caught up: the session's t-1 and t-2 are asked from 0 and told 10, so only an offset of 10 would agree.
  const third = fetchContext(cache, 12, req(id, epoch + 2, [['t', 1, 10n], ['t', 2, 10n]]), stillQuiet);
  answerFor(third);
  third.markQuiet('t', '', 1, { log, key: 't#1', start: 0, end: 10 });
  third.markQuiet('t', '', 2, { log, key: 't#2', start: 0, end: 10 });
  const fourth = fetchContext(cache, 12, req(id, epoch + 3, []), stillQuiet);
  t.deepEqual(fourth.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [0], 'quiet ones are not read');
  t.deepEqual(fourth.skipped, ['t#1', 't#2'], 'but a long poll wakes on them');
  t.deepEqual(names(answerFor(fourth)), []);
  log.end = 11;
  const fifth = fetchContext(cache, 12, req(id, epoch + 4, []), stillQuiet);
  t.deepEqual(fifth.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [0, 1, 2], 'the log moved: read again');
  t.deepEqual(names(answerFor(fifth, (_t, p) => (p === 0 ? {} : { highWatermark: 11n, lastStableOffset: 11n }))), ['t-1', 't-2']);
});

test('quiet partitions: a request naming one again reads it; an answer that lost the race marks nothing', (t) => {
  const { cache, open } = setup();
  const { id, epoch } = open();
  const log = probe(0, 10);
  const first = fetchContext(cache, 12, req(id, epoch, [['t', 0, 10n], ['t', 1, 10n], ['t', 2, 10n]]), stillQuiet);
  answerFor(first);
  for (const p of [0, 1, 2]) first.markQuiet('t', '', p, { log, key: `t#${p}`, start: 0, end: 10 });
  const second = fetchContext(cache, 12, req(id, epoch + 1, [['t', 0, 10n]]), stillQuiet);
  t.deepEqual(second.skipped.length, 0, 'skipped is filled by toRead');
  t.deepEqual(second.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [0], 'named again: read, whatever its log');
  t.deepEqual(second.skipped, ['t#1', 't#2']);
  t.is(log.calls, 2, 'one look at the log per quiet partition');
  // The next request comes while the second is still in its long poll: the second's answer is then a duplicate.
  const next = fetchContext(cache, 12, req(id, epoch + 2, []), stillQuiet);
  t.is(next.errorCode, 0);
  const late = second.respond({ errorCode: 0, sessionId: 0, responses: [{ topic: 't', topicId: '', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, records: [] }] }] });
  t.is(late.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  second.markQuiet('t', '', 0, { log, key: 't#0', start: 0, end: 10 });
  t.deepEqual(next.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [0], 'the duplicate left t-0 unmarked');
  t.deepEqual(next.skipped, ['t#1', 't#2']);
});

test('a session created by a full fetch remembers the partitions it answered caught up', (t) => {
  const { cache } = setup();
  const log = probe(3, 10);
  const full = fetchContext(cache, 12, req(0, 0, [['t', 0, 10n], ['t', 1, 4n]]), stillQuiet);
  t.false(full.remembers, 'no session before the answer');
  const a = answerFor(full, () => ({ logStartOffset: 3n }));
  t.true(full.remembers);
  full.markQuiet('t', '', 0, { log, key: 't#0', start: 3, end: 10 });
  full.markQuiet('t', '', 1, { log, key: 't#1', start: 3, end: 10 });
  const next = fetchContext(cache, 12, req(a.sessionId, 1, []), stillQuiet);
  t.deepEqual(next.toRead().flatMap((x) => x.partitions.map((p) => p.partition)), [1], 't-1 fetches from 4, not from the end');
  t.deepEqual(next.skipped, ['t#0']);
  const sessionless = fetchContext(cache, 12, req(0, -1, [['t', 0, 10n]]), stillQuiet);
  answerFor(sessionless);
  t.false(sessionless.remembers);
});
