/**
 * A follower's fetchers (Kafka's ReplicaFetcherManager): one loop per leader
 * broker, batching every partition this broker follows from it into one
 * Fetch (v12: replica id, current leader epoch, last fetched epoch) and
 * appending what comes back unchanged through each partition's actor.
 *
 * Per partition, an answer is one of:
 * - records (maybe none): appended as they are; the follower's high
 *   watermark follows the leader's;
 * - a diverging epoch (KIP-320): the log is truncated to where it and the
 *   leader's agree (the smaller of the leader's end offset for that epoch
 *   and this log's), then fetching goes on from there;
 * - OFFSET_OUT_OF_RANGE below the leader's log start: the log is emptied and
 *   restarted there;
 * - a leadership error (NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH):
 *   the partition pauses for replica.fetch.backoff.ms, or until a
 *   LeaderAndIsr gives it a new leader or epoch.
 */
import type { PartitionRouter } from '../../actors/broker/partition-router.js';
import type { FollowerPosition, PartitionMessage } from '../../actors/partition/messages.js';
import { partitionKey } from '../../actors/partition/messages.js';
import type { Logger } from '../../actors/runtime/index.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ErrorCode, type BrokerId, type TopicName } from '../../protocol/index.js';

export const REPLICA_FETCH_VERSION = 12;

export interface FetcherSettings {
  readonly brokerId: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly partitionMaxBytes: number;
  readonly responseMaxBytes: number;
  readonly backoffMs: number;
}

export interface Followed {
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  fetchOffset: bigint;
  lastFetchedEpoch: number;
  logStartOffset: bigint;
  highWatermark: bigint;
  pausedUntil: number;
}

type Endpoint = { host: string; port: number };

const RETRIABLE_PAUSE = new Set<number>([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.LEADER_NOT_AVAILABLE]);

/** What the leader's fetch session holds of a partition: as this fetcher last named it. */
interface SessionEntry {
  readonly followed: Followed;
  readonly fetchOffset: bigint;
  readonly leaderEpoch: number;
  readonly lastFetchedEpoch: number;
}

/** A session of the leader's, kept per leader as Kafka's FetchSessionHandler does: id 0 until the leader gives one. */
interface FetchSessionState {
  id: number;
  /** The epoch the next request carries: 0 asks for a new session. */
  epoch: number;
  /** Partitions the session holds, by `topic-partition`. */
  readonly entries: Map<string, SessionEntry>;
}

const nextEpoch = (epoch: number): number => (epoch === 0x7fffffff ? 1 : epoch + 1);

class LeaderFetcher {
  readonly partitions = new Map<string, Followed>();
  private session: FetchSessionState = { id: 0, epoch: 0, entries: new Map() };
  private conn: KafkaConnection | null = null;
  private running: Promise<void> | null = null;
  /** The handling of the last answer: a partition removed waits for it, so no append lands after it leads. */
  processing: Promise<void> = Promise.resolve();
  closed = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly leaderId: number,
    private endpoint: Endpoint,
    private readonly s: FetcherSettings,
    private readonly host: PartitionRouter,
    private readonly log: Logger,
  ) {}

  setEndpoint(e: Endpoint): void {
    if (e.host === this.endpoint.host && e.port === this.endpoint.port) return;
    this.endpoint = e;
    this.conn?.close();
    this.conn = null;
  }

  start(): void {
    this.wake?.();
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.conn?.close();
    this.conn = null;
    await this.running;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async loop(): Promise<void> {
    // Bounded by the partitions it follows: it ends when none is left or it is closed.
    while (!this.closed && this.partitions.size > 0) {
      const now = Date.now();
      const ready = [...this.partitions.values()].filter((p) => p.pausedUntil <= now);
      if (ready.length === 0) {
        await this.pause(Math.max(1, Math.min(...[...this.partitions.values()].map((p) => p.pausedUntil)) - now));
        continue;
      }
      let answer;
      try {
        if (this.conn === null) {
          const conn = await KafkaConnection.connect({ host: this.endpoint.host, port: this.endpoint.port, clientId: `samsa-replica-fetcher-${this.s.brokerId}`, connectTimeoutMs: 5_000, requestTimeoutMs: this.s.maxWaitMs + 30_000 });
          // Closed while connecting: the connection is not kept.
          if (this.closed) return conn.close();
          this.conn = conn;
        }
        answer = await this.conn.request(1, REPLICA_FETCH_VERSION, this.request(ready));
      } catch (err) {
        if (this.closed) return;
        this.conn?.close();
        this.conn = null;
        // Whether the leader took that request is unknown: the next one is full, closing the session it names.
        this.resetSession();
        this.log.debug(`replica fetcher for leader ${this.leaderId}: ${(err as Error).message}`);
        await this.pause(this.s.backoffMs);
        continue;
      }
      if (answer.errorCode !== 0) {
        // The leader lost or restarted the session: the next request is a full one that asks for a new session.
        const lost = answer.errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || answer.errorCode === ErrorCode.INVALID_FETCH_SESSION_EPOCH;
        this.resetSession();
        if (lost) continue;
        this.log.warn(`replica fetcher for leader ${this.leaderId}: fetch answered error ${answer.errorCode}`);
        await this.pause(this.s.backoffMs);
        continue;
      }
      // A full request's answer starts the session (or, without a slot at the leader, none: the next request is full again).
      if (this.session.epoch === 0) this.session.id = answer.sessionId;
      this.session.epoch = this.session.id === 0 ? 0 : nextEpoch(this.session.epoch);
      if (this.session.id === 0) this.session.entries.clear();
      const handled = this.handle(answer.responses as never, new Set(ready));
      this.processing = handled.catch(() => undefined);
      try {
        await handled;
      } catch (err) {
        this.log.warn(`replica fetcher for leader ${this.leaderId}: ${(err as Error).message}`);
        await this.pause(this.s.backoffMs);
      }
    }
  }

  private resetSession(): void {
    this.session = { id: this.session.id, epoch: 0, entries: new Map() };
  }

  /**
   * The next Fetch. Without a session (epoch 0) it names every ready
   * partition and asks for one; in a session it names only the partitions
   * that are new or whose position or epochs moved, and forgets those no
   * longer fetched (removed, or paused after an error).
   */
  private request(ready: readonly Followed[]) {
    const s = this.session;
    const full = s.epoch === 0;
    if (full) s.entries.clear();
    const named: Followed[] = [];
    const forgotten = new Map<string, number[]>();
    const wanted = new Set(ready.map((p) => partitionKey(p.topic, p.partition)));
    for (const [k, e] of [...s.entries]) {
      if (wanted.has(k)) continue;
      s.entries.delete(k);
      forgotten.set(e.followed.topic, [...(forgotten.get(e.followed.topic) ?? []), e.followed.partition]);
    }
    for (const p of ready) {
      const k = partitionKey(p.topic, p.partition);
      const e = s.entries.get(k);
      if (e !== undefined && e.followed === p && e.fetchOffset === p.fetchOffset && e.leaderEpoch === p.leaderEpoch && e.lastFetchedEpoch === p.lastFetchedEpoch) continue;
      named.push(p);
      s.entries.set(k, { followed: p, fetchOffset: p.fetchOffset, leaderEpoch: p.leaderEpoch, lastFetchedEpoch: p.lastFetchedEpoch });
    }
    const byTopic = new Map<string, Followed[]>();
    for (const p of named) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    return {
      replicaId: this.s.brokerId as BrokerId,
      maxWaitMs: this.s.maxWaitMs,
      minBytes: this.s.minBytes,
      maxBytes: this.s.responseMaxBytes,
      isolationLevel: 0,
      sessionId: s.id,
      sessionEpoch: s.epoch,
      topics: [...byTopic].map(([topic, ps]) => ({
        topic: topic as TopicName,
        partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: p.leaderEpoch, fetchOffset: p.fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch, logStartOffset: p.logStartOffset, partitionMaxBytes: this.s.partitionMaxBytes })),
      })),
      forgottenTopicsData: [...forgotten].map(([topic, partitions]) => ({ topic: topic as TopicName, partitions })),
      rackId: '',
    };
  }

  /** `sent`: the partitions as asked for; one replaced since (a new epoch or leader) ignores this answer. */
  private async handle(responses: ReadonlyArray<{ topic: string; partitions: ReadonlyArray<{ partitionIndex: number; errorCode: number; highWatermark: bigint; logStartOffset: bigint; divergingEpoch: { epoch: number; endOffset: bigint }; records: Buffer | null }> }>, sent: ReadonlySet<Followed>): Promise<void> {
    const appends: Array<{ p: Followed; msg: PartitionMessage; transfer?: ArrayBuffer[] }> = [];
    const repairs: Array<() => Promise<void>> = [];
    for (const t of responses) {
      for (const r of t.partitions) {
        const p = this.partitions.get(partitionKey(t.topic, r.partitionIndex));
        if (p === undefined || !sent.has(p)) continue;
        if (r.errorCode === 0 && (r.divergingEpoch.epoch >= 0 || r.divergingEpoch.endOffset >= 0n)) {
          repairs.push(() => this.truncateToDivergence(p, r.divergingEpoch.epoch, r.divergingEpoch.endOffset));
        } else if (r.errorCode === 0) {
          const records = r.records ?? Buffer.alloc(0);
          if (this.host.pooled && records.length > 0) {
            const copy = new Uint8Array(records.length);
            copy.set(records);
            appends.push({ p, msg: { t: 'appendReplica', records: copy, leaderHighWatermark: r.highWatermark, leaderLogStartOffset: r.logStartOffset }, transfer: [copy.buffer] });
          } else appends.push({ p, msg: { t: 'appendReplica', records, leaderHighWatermark: r.highWatermark, leaderLogStartOffset: r.logStartOffset } });
        } else if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          repairs.push(() => this.outOfRange(p, r.logStartOffset, r.highWatermark));
        } else {
          if (!RETRIABLE_PAUSE.has(r.errorCode)) this.log.warn(`replica fetch of ${p.topic}-${p.partition} from broker ${this.leaderId} answered error ${r.errorCode}`);
          p.pausedUntil = Date.now() + this.s.backoffMs;
        }
      }
    }
    const outcomes = await this.host.askMany<FollowerPosition>(appends.map((a) => ({ topic: a.p.topic, partition: a.p.partition, msg: a.msg, ...(a.transfer ? { transfer: a.transfer } : {}) })));
    outcomes.forEach((o, i) => {
      const p = appends[i]!.p;
      if (this.partitions.get(partitionKey(p.topic, p.partition)) !== p) return;
      if (!o.ok || o.value.error !== undefined) {
        this.log.warn(`appending ${p.topic}-${p.partition} from broker ${this.leaderId} failed: ${o.ok ? o.value.error : o.error.message}`);
        p.pausedUntil = Date.now() + this.s.backoffMs;
        // The log may have moved meanwhile (an answer to an earlier fetch landed): fetch on from where it stands.
        repairs.push(async () => {
          const pos = await this.ask(p, { t: 'appendReplica', records: new Uint8Array(0), leaderHighWatermark: -1n, leaderLogStartOffset: -1n });
          if (pos !== null && this.partitions.get(partitionKey(p.topic, p.partition)) === p) this.moveTo(p, pos);
        });
        return;
      }
      this.moveTo(p, o.value);
    });
    for (const repair of repairs) await repair();
  }

  private moveTo(p: Followed, pos: FollowerPosition): void {
    p.fetchOffset = pos.logEndOffset;
    p.lastFetchedEpoch = pos.lastFetchedEpoch;
    p.logStartOffset = pos.logStartOffset;
    p.highWatermark = pos.highWatermark;
  }

  private async ask(p: Followed, msg: PartitionMessage): Promise<FollowerPosition | null> {
    const [o] = await this.host.askMany<FollowerPosition>([{ topic: p.topic, partition: p.partition, msg }]);
    if (!o!.ok || o!.value.error !== undefined) {
      this.log.warn(`${msg.t} of ${p.topic}-${p.partition} failed: ${o!.ok ? o!.value.error : o!.error.message}`);
      p.pausedUntil = Date.now() + this.s.backoffMs;
      return null;
    }
    return o!.value;
  }

  /** Truncates to where this log and the leader's agree: the smaller end offset of the epoch both know. */
  private async truncateToDivergence(p: Followed, epoch: number, leaderEnd: bigint): Promise<void> {
    let target: bigint;
    if (epoch < 0 || leaderEnd < 0n) {
      // The leader knows no epoch this old: only what was committed is certain.
      target = p.highWatermark;
    } else {
      const [o] = await this.host.askMany<{ leaderEpoch: number; endOffset: bigint }>([{ topic: p.topic, partition: p.partition, msg: { t: 'epochEndOffset', leaderEpoch: epoch, currentLeaderEpoch: -1 } }]);
      const own = o!.ok ? o!.value.endOffset : -1n;
      target = own >= 0n && own < leaderEnd ? own : leaderEnd;
    }
    if (this.partitions.get(partitionKey(p.topic, p.partition)) !== p) return;
    this.log.info(`${p.topic}-${p.partition}: truncating to ${target} (diverged from broker ${this.leaderId} at epoch ${epoch}, leader end ${leaderEnd}; log end was ${p.fetchOffset})`);
    const pos = await this.ask(p, { t: 'truncate', offset: target });
    if (pos !== null) this.moveTo(p, pos);
  }

  private async outOfRange(p: Followed, leaderStart: bigint, leaderHw: bigint): Promise<void> {
    if (this.partitions.get(partitionKey(p.topic, p.partition)) !== p) return;
    if (p.fetchOffset < leaderStart) {
      this.log.info(`${p.topic}-${p.partition}: behind broker ${this.leaderId}'s log start ${leaderStart}; restarting there`);
      const pos = await this.ask(p, { t: 'truncate', offset: leaderStart, startAt: true });
      if (pos !== null) {
        this.moveTo(p, pos);
        p.fetchOffset = leaderStart;
      }
      return;
    }
    // Ahead of the leader with no epoch to compare (an empty epoch cache): its high watermark is certain.
    const pos = await this.ask(p, { t: 'truncate', offset: leaderHw });
    if (pos !== null) this.moveTo(p, pos);
  }
}

export class ReplicaFetchers {
  private readonly byLeader = new Map<number, LeaderFetcher>();
  private readonly leaderOf = new Map<string, number>();

  constructor(
    private readonly s: FetcherSettings,
    private readonly host: PartitionRouter,
    private readonly log: Logger,
  ) {}

  /**
   * Changes to which fetcher follows what run one at a time: LeaderAndIsr
   * applies its partitions concurrently, and a follow that waited on a
   * fetcher's answer while an unfollow closed that fetcher (its last
   * partition gone) would otherwise land on a closed fetcher and never fetch,
   * leaving an ISR member silent and the high watermark stuck.
   */
  private changes: Promise<void> = Promise.resolve();

  private serially(change: () => Promise<void>): Promise<void> {
    const run = this.changes.then(change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  /** Follows a partition from `leaderId` in `leaderEpoch`, from the position its actor gave. */
  follow(leaderId: number, endpoint: Endpoint, f: { topic: string; partition: number; leaderEpoch: number }, pos: FollowerPosition): Promise<void> {
    return this.serially(async () => {
      const key = partitionKey(f.topic, f.partition);
      const was = this.leaderOf.get(key);
      if (was !== undefined && was !== leaderId) await this.stop(key);
      let fetcher = this.byLeader.get(leaderId);
      if (fetcher === undefined || fetcher.closed) this.byLeader.set(leaderId, (fetcher = new LeaderFetcher(leaderId, endpoint, this.s, this.host, this.log)));
      fetcher.setEndpoint(endpoint);
      await fetcher.processing;
      fetcher.partitions.set(key, { ...f, fetchOffset: pos.logEndOffset, lastFetchedEpoch: pos.lastFetchedEpoch, logStartOffset: pos.logStartOffset, highWatermark: pos.highWatermark, pausedUntil: 0 });
      this.leaderOf.set(key, leaderId);
      fetcher.start();
    });
  }

  /** Stops following; resolves once no append for it is under way. */
  unfollow(topic: string, partition: number): Promise<void> {
    return this.serially(() => this.stop(partitionKey(topic, partition)));
  }

  private async stop(key: string): Promise<void> {
    const leaderId = this.leaderOf.get(key);
    if (leaderId === undefined) return;
    this.leaderOf.delete(key);
    const fetcher = this.byLeader.get(leaderId);
    if (fetcher === undefined) return;
    fetcher.partitions.delete(key);
    await fetcher.processing;
    if (fetcher.partitions.size === 0) {
      this.byLeader.delete(leaderId);
      // Not awaited: a connect to an unreachable leader may take its timeout, and nothing it fetches can land now.
      void fetcher.close();
    }
  }

  following(topic: string, partition: number): number | undefined {
    return this.leaderOf.get(partitionKey(topic, partition));
  }

  close(): Promise<void> {
    return this.serially(async () => {
      const all = [...this.byLeader.values()];
      this.byLeader.clear();
      this.leaderOf.clear();
      await Promise.all(all.map((f) => f.close()));
    });
  }
}
