/**
 * Fetch from a follower (a replica id >= 0; Kafka's replica fetch path).
 * Sessionless: each request names every partition the follower copies from
 * this leader. Each partition's actor records the follower's fetch offset
 * (moving the high watermark, which wakes acks=-1 produces and consumers'
 * long polls) and says how far the follower may read: the log end, not the
 * high watermark. A follower whose last fetched epoch diverges is answered
 * with the diverging epoch and no records, so it truncates first (KIP-320).
 * Long poll as for consumers: woken by appends.
 */
import { ZERO_UUID, type BrokerId, type TopicName, type Uuid } from '../../../protocol/index.js';
import { partitionProblem } from '../../controller/catalog.js';
import type { ReplicaFetchRequest, ReplicaFetchResult } from '../../partition/messages.js';
import { partitionKey } from '../../partition/messages.js';
import type { BrokerCore } from '../broker-core.js';
import { code } from '../errors.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { FetchBudget, readUnderBudget } from './budgeted-read.js';
import { fetchBounds } from './fetch-bounds.js';
import { fetchContext } from './fetch-context.js';
import type { PartitionAnswer } from './fetch-session.js';

const NO_EPOCH = { epoch: -1, endOffset: -1n };

export interface ReplicaFetchTopic {
  readonly topic: string;
  readonly topicId: string;
  readonly partitions: ReadonlyArray<{ partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; lastFetchedEpoch: number }>;
}

interface Slot {
  key: string;
  topic: string;
  topicId: Uuid;
  partition: number;
  offset: bigint;
  maxBytes: number;
  msg: ReplicaFetchRequest | null;
  errorCode: number;
}

export interface ReplicaFetchRequestData {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly sessionId: number;
  readonly sessionEpoch: number;
  readonly topics: readonly ReplicaFetchTopic[];
  readonly forgottenTopicsData: ReadonlyArray<{ topic: string; topicId: string; partitions: readonly number[] }>;
}

/**
 * A follower's Fetch. With a fetch session (KIP-227, as Kafka's followers
 * keep one per leader) an incremental request names only the partitions
 * whose fetch position changed; every partition of the session is still
 * read each round, since each read is also the follower's report of its log
 * end (high watermark, ISR lag), and the answer holds only the partitions
 * with news (records, a moved high watermark or log start, an error or a
 * diverging epoch).
 */
export async function serveReplicaFetch(broker: BrokerCore, req: ReplicaFetchRequestData, replicaId: number, byId: boolean, version: number) {
  const session = fetchContext(broker.fetchSessions, version, req, undefined, true);
  if (session.errorCode !== 0) return { throttleTimeMs: 0, errorCode: session.errorCode, sessionId: 0, responses: [], nodeEndpoints: [] };
  const slots: Slot[] = [];
  for (const t of session.toRead()) {
    const record = byId ? (t.topicId !== ZERO_UUID ? broker.controller.topicById(t.topicId) : undefined) : broker.controller.topic(t.topic);
    for (const p of t.partitions) {
      const problem = record === undefined ? (byId ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION') : partitionProblem(broker.controller, record, p.partition);
      const topic = record?.name ?? t.topic;
      slots.push({
        key: partitionKey(topic, p.partition),
        topic,
        topicId: (record?.id ?? t.topicId) as Uuid,
        partition: p.partition,
        offset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        msg: problem === null ? { t: 'replicaFetch', replicaId, fetchOffset: p.fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch ?? -1, currentLeaderEpoch: p.currentLeaderEpoch } : null,
        errorCode: problem === null ? 0 : code(problem),
      });
    }
  }
  const { maxBytes, minBytes, deadline } = fetchBounds(broker, req);
  for (let round = 0; ; round++) {
    const asked = slots.filter((s) => s.msg !== null);
    const outcomes = await broker.partitions.askMany<ReplicaFetchResult>(asked.map((s) => ({ topic: s.topic, partition: s.partition, msg: s.msg! })));
    const budget = new FetchBudget(maxBytes);
    let bytes = 0;
    let stop = false;
    const answers = new Map<Slot, { errorCode: number; r: ReplicaFetchResult | null; records: Buffer[] }>();
    asked.forEach((s, i) => {
      const o = outcomes[i]!;
      if (!o.ok) {
        answers.set(s, { errorCode: outcomeError(o).errorCode, r: null, records: [] });
        stop = true;
        return;
      }
      const r = o.value;
      if (r.advanced) {
        broker.ackWaits.advance(s.key, r.highWatermark, r.isrSize, r.leaderEpoch);
        broker.fetchWatch.notify(s.key);
      }
      if (r.proposeIsr !== undefined) broker.controller.proposeIsr?.(s.topic, s.partition, r.proposeIsr, r.leaderEpoch, r.partitionEpoch);
      if (r.error !== undefined || r.divergingEpoch !== undefined) {
        answers.set(s, { errorCode: errorCodeOf(r.error), r, records: [] });
        stop = true;
        return;
      }
      const read = readUnderBudget(broker.partitions.logs, s.key, r.dir, s.offset, r.logEndOffset, budget.share(s.maxBytes), budget.minOneBatch);
      if ('error' in read) {
        answers.set(s, { errorCode: errorCodeOf(read.error), r, records: [] });
        stop = true;
        return;
      }
      budget.spend(read.bytes);
      bytes += read.bytes;
      answers.set(s, { errorCode: 0, r, records: read.records });
    });
    const remaining = deadline - broker.now();
    if (bytes >= minBytes || stop || remaining <= 0 || asked.length === 0 || broker.fetchWatch.closed) return session.respond(respond(slots, answers, byId));
    await broker.fetchWatch.wait(asked.map((s) => s.key), remaining);
  }
}

function respond(slots: readonly Slot[], answers: ReadonlyMap<Slot, { errorCode: number; r: ReplicaFetchResult | null; records: Buffer[] }>, byId: boolean) {
  const topics = new Map<string, { topic: TopicName; topicId: Uuid; partitions: Array<PartitionAnswer & Record<string, unknown>> }>();
  for (const s of slots) {
    const k = byId ? s.topicId : s.topic;
    let t = topics.get(k);
    if (t === undefined) topics.set(k, (t = { topic: s.topic as TopicName, topicId: s.topicId, partitions: [] }));
    const a = answers.get(s);
    const r = a?.r ?? null;
    t.partitions.push({
      partitionIndex: s.partition,
      errorCode: a?.errorCode ?? s.errorCode,
      highWatermark: r?.highWatermark ?? -1n,
      lastStableOffset: r?.highWatermark ?? -1n,
      logStartOffset: r?.logStartOffset ?? -1n,
      divergingEpoch: r?.divergingEpoch ?? NO_EPOCH,
      currentLeader: { leaderId: -1 as BrokerId, leaderEpoch: -1 },
      snapshotId: { endOffset: -1n, epoch: -1 },
      abortedTransactions: null,
      preferredReadReplica: -1 as BrokerId,
      records: a?.records ?? [],
    });
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [...topics.values()], nodeEndpoints: [] };
}
