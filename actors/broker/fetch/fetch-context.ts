/**
 * What a Fetch request means for its session, decided before anything is
 * read (Kafka's FetchManager.newContext): which partitions to read, and how
 * the answer is cut down and labelled once they are read.
 *
 * - epoch -1, id 0: sessionless full fetch (also every request before v7);
 * - epoch -1, id n: closes session n, then sessionless;
 * - epoch 0: closes the session it names (if any) and asks for a new one,
 *   created from the answer if the cache has a slot (else id 0 in the answer);
 * - epoch e > 0, id n: incremental: n must exist (FETCH_SESSION_ID_NOT_FOUND),
 *   expect e (INVALID_FETCH_SESSION_EPOCH) and agree on topic ids with the
 *   request version (FETCH_SESSION_TOPIC_ID_ERROR). The request's partitions
 *   are added or updated, the forgotten ones removed, and the whole session
 *   is read but for its quiet partitions (CachedPartition.quiet: caught up,
 *   and their log has not moved since), which would be answered with nothing;
 *   the answer holds only partitions with news. A session left empty is
 *   closed and the request answered sessionless.
 */
import { code } from '../errors.js';
import { CachedPartition, FINAL_EPOCH, INITIAL_EPOCH, INVALID_SESSION_ID, nextEpoch, recordsSize, type FetchSession, type PartitionAnswer, type PartitionRequest, type QuietMark } from './fetch-session.js';
import type { FetchSessionCache } from './session-cache.js';

export interface TopicRequest {
  readonly topic: string;
  readonly topicId: string;
  readonly partitions: readonly PartitionRequest[];
}

export interface ForgottenTopic {
  readonly topic: string;
  readonly topicId: string;
  readonly partitions: readonly number[];
}

export interface SessionRequest {
  readonly sessionId: number;
  readonly sessionEpoch: number;
  readonly topics: readonly TopicRequest[];
  readonly forgottenTopicsData: readonly ForgottenTopic[];
}

export interface TopicAnswer<P extends PartitionAnswer> {
  readonly topic: string;
  readonly topicId: string;
  partitions: P[];
}

export interface FetchAnswer<P extends PartitionAnswer> {
  errorCode: number;
  sessionId: number;
  responses: TopicAnswer<P>[];
}

export interface FetchContext {
  /** Non-zero: the request is answered with this error alone, nothing read. */
  readonly errorCode: number;
  /** The partitions to read now, in the order a byte budget should serve them (asked again after a long poll wakes). */
  toRead(): readonly TopicRequest[];
  /** Keys of the quiet partitions the last toRead() left out: a long poll wakes on an append to them too. */
  readonly skipped: readonly string[];
  /** The answer as the session wants it sent: its id, and for an incremental fetch only what changed. */
  respond<P extends PartitionAnswer, A extends FetchAnswer<P>>(answer: A): A;
  /** After respond: the partition was answered caught up, as `mark` shows it (a no-op without a session). */
  markQuiet(topic: string, topicId: string, partition: number, mark: QuietMark): void;
  /** Whether markQuiet can do anything: false when there is no session to remember it. */
  readonly remembers: boolean;
}

/** Whether a quiet partition's log is still where its mark saw it. */
export type StillQuiet = (mark: QuietMark) => boolean;
const neverQuiet: StillQuiet = () => false;

/** `privileged`: a follower's session, which the cache keeps before consumers' when slots run out. */
export function fetchContext(cache: FetchSessionCache, version: number, req: SessionRequest, stillQuiet: StillQuiet = neverQuiet, privileged = false): FetchContext {
  const usesTopicIds = version >= 13;
  if (req.sessionEpoch === INITIAL_EPOCH || req.sessionEpoch === FINAL_EPOCH) {
    // A full request closes the session it names, whatever comes next.
    if (req.sessionId !== INVALID_SESSION_ID) cache.remove(req.sessionId);
    return req.sessionEpoch === FINAL_EPOCH ? sessionless(req.topics) : full(cache, req.topics, usesTopicIds, privileged);
  }
  const session = cache.get(req.sessionId);
  if (session === undefined) return failed('FETCH_SESSION_ID_NOT_FOUND');
  if (session.epoch !== req.sessionEpoch) return failed('INVALID_FETCH_SESSION_EPOCH');
  if (session.usesTopicIds !== usesTopicIds) return failed('FETCH_SESSION_TOPIC_ID_ERROR');
  session.update(req.topics, req.forgottenTopicsData);
  if (session.size === 0) {
    cache.remove(session.id);
    return sessionless(req.topics);
  }
  cache.touch(session);
  session.epoch = nextEpoch(session.epoch);
  return incremental(session, req.sessionEpoch, stillQuiet);
}

const NOTHING_SKIPPED: readonly string[] = [];
const forgetsQuiet = (): void => {};

function failed(name: 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH' | 'FETCH_SESSION_TOPIC_ID_ERROR'): FetchContext {
  return {
    errorCode: code(name),
    toRead: () => [],
    skipped: NOTHING_SKIPPED,
    respond: (a) => ({ ...a, errorCode: code(name), sessionId: INVALID_SESSION_ID, responses: [] }),
    markQuiet: forgetsQuiet,
    remembers: false,
  };
}

function sessionless(topics: readonly TopicRequest[]): FetchContext {
  return { errorCode: 0, toRead: () => topics, skipped: NOTHING_SKIPPED, respond: (a) => ({ ...a, sessionId: INVALID_SESSION_ID }), markQuiet: forgetsQuiet, remembers: false };
}

function full(cache: FetchSessionCache, topics: readonly TopicRequest[], usesTopicIds: boolean, privileged: boolean): FetchContext {
  let created: FetchSession | undefined;
  return {
    errorCode: 0,
    toRead: () => topics,
    skipped: NOTHING_SKIPPED,
    get remembers() {
      return created !== undefined;
    },
    markQuiet(topic, topicId, partition, mark) {
      created?.markQuiet(created.key(topic, topicId, partition), mark);
    },
    respond(a) {
      let size = 0;
      for (const t of a.responses) size += t.partitions.length;
      const session = cache.maybeCreate(privileged, size, usesTopicIds, (s) => {
        const asked = new Map<string, PartitionRequest>();
        for (const t of topics) for (const p of t.partitions) asked.set(s.key(t.topic, t.topicId, p.partition), p);
        for (const t of a.responses) {
          for (const p of t.partitions) {
            const k = s.key(t.topic, t.topicId, p.partitionIndex);
            const q = asked.get(k);
            if (q === undefined) continue;
            const c = new CachedPartition(t.topic, t.topicId, p.partitionIndex, q.fetchOffset, q.partitionMaxBytes, q.currentLeaderEpoch, p.highWatermark, p.logStartOffset, p.lastStableOffset);
            c.lastFetchedEpoch = q.lastFetchedEpoch ?? -1;
            s.partitions.set(k, c);
          }
        }
      });
      created = session;
      return { ...a, sessionId: session?.id ?? INVALID_SESSION_ID };
    },
  };
}

function incremental(session: FetchSession, requestEpoch: number, stillQuiet: StillQuiet): FetchContext {
  const skipped: string[] = [];
  let answered = false;
  return {
    errorCode: 0,
    toRead() {
      skipped.length = 0;
      return readOrder(session, stillQuiet, skipped);
    },
    skipped,
    remembers: true,
    markQuiet(topic, topicId, partition, mark) {
      if (answered) session.markQuiet(session.key(topic, topicId, partition), mark);
    },
    respond(a) {
      // Another request of the same session got in between: this one is a duplicate.
      if (session.epoch !== nextEpoch(requestEpoch)) {
        return { ...a, errorCode: code('INVALID_FETCH_SESSION_EPOCH'), sessionId: session.id, responses: [] };
      }
      const responses: typeof a.responses = [];
      for (const t of a.responses) {
        const kept = t.partitions.filter((p) => {
          const k = session.key(t.topic, t.topicId, p.partitionIndex);
          const cached = session.partitions.get(k);
          if (cached === undefined) return true;
          const must = cached.mustRespond(p);
          if (must && recordsSize(p) > 0) session.moveToBack(k, cached);
          return must;
        });
        if (kept.length > 0) responses.push({ ...t, partitions: kept });
      }
      answered = true;
      return { ...a, sessionId: session.id, responses };
    },
  };
}

/** The session's partitions but the quiet ones (their keys into `skipped`) as request topics, consecutive partitions of a topic grouped. */
function readOrder(session: FetchSession, stillQuiet: StillQuiet, skipped: string[]): TopicRequest[] {
  const out: Array<{ topic: string; topicId: string; partitions: PartitionRequest[] }> = [];
  let last: (typeof out)[number] | undefined;
  for (const c of session.partitions.values()) {
    const mark = c.quiet;
    if (mark !== undefined) {
      if (stillQuiet(mark)) {
        skipped.push(mark.key);
        continue;
      }
      c.quiet = undefined;
    }
    const p: PartitionRequest = { partition: c.partition, fetchOffset: c.fetchOffset, partitionMaxBytes: c.maxBytes, currentLeaderEpoch: c.currentLeaderEpoch, lastFetchedEpoch: c.lastFetchedEpoch };
    if (last !== undefined && (session.usesTopicIds ? last.topicId === c.topicId : last.topic === c.topic)) last.partitions.push(p);
    else out.push((last = { topic: c.topic, topicId: c.topicId, partitions: [p] }));
  }
  return out;
}
