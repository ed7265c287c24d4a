import { ZERO_UUID, type BrokerId, type TopicName, type Uuid } from '../../../protocol/index.js';
import type { ReadRequest, ReadResult } from '../../partition/messages.js';
import { partitionKey } from '../../partition/messages.js';
import type { BrokerCore } from '../broker-core.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { fetchContext } from '../fetch/fetch-context.js';
import type { PartitionAnswer } from '../fetch/fetch-session.js';

const NO_SESSION = 0;
/** Kafka clamps fetch.max.wait.ms from clients to what a request may reasonably park. */
const MAX_WAIT_MS = 60_000;

interface Wanted {
  topic: string;
  topicId: Uuid;
  partition: number;
  offset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  errorCode: number;
}

/**
 * v4-17. Long poll: while fewer than fetch.min.bytes are readable, the request
 * parks on its partitions (woken by appends) until fetch.max.wait.ms.
 * Fetch sessions (v7+, fetch/fetch-context.ts): an incremental request reads
 * its whole session and is answered with only the partitions that changed.
 * Topic ids from v13.
 */
export const fetch = defineHandler({
  apiKey: 1,
  advertised: { min: 4, max: 17 },
  accepts: { min: 4, max: 17 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const session = fetchContext(broker.fetchSessions, version, req);
    if (session.errorCode !== 0) return { throttleTimeMs: 0, errorCode: session.errorCode, sessionId: NO_SESSION, responses: [] };
    const wanted = resolve(broker, session.topics, version >= 13);
    const maxBytes = Math.min(req.maxBytes > 0 ? req.maxBytes : broker.config.fetchMaxBytes, broker.config.fetchMaxBytes);
    const deadline = broker.now() + Math.min(Math.max(req.maxWaitMs, 0), MAX_WAIT_MS);
    const keys = wanted.filter((w) => w.errorCode === 0).map((w) => partitionKey(w.topic, w.partition));
    for (;;) {
      const results = await readAll(broker, wanted, req.isolationLevel);
      let bytes = 0;
      let anyError = false;
      for (const r of results) {
        bytes += r.bytes;
        if (r.errorCode !== 0) anyError = true;
      }
      const remaining = deadline - broker.now();
      if (bytes >= req.minBytes || anyError || remaining <= 0 || keys.length === 0 || broker.fetchWatch.closed) {
        return session.respond(respond(wanted, trim(results, maxBytes), req.isolationLevel, version)) as never;
      }
      await broker.fetchWatch.wait(keys, remaining);
    }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, sessionId: NO_SESSION, responses: [] }),
});

function resolve(broker: BrokerCore, topics: ReadonlyArray<{ topic: string; topicId: string; partitions: ReadonlyArray<{ partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number }> }>, byId: boolean): Wanted[] {
  const out: Wanted[] = [];
  for (const t of topics) {
    const record = byId ? (t.topicId !== ZERO_UUID ? broker.controller.topicById(t.topicId as Uuid) : undefined) : broker.controller.topic(t.topic as TopicName);
    for (const p of t.partitions) {
      const known = record !== undefined && p.partition >= 0 && p.partition < record.partitions;
      out.push({
        topic: record?.name ?? t.topic,
        topicId: (record?.id as Uuid | undefined) ?? (t.topicId as Uuid),
        partition: p.partition,
        offset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        errorCode: known ? 0 : code(byId && record === undefined ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION'),
      });
    }
  }
  return out;
}

interface PartitionRead {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer[];
  bytes: number;
}

const EMPTY_READ: Omit<PartitionRead, 'errorCode'> = { highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: [], bytes: 0 };

async function readAll(broker: BrokerCore, wanted: readonly Wanted[], isolationLevel: number): Promise<PartitionRead[]> {
  const items: Array<{ topic: string; partition: number; msg: ReadRequest }> = [];
  const index: number[] = [];
  for (const w of wanted) {
    index.push(w.errorCode === 0 ? items.length : -1);
    if (w.errorCode === 0) items.push({ topic: w.topic, partition: w.partition, msg: { t: 'read', offset: w.offset, maxBytes: w.maxBytes, isolationLevel, currentLeaderEpoch: w.currentLeaderEpoch } });
  }
  const outcomes = await broker.partitions.askMany<ReadResult>(items);
  return wanted.map((w, i) => {
    if (index[i] === -1) return { ...EMPTY_READ, errorCode: w.errorCode };
    const o = outcomes[index[i]!]!;
    if (!o.ok) return { ...EMPTY_READ, errorCode: outcomeError(o).errorCode };
    const r = o.value;
    return {
      errorCode: errorCodeOf(r.error),
      highWatermark: r.highWatermark,
      lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset,
      // Views over the log (inline) or the copies that crossed from a worker; both are written by reference.
      records: r.records.map((u) => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength))),
      bytes: r.bytes,
    };
  });
}

/** fetch.max.bytes over the whole response: partitions in request order; the first with data always goes, so a consumer can progress past a large batch. */
function trim(results: PartitionRead[], maxBytes: number): PartitionRead[] {
  let used = 0;
  return results.map((r) => {
    if (r.bytes === 0) return r;
    if (used > 0 && used + r.bytes > maxBytes) return { ...r, records: [], bytes: 0 };
    used += r.bytes;
    return r;
  });
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
