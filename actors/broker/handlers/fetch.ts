import { isStorageError, type PartitionLog } from '../../../native/index.js';
import { downConvertBatches, fetchMagic, type LegacyMagic, ZERO_UUID, type BrokerId, type TopicName, type Uuid } from '../../../protocol/index.js';
import type { FetchBounds, FetchBoundsRequest } from '../../partition/messages.js';
import { partitionKey } from '../../partition/messages.js';
import type { BrokerCore } from '../broker-core.js';
import { code } from '../errors.js';
import { FetchBudget, readUnderBudget } from '../fetch/budgeted-read.js';
import { defineHandler } from '../handler.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { partitionProblem } from '../../controller/catalog.js';
import { fetchContext, type FetchContext } from '../fetch/fetch-context.js';
import type { PartitionAnswer, QuietMark } from '../fetch/fetch-session.js';
import { serveReplicaFetch } from '../fetch/replica-fetch.js';
import { fetchBounds } from '../fetch/fetch-bounds.js';
import { parkedFor } from '../metrics/request-timing.js';

const NO_SESSION = 0;
/** Leadership never moves on a single node (the partition actor's LEADER_EPOCH). */
const SINGLE_NODE_LEADER_EPOCH = 0;
/** Fetch v0-v3 read message formats 0/1 (fetchMagic); v4+ read record batches as stored. */
const DOWN_CONVERSION_BELOW = 4;

interface Wanted {
  /** partitionKey(topic, partition) */
  key: string;
  topic: string;
  topicId: Uuid;
  partition: number;
  offset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  errorCode: number;
}

/**
 * v0-17 (v0-v3 served in message format 0/1, converted from the stored
 * batches as Kafka does unless message.downconversion.enable is false). Long poll: while fewer than fetch.min.bytes are readable, the request
 * parks on its partitions (woken by appends) until fetch.max.wait.ms.
 * Bounded as Kafka bounds it (fetch/budgeted-read.ts): the response by
 * min(max_bytes, fetch.max.bytes), each partition by partition_max_bytes, the
 * first partition with data excepted for its first batch. A partition named
 * more than once is answered once, at its first place, with its last fetch
 * offset and limit (Kafka keys the sessionless request by topic-partition).
 * Fetch sessions (v7+, fetch/fetch-context.ts): an incremental request reads
 * its whole session and is answered with only the partitions that changed.
 * Topic ids from v13.
 */
export const fetch = defineHandler({
  apiKey: 1,
  advertised: { min: 0, max: 17 },
  accepts: { min: 0, max: 17 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    // A follower's fetch (Fetch v15+ carries the replica id in ReplicaState).
    const replicaId = version >= 15 ? req.replicaState.replicaId : req.replicaId;
    if (replicaId >= 0) return serveReplicaFetch(broker, req, replicaId, version >= 13, version) as never;
    const session = fetchContext(broker.fetchSessions, version, req, stillQuiet);
    if (session.errorCode !== 0) return { throttleTimeMs: 0, errorCode: session.errorCode, sessionId: NO_SESSION, responses: [] };
    const { maxBytes, minBytes, deadline } = fetchBounds(broker, req);
    for (;;) {
      // Asked again after each wait: a quiet partition an append woke is read now.
      const wanted = resolve(broker, session.toRead(), version >= 13);
      const results = await readAll(broker, wanted, req.isolationLevel, maxBytes);
      let bytes = 0;
      let anyError = false;
      for (const r of results) {
        bytes += r.bytes;
        if (r.errorCode !== 0) anyError = true;
      }
      const keys = wanted.filter((w) => w.errorCode === 0).map((w) => w.key).concat(session.skipped);
      const remaining = deadline - broker.now();
      if (bytes >= minBytes || anyError || remaining <= 0 || keys.length === 0 || broker.fetchWatch.closed) {
        countFetched(broker, wanted, results);
        const served = version < DOWN_CONVERSION_BELOW ? downConverted(broker, wanted, results, version) : results;
        const answer = session.respond(respond(wanted, served, req.isolationLevel, version));
        if (session.remembers) rememberQuiet(session, wanted, results);
        return answer as never;
      }
      await parkedFor(ctx.timing, broker.fetchWatch.wait(keys, remaining));
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, sessionId: NO_SESSION, responses: [] }),
});

/** Per topic, as Kafka's BrokerTopicStats; only topics that exist get series (a client naming random topics must not grow them). */
function countFetched(broker: BrokerCore, wanted: readonly Wanted[], results: readonly PartitionRead[]): void {
  if (!broker.metrics.enabled) return;
  for (let i = 0; i < wanted.length; i++) {
    const w = wanted[i]!;
    if (broker.controller.topic(w.topic as TopicName) !== undefined) broker.metrics.fetched(w.topic, results[i]!.bytes, results[i]!.errorCode !== 0);
  }
}

function resolve(broker: BrokerCore, topics: ReadonlyArray<{ topic: string; topicId: string; partitions: ReadonlyArray<{ partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number }> }>, byId: boolean): Wanted[] {
  const out: Wanted[] = [];
  // By topic (id from v13) and partition: a repeat takes the first one's place and its own offset and limit.
  const at = new Map<string, number>();
  for (const t of topics) {
    const record = byId ? (t.topicId !== ZERO_UUID ? broker.controller.topicById(t.topicId as Uuid) : undefined) : broker.controller.topic(t.topic as TopicName);
    for (const p of t.partitions) {
      const problem = record === undefined ? null : partitionProblem(broker.controller, record, p.partition);
      const topic = record?.name ?? t.topic;
      const w: Wanted = {
        key: partitionKey(topic, p.partition),
        topic,
        topicId: (record?.id as Uuid | undefined) ?? (t.topicId as Uuid),
        partition: p.partition,
        offset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        errorCode: record === undefined ? code(byId ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION') : problem === null ? 0 : code(problem),
      };
      const id = `${byId ? t.topicId : t.topic}\u0000${p.partition}`;
      const seen = at.get(id);
      if (seen === undefined) {
        at.set(id, out.length);
        out.push(w);
      } else out[seen] = w;
    }
  }
  return out;
}

interface PartitionRead {
  errorCode: number;
  /** Answered caught up from this attached handle, with nothing to send (caughtUpBounds). */
  quietLog?: PartitionLog;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer[];
  bytes: number;
}

const EMPTY_READ: Omit<PartitionRead, 'errorCode'> = { highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: [], bytes: 0 };

/**
 * Each partition's actor says what is readable (one askMany, one message per
 * worker); then the batches are read here, in request order, under the
 * response's budget: the memory a response holds is bounded by its limits,
 * whatever the number of partitions it names.
 */
async function readAll(broker: BrokerCore, wanted: readonly Wanted[], isolationLevel: number, maxBytes: number): Promise<PartitionRead[]> {
  const items: Array<{ topic: string; partition: number; msg: FetchBoundsRequest }> = [];
  const index: number[] = [];
  const caughtUp = new Map<number, CaughtUp>();
  for (const [i, w] of wanted.entries()) {
    const quiet = w.errorCode === 0 ? caughtUpBounds(broker, w) : null;
    if (quiet !== null) caughtUp.set(i, quiet);
    index.push(w.errorCode === 0 && quiet === null ? items.length : -1);
    if (w.errorCode === 0 && quiet === null) items.push({ topic: w.topic, partition: w.partition, msg: { t: 'fetchBounds', offset: w.offset, isolationLevel, currentLeaderEpoch: w.currentLeaderEpoch } });
  }
  const outcomes = await broker.partitions.askMany<FetchBounds>(items);
  const budget = new FetchBudget(maxBytes);
  return wanted.map((w, i) => {
    const quiet = caughtUp.get(i);
    if (quiet !== undefined) return { highWatermark: quiet.highWatermark, lastStableOffset: quiet.lastStableOffset, logStartOffset: quiet.logStartOffset, errorCode: 0, records: [], bytes: 0, quietLog: quiet.log };
    if (index[i] === -1) return { ...EMPTY_READ, errorCode: w.errorCode };
    const o = outcomes[index[i]!]!;
    if (!o.ok) return { ...EMPTY_READ, errorCode: outcomeError(o).errorCode };
    const b = o.value;
    const bounds = { highWatermark: b.highWatermark, lastStableOffset: b.lastStableOffset, logStartOffset: b.logStartOffset };
    if (b.error !== undefined) return { ...bounds, errorCode: errorCodeOf(b.error), records: [], bytes: 0 };
    if (w.offset === b.highWatermark) broker.partitions.logs.attachIfOpen(w.key, b.dir);
    const r = readUnderBudget(broker.partitions.logs, w.key, b.dir, w.offset, isolationLevel === 1 ? b.lastStableOffset : b.highWatermark, budget.share(w.maxBytes), budget.minOneBatch);
    if ('error' in r) {
      // The log went away after its bounds were given: a deleted topic is unknown by now, anything else is retriable.
      const gone = r.error === 'NOT_LEADER_OR_FOLLOWER' && broker.controller.topic(w.topic) === undefined;
      return { ...EMPTY_READ, errorCode: errorCodeOf(gone ? 'UNKNOWN_TOPIC_OR_PARTITION' : r.error) };
    }
    budget.spend(r.bytes);
    return { ...bounds, errorCode: 0, records: r.records, bytes: r.bytes };
  });
}

/**
 * Stored batches in the message format an old fetcher reads (headers dropped,
 * control batches skipped, each compressed batch one wrapper of its codec);
 * UNSUPPORTED_VERSION where the topic disallows it, UNSUPPORTED_COMPRESSION_TYPE
 * for zstd, which has no legacy form.
 */
function downConverted(broker: BrokerCore, wanted: readonly Wanted[], results: readonly PartitionRead[], version: number): PartitionRead[] {
  const magic = fetchMagic(version) as LegacyMagic;
  return results.map((r, i) => {
    if (r.errorCode !== 0 || r.bytes === 0) return r;
    const topic = broker.controller.topic(wanted[i]!.topic as TopicName);
    if (topic !== undefined && !broker.controller.policyOf(topic).downConversion) return { ...r, errorCode: code('UNSUPPORTED_VERSION'), records: [], bytes: 0 };
    const out = downConvertBatches(r.records, magic);
    if (!out.ok) return { ...r, errorCode: code(out.error), records: [], bytes: 0 };
    return { ...r, records: [out.bytes], bytes: out.bytes.length };
  });
}

/**
 * A fetch already at the log end of a partition read before needs nothing from
 * its actor: the attached handle publishes the same end and start offsets the
 * actor would answer with. A consumer of many quiet partitions (a fetch
 * session's steady state) then costs a native call per partition, not an
 * actor message. Only while the high watermark is the log end and the leader
 * epoch cannot move (a single node); any other case asks the actor. The
 * session's quiet skip (rememberQuiet) rests on the same facts, and also on
 * the last stable offset being the log end (no transactions yet): replication
 * and transactions must bound both by the high watermark and the LSO.
 */
function caughtUpBounds(broker: BrokerCore, w: Wanted): CaughtUp | null {
  if (w.currentLeaderEpoch !== -1 && w.currentLeaderEpoch !== SINGLE_NODE_LEADER_EPOCH) return null;
  // A replicated partition's high watermark trails its log end: only its actor knows it.
  const record = broker.controller.topic(w.topic);
  if (record === undefined || broker.controller.partition(record, w.partition).replicas.length > 1) return null;
  const log = broker.partitions.logs.peek(w.key);
  if (log === undefined) return null;
  let end: bigint;
  let start: bigint;
  try {
    const [s, e] = log.startAndEndOffsets();
    start = BigInt(s);
    end = BigInt(e);
  } catch (err) {
    // CLOSED: the writer closed the log under the handle (a reopen to reconfigure, a deletion); its actor knows.
    if (!isStorageError(err)) throw err;
    broker.partitions.logs.drop(w.key);
    return null;
  }
  if (w.offset !== end || w.offset < start) return null;
  return { highWatermark: end, lastStableOffset: end, logStartOffset: start, dir: log.dir, log };
}

type CaughtUp = FetchBounds & { log: PartitionLog };

/** Whether a quiet partition's log still shows the offsets its mark saw; a closed handle (log reopened, deleted) never does. */
function stillQuiet(mark: QuietMark): boolean {
  try {
    const [start, end] = mark.log.startAndEndOffsets();
    return start === mark.start && end === mark.end;
  } catch (err) {
    if (!isStorageError(err)) throw err;
    return false;
  }
}

/**
 * The session remembers which partitions were answered caught up, so that
 * its next incremental fetch skips them while their logs do not move: a
 * quiet partition then costs one native call, not a read and an answer.
 */
function rememberQuiet(session: FetchContext, wanted: readonly Wanted[], results: readonly PartitionRead[]): void {
  for (let i = 0; i < wanted.length; i++) {
    const log = results[i]!.quietLog;
    if (log === undefined) continue;
    const w = wanted[i]!;
    session.markQuiet(w.topic, w.topicId, w.partition, { log, key: w.key, start: Number(results[i]!.logStartOffset), end: Number(results[i]!.highWatermark) });
  }
}

function respond(wanted: readonly Wanted[], results: readonly PartitionRead[], isolationLevel: number, version: number) {
  const topics = new Map<string, { topic: TopicName; topicId: Uuid; partitions: Array<PartitionAnswer & Record<string, unknown>> }>();
  wanted.forEach((w, i) => {
    const r = results[i]!;
    const key = version >= 13 ? w.topicId : w.topic;
    let t = topics.get(key);
    if (t === undefined) topics.set(key, (t = { topic: w.topic as TopicName, topicId: w.topicId, partitions: [] }));
    t.partitions.push({
      partitionIndex: w.partition,
      errorCode: r.errorCode,
      highWatermark: r.highWatermark,
      lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset,
      abortedTransactions: isolationLevel === 1 ? [] : null,
      preferredReadReplica: -1 as BrokerId,
      records: r.records,
    });
  });
  return { throttleTimeMs: 0, errorCode: 0, sessionId: NO_SESSION, responses: [...topics.values()] };
}
