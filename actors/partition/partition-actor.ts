/**
 * PartitionActor: owns one partition's native log, its high watermark (a
 * single node: the log end offset), leader epoch cache and idempotent
 * producer state. One message at a time (the runtime guarantees it), so no
 * append interleaves with another or with a read's bounds.
 *
 * Runs inline or on a pool worker. Its opening parameters are kept per thread
 * (`opened`), with the log start offset and recovery point kept current, so a
 * restart after a crash reopens the same log from disk where it stood: a
 * DeleteRecords or a retention pass is never undone by a restart.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, type LogConfig } from '../../native/index.js';
import { deletePartitionDir } from './deleted-dirs.js';
import { LONG_MAX, type LogPolicy } from '../config/index.js';
import type { ActorAddress, ActorContext, Behaviour } from '../runtime/index.js';
import { withTransfer } from '../runtime/index.js';
import { scanBatch } from './batch-scan.js';
import { legacyOffsetsBefore } from './legacy-offsets.js';
import { recompressed, upConverted } from './stored-form.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { LeaderReplicaState } from './replica-state.js';
import type {
  AppendResult,
  ListOffsetResult,
  OpenPartition,
  PartitionDescription,
  PartitionMessage,
  FetchBounds,
  FollowerPosition,
  ReadResult,
  ReplicaFetchRequest,
  ReplicaFetchResult,
  ReplicationRole,
  SwapCleanedResult,
} from './messages.js';
import { ProducerStateTable } from './producer-state.js';
import { cleanPlan, type CleanerSettings, type CleanPlan } from './cleaner/clean-plan.js';
import { segmentPath, type CleanedGroup } from './cleaner/clean-job.js';
import { firstRecordAtOrAfter, firstRecordAtOrAfterScanning, recordWithTimestamp } from './timestamp-lookup.js';
import { kafkaErrorForStorage } from './storage-errors.js';

/** The single node's only leader epoch; a cluster's LeaderAndIsr gives others. */
const FIRST_LEADER_EPOCH = 0;
const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;
/** The native time index takes timestamps as doubles: exact up to here. */
const SAFE_TIMESTAMP = BigInt(Number.MAX_SAFE_INTEGER);
/** Batch headers read per native call while rebuilding producer state. */
const SCAN_CHUNK = 4096;

/**
 * Open parameters by system and partition, per thread: a partition actor
 * restarted by its supervisor is rebuilt from its address alone and reopens
 * its log from here. Keyed by system too, because several brokers (actor
 * systems) may run in one process with the same partition names.
 */
const opened = new Map<string, OpenPartition>();

export function logConfigOf(policy: LogPolicy): Partial<LogConfig> {
  const big = (n: number) => (n >= LONG_MAX ? Infinity : n);
  return {
    segmentBytes: policy.segmentBytes,
    segmentMs: big(policy.segmentMs),
    segmentIndexBytes: Math.max(12, policy.segmentIndexBytes),
    indexIntervalBytes: policy.indexIntervalBytes,
    flushMessages: big(policy.flushMessages),
    flushMs: big(policy.flushMs),
    retentionBytes: policy.retentionBytes,
    retentionMs: policy.retentionMs,
  };
}

export class PartitionActor implements Behaviour<PartitionMessage, unknown> {
  private log: PartitionLog | null = null;
  private params: OpenPartition | null = null;
  private policy: LogPolicy | null = null;
  private epochs: LeaderEpochCache | null = null;
  /** The epoch this replica leads in: what appends are stamped with and what clients' currentLeaderEpoch is checked against. */
  private leaderEpoch = FIRST_LEADER_EPOCH;
  private readonly producers = new ProducerStateTable();
  private inline = true;
  /** A cluster replica's role; null on a single node (its high watermark is its log end). */
  private role: ReplicationRole | null = null;
  /** The leader's view of its followers; null on a follower or a single node. */
  private replicaState: LeaderReplicaState | null = null;
  /** Kept only with a role: the offset below which every ISR member has the records. */
  private hw = 0n;
  /** The lowest offset this log was truncated to since the cleaner last planned: what lay above it and was clean is gone, and the new records there are dirty. */
  private truncatedTo = Infinity;

  constructor(readonly address: ActorAddress) {}

  private openedKey = '';

  start(ctx: ActorContext<PartitionMessage>): void {
    this.inline = ctx.workerIndex === -1;
    this.openedKey = `${ctx.systemId}/${this.address.key}`;
    const params = opened.get(this.openedKey);
    if (params !== undefined) this.open(params, Date.now());
  }

  stop(): void {
    // A crash restart reopens from `opened`: it must not go back to older offsets.
    if (this.log !== null) this.remember(this.log);
    this.log?.close();
    this.log = null;
  }

  handle(msg: PartitionMessage, ctx: ActorContext<PartitionMessage>): unknown {
    // Wall-clock time: retention and producer expiry compare it with record timestamps.
    const now = Date.now();
    switch (msg.t) {
      case 'open':
        if (this.log !== null && this.params?.topicId === msg.topicId) {
          this.params = { ...this.params, leaderEpoch: msg.leaderEpoch, replication: msg.replication };
          opened.set(this.openedKey, this.params);
          this.takeRole(msg.replication ?? null, msg.leaderEpoch ?? this.leaderEpoch, now);
          this.reconfigure(msg.policy, now);
          return this.position();
        }
        this.stop();
        opened.set(this.openedKey, msg);
        this.open(msg, now);
        return this.position();
      case 'replicaFetch':
        return storageAnswer(() => this.replicaFetch(msg, now), { highWatermark: -1n, logStartOffset: -1n, logEndOffset: -1n, dir: '', advanced: false, isrSize: 0, leaderEpoch: -1, partitionEpoch: -1 });
      case 'appendReplica':
        return this.appendReplica(toBuffer(msg.records), msg.leaderHighWatermark, msg.leaderLogStartOffset, now);
      case 'truncate':
        return storageAnswer(() => this.truncate(msg.offset, msg.startAt === true, now), { logEndOffset: -1n, logStartOffset: -1n, highWatermark: -1n, lastFetchedEpoch: -1 });
      case 'isrCheck':
        return this.isrCheck(msg.lagMaxMs, now);
      case 'append':
        return this.append(toBuffer(msg.records), now, msg.requiredAcks ?? 1);
      case 'read':
        return this.read(msg.offset, msg.maxBytes, msg.currentLeaderEpoch, msg.toLogEnd === true);
      case 'fetchBounds':
        return this.fetchBounds(msg.offset, msg.currentLeaderEpoch);
      case 'listOffset':
        if (msg.maxNumOffsets !== undefined) return storageAnswer(() => this.legacyOffsets(msg.timestamp, msg.maxNumOffsets!, now), { offset: -1n, timestamp: -1n, leaderEpoch: -1 });
        return storageAnswer(() => this.listOffset(msg.timestamp, msg.currentLeaderEpoch), { offset: -1n, timestamp: -1n, leaderEpoch: -1 });
      case 'deleteRecords':
        return storageAnswer(() => this.deleteRecords(msg.offset), { lowWatermark: -1n });
      case 'epochEndOffset': {
        const fenced = this.checkEpoch(msg.currentLeaderEpoch);
        if (fenced) return { ...fenced, leaderEpoch: -1, endOffset: -1n };
        const log = this.openLog();
        const r = this.epochs!.endOffsetFor(msg.leaderEpoch, BigInt(log.logEndOffset));
        return { leaderEpoch: r.epoch, endOffset: r.endOffset };
      }
      case 'reconfigure':
        return this.reconfigure(msg.policy, now);
      case 'describe':
        return this.describe();
      case 'maintain':
        return this.maintain(now, msg.producerIdExpirationMs, msg.retention);
      case 'cleanPlan':
        return this.cleanPlanFor(msg.firstDirtyOffset, msg.settings, now, msg.peek === true);
      case 'swapCleaned':
        return this.swapCleaned(msg.groups);
      case 'flush': {
        const log = this.openLog();
        log.flush();
        this.remember(log);
        return { recoveryPoint: log.recoveryPoint, logStartOffset: log.logStartOffset };
      }
      case 'close': {
        const dir = this.log?.dir ?? (this.params ? partitionDir(this.params) : null);
        this.stop();
        opened.delete(this.openedKey);
        this.params = null;
        this.producers.clear();
        if (msg.deleteData && dir !== null) void deletePartitionDir(dir, (err) => ctx.log.warn(`removing deleted partition directory ${dir}: ${err.message}`));
        return { closed: true };
      }
    }
  }

  private open(params: OpenPartition, nowMs: number): void {
    this.params = params;
    this.policy = params.policy;
    const dir = partitionDir(params);
    const log = PartitionLog.open(dir, logConfigOf(params.policy), {
      recoveryPoint: params.recoveryPoint >= 0n ? Number(params.recoveryPoint) : 0,
      logStartOffset: params.logStartOffset >= 0n ? Number(params.logStartOffset) : 0,
    });
    this.log = log;
    this.epochs = LeaderEpochCache.load(dir);
    this.epochs.truncateFromEnd(BigInt(log.logEndOffset) + 1n);
    this.leaderEpoch = FIRST_LEADER_EPOCH;
    this.role = null;
    this.replicaState = null;
    // A replica's high watermark at open: the checkpointed one (every ISR member had that much when it was written), within the log; else the log start. The leader's answers (a follower) or the ISR's fetches (a leader) move it on.
    const start = BigInt(log.logStartOffset);
    const checkpointed = params.highWatermark ?? -1n;
    this.hw = checkpointed < start ? start : checkpointed > BigInt(log.logEndOffset) ? BigInt(log.logEndOffset) : checkpointed;
    const follower = params.replication?.role === 'follower';
    // A follower's epochs are its leader's, from the batches it copies; only a leader starts one.
    if (this.epochs.latestEpoch < 0 && !follower) this.epochs.assign(FIRST_LEADER_EPOCH, BigInt(log.logStartOffset));
    this.takeRole(params.replication ?? null, params.leaderEpoch ?? Math.max(FIRST_LEADER_EPOCH, this.epochs.latestEpoch), nowMs);
    this.rebuildProducers(log, nowMs);
  }

  /**
   * Leader or follower in `epoch` (LeaderAndIsr), or the single node's only
   * role. A leader in a new epoch starts it at its log end and forgets what
   * it knew of its followers; in the same epoch it takes the new ISR (an
   * AlterPartition answered).
   */
  private takeRole(role: ReplicationRole | null, epoch: number, nowMs: number): void {
    const newEpoch = epoch > this.leaderEpoch || this.role?.role !== role?.role;
    this.role = role;
    if (role === null || role.role === 'leader') {
      this.lead(epoch);
      if (role === null) this.replicaState = null;
      else if (this.replicaState === null || newEpoch) this.replicaState = new LeaderReplicaState(role.brokerId, role.replicas, role.isr, role.partitionEpoch, nowMs);
      else this.replicaState.update(role.replicas, role.isr, role.partitionEpoch, nowMs);
      this.advanceHighWatermark();
    } else {
      if (epoch >= this.leaderEpoch) this.leaderEpoch = epoch;
      this.replicaState = null;
    }
  }

  /** Single node: the log end. A replica: what every ISR member has. */
  private highWatermark(log: PartitionLog): bigint {
    return this.role === null ? BigInt(log.logEndOffset) : this.hw;
  }

  /** The leader's high watermark moves up to the smallest log end in the ISR, never down. True when it moved. */
  private advanceHighWatermark(): boolean {
    const log = this.log;
    const rs = this.replicaState;
    if (log === null || rs === null) return false;
    const min = rs.isrMinimum(BigInt(log.logEndOffset));
    if (min > this.hw) {
      this.hw = min;
      return true;
    }
    return false;
  }

  private position(): FollowerPosition {
    const log = this.openLog();
    const end = BigInt(log.logEndOffset);
    return { logEndOffset: end, logStartOffset: BigInt(log.logStartOffset), highWatermark: this.highWatermark(log), lastFetchedEpoch: end > BigInt(log.logStartOffset) ? this.epochs!.latestEpoch : -1 };
  }

  /**
   * A follower's fetch (Kafka's Partition.fetchRecords for a replica): fenced
   * by the leader epoch; a follower whose last fetched epoch ends earlier
   * here than its fetch offset is told where it diverged (KIP-320) and
   * records nothing; otherwise its offset is taken, the high watermark may
   * move, and a follower that has caught up is proposed for the ISR.
   */
  private replicaFetch(msg: ReplicaFetchRequest, nowMs: number): ReplicaFetchResult {
    const log = this.openLog();
    const rs = this.replicaState;
    const leo = BigInt(log.logEndOffset);
    const base = { highWatermark: this.highWatermark(log), logStartOffset: BigInt(log.logStartOffset), logEndOffset: leo, dir: log.dir, advanced: false, isrSize: rs?.isr.length ?? 1, leaderEpoch: this.leaderEpoch, partitionEpoch: rs?.partitionEpoch ?? -1 };
    if (rs === null) return { ...base, error: 'NOT_LEADER_OR_FOLLOWER' };
    const fenced = this.checkEpoch(msg.currentLeaderEpoch);
    if (fenced) return { ...base, ...fenced };
    if (!rs.isReplica(msg.replicaId)) return { ...base, error: 'NOT_LEADER_OR_FOLLOWER' };
    if (msg.lastFetchedEpoch >= 0) {
      const r = this.epochs!.endOffsetFor(msg.lastFetchedEpoch, leo);
      if (r.epoch !== msg.lastFetchedEpoch || r.endOffset < msg.fetchOffset) return { ...base, divergingEpoch: { epoch: r.epoch, endOffset: r.endOffset } };
    }
    if (msg.fetchOffset < base.logStartOffset || msg.fetchOffset > leo) return { ...base, error: 'OFFSET_OUT_OF_RANGE' };
    rs.onFetch(msg.replicaId, msg.fetchOffset, leo, nowMs);
    const advanced = this.advanceHighWatermark();
    const epochStart = this.epochs!.endOffsetFor(this.leaderEpoch - 1, leo).endOffset;
    const joins = rs.joinable(msg.replicaId, this.hw, epochStart < 0n ? 0n : epochStart);
    if (joins) rs.proposedAdd(msg.replicaId, nowMs);
    return { ...base, highWatermark: this.hw, advanced, ...(joins ? { proposeIsr: [...rs.isr, msg.replicaId].sort((a, b) => a - b) } : {}) };
  }

  /** ISR members behind for longer than `lagMaxMs`: the ISR without them, or null when all keep up. */
  private isrCheck(lagMaxMs: number, nowMs: number): { proposeIsr: number[] | null; leaderEpoch: number; partitionEpoch: number } {
    const rs = this.replicaState;
    if (rs === null) return { proposeIsr: null, leaderEpoch: this.leaderEpoch, partitionEpoch: -1 };
    const out = rs.lagging(nowMs, lagMaxMs);
    return { proposeIsr: out.length === 0 ? null : rs.isr.filter((id) => !out.includes(id)), leaderEpoch: this.leaderEpoch, partitionEpoch: rs.partitionEpoch };
  }

  /**
   * A follower's append: the leader's batches with their own offsets and
   * epochs (the epoch cache learns each new epoch where it starts), producer
   * state as the leader's, and the leader's high watermark as far as this
   * log reaches.
   */
  private appendReplica(buf: Buffer, leaderHw: bigint, leaderLogStart: bigint, nowMs: number): FollowerPosition {
    const log = this.log;
    if (log === null || this.role?.role !== 'follower') return { error: 'NOT_LEADER_OR_FOLLOWER', logEndOffset: -1n, logStartOffset: -1n, highWatermark: -1n, lastFetchedEpoch: -1 };
    if (buf.length > 0) {
      const before = log.logEndOffset;
      try {
        log.append(buf, { assignOffsets: false });
      } catch (err) {
        const mapped = kafkaErrorForStorage(err);
        if (mapped === null) throw err;
        return { ...this.position(), error: mapped.error };
      }
      this.learnFromBatches(log, before, nowMs, true);
    }
    const end = BigInt(log.logEndOffset);
    if (leaderLogStart > BigInt(log.logStartOffset) && leaderLogStart <= end) {
      log.deleteRecordsBefore(Number(leaderLogStart));
      this.producers.truncateHead(leaderLogStart);
      this.remember(log);
    }
    // The leader's high watermark, within this log (Kafka's follower updateHighWatermark): it may be below one checkpointed before an unclean election.
    const hw = leaderHw < end ? leaderHw : end;
    const start = BigInt(log.logStartOffset);
    this.hw = hw > start ? hw : start;
    return this.position();
  }

  /** A follower's truncation to where its leader's log diverges; producer state is rebuilt from what is left. */
  private truncate(offset: bigint, startAt: boolean, nowMs: number): FollowerPosition {
    const log = this.openLog();
    if (startAt) {
      // Emptied and restarted at the leader's log start (the follower fell behind its retention).
      // The next fetch starts at the leader's log start; that append moves this log's start up to it.
      log.truncateTo(log.logStartOffset);
      this.epochs!.clear();
    } else {
      if (offset < BigInt(log.logEndOffset)) log.truncateTo(Number(offset));
      // Also when no record goes: an epoch this replica began as leader and
      // wrote nothing in starts at the log end, and kept, it would be the
      // last fetched epoch again, the leader would answer the same divergence,
      // and the follower would never fetch (Kafka's truncateFromEnd).
      this.epochs!.truncateTo(BigInt(log.logEndOffset));
    }
    const end = BigInt(log.logEndOffset);
    if (this.hw > end) this.hw = end;
    this.truncatedTo = Math.min(this.truncatedTo, log.logEndOffset);
    this.remember(log);
    this.rebuildProducers(log, nowMs);
    return this.position();
  }

  /** Leads in `epoch` from now: a newer epoch starts at the log end (the leader epoch cache's entry for it). */
  private lead(epoch: number): void {
    if (epoch < this.leaderEpoch) return;
    this.leaderEpoch = epoch;
    if (epoch > this.epochs!.latestEpoch) this.epochs!.assign(epoch, BigInt(this.openLog().logEndOffset));
  }

  /** Producer state from the batch headers on disk: no snapshot file to trust or lose. */
  private rebuildProducers(log: PartitionLog, nowMs: number): void {
    this.producers.clear();
    this.learnFromBatches(log, log.logStartOffset, nowMs, false);
  }

  /**
   * Reads the batch headers from `from` to the log end, chunk by chunk:
   * idempotent producers' state, and (a follower's append) each new leader
   * epoch where its first batch starts.
   */
  private learnFromBatches(log: PartitionLog, from: number, nowMs: number, epochs: boolean): void {
    const end = log.logEndOffset;
    while (from < end) {
      const headers = log.scanBatches(from, SCAN_CHUNK);
      if (headers.length === 0) break;
      for (const h of headers) {
        if (epochs && h.partitionLeaderEpoch > this.epochs!.latestEpoch) this.epochs!.assign(h.partitionLeaderEpoch, BigInt(h.baseOffset));
        if (h.producerId >= 0 && !h.isControl) {
          this.producers.record(
            { producerId: BigInt(h.producerId), producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, lastOffsetDelta: h.lastOffset - h.baseOffset },
            BigInt(h.baseOffset),
            BigInt(h.lastOffset),
            h.isLogAppendTime ? h.maxTimestamp : -1,
            nowMs,
          );
        }
      }
      from = headers[headers.length - 1]!.lastOffset + 1;
    }
  }

  /** Keeps `opened` at the log's current start offset and recovery point, for a restart. */
  private remember(log: PartitionLog): void {
    const p = this.params;
    if (p === null) return;
    const recoveryPoint = BigInt(log.recoveryPoint);
    const logStartOffset = BigInt(log.logStartOffset);
    if (p.recoveryPoint === recoveryPoint && p.logStartOffset === logStartOffset) return;
    this.params = { ...p, recoveryPoint, logStartOffset };
    opened.set(this.openedKey, this.params);
  }

  private openLog(): PartitionLog {
    // A request racing a topic deletion finds the log closed: an answer (NOT_LEADER_OR_FOLLOWER), not a crash.
    if (this.log === null) throw Object.assign(new Error(`partition ${this.address.key} is not open`), { name: 'ActorStoppedError', operational: true });
    return this.log;
  }

  /**
   * All or nothing: the batch header, its compressed records, the producer's
   * sequence and (natively) the CRC and uncompressed records are all checked
   * before the first byte is written, and producer state moves only once the
   * batch is in the log.
   */
  private append(buf: Buffer, nowMs: number, requiredAcks: number): AppendResult {
    const log = this.log;
    const isrSize = this.replicaState?.isr.length ?? 1;
    // A single node is its own whole ISR, whatever min.insync.replicas says.
    const minIsr = this.role === null ? 1 : (this.policy?.minInsyncReplicas ?? 1);
    const none = { baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, highWatermark: -1n, lastOffset: -1n, isrSize, minIsr, leaderEpoch: this.leaderEpoch };
    if (log === null) return { ...none, error: 'NOT_LEADER_OR_FOLLOWER', message: 'partition is not open' };
    if (this.role?.role === 'follower') return { ...none, error: 'NOT_LEADER_OR_FOLLOWER', message: 'this replica follows' };
    const policy = this.policy!;
    // Kafka checks the ISR before appending: with too few in sync, an acks=-1 write is not taken at all.
    if (requiredAcks === -1 && isrSize < minIsr) {
      return { ...none, error: 'NOT_ENOUGH_REPLICAS', message: `The size of the current ISR ${isrSize} is insufficient to satisfy the min.isr requirement of ${minIsr}`, logStartOffset: BigInt(log.logStartOffset) };
    }
    const refused = (error: string, message: string): AppendResult => ({ ...none, error, message, logStartOffset: BigInt(log.logStartOffset) });
    const up = upConverted(buf, policy);
    if (!up.ok) return refused(up.error, up.message);
    const scan = scanBatch(up.records, policy);
    if (!scan.ok) return refused(scan.error, scan.message);
    const stored = recompressed(up.records, policy);
    if (!stored.ok) return refused(stored.error, stored.message);
    buf = stored.records;
    const b = scan.batch;
    const idempotent = b.producerId >= 0n;
    if (idempotent) {
      const check = this.producers.check(b);
      if (check.kind === 'error') return refused(check.error, check.message);
      if (check.kind === 'duplicate') {
        const appendTime = policy.logAppendTime && check.timestampMs >= 0 ? BigInt(check.timestampMs) : -1n;
        return { ...none, baseOffset: check.firstOffset, logAppendTimeMs: appendTime, logStartOffset: BigInt(log.logStartOffset), highWatermark: this.highWatermark(log), lastOffset: check.firstOffset + BigInt(b.lastOffsetDelta) };
      }
    }
    let r;
    try {
      r = log.append(buf, { leaderEpoch: this.leaderEpoch, timestampType: policy.logAppendTime ? 'logAppend' : 'create', keyedOnly: policy.compacted });
    } catch (err) {
      const mapped = kafkaErrorForStorage(err);
      if (mapped === null) throw err;
      return refused(mapped.error, mapped.message);
    }
    if (idempotent) this.producers.record(b, BigInt(r.baseOffset), BigInt(r.lastOffset), r.logAppendTime, nowMs);
    this.advanceHighWatermark();
    const appendTime = policy.logAppendTime && r.logAppendTime >= 0 ? BigInt(r.logAppendTime) : -1n;
    return { ...none, baseOffset: BigInt(r.baseOffset), logAppendTimeMs: appendTime, logStartOffset: BigInt(log.logStartOffset), highWatermark: this.highWatermark(log), lastOffset: BigInt(r.lastOffset) };
  }

  private checkEpoch(current: number): { error: string } | null {
    if (current === -1 || current === this.leaderEpoch) return null;
    return { error: current > this.leaderEpoch ? 'UNKNOWN_LEADER_EPOCH' : 'FENCED_LEADER_EPOCH' };
  }

  /**
   * What a fetch at `offset` may read: below the high watermark, from the log
   * start, for this leader epoch. The bytes are read by the broker from an
   * attached handle, so none are copied here or cross threads.
   */
  private fetchBounds(offset: bigint, currentLeaderEpoch: number): FetchBounds {
    const log = this.log;
    if (log === null) return { error: 'NOT_LEADER_OR_FOLLOWER', highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, dir: '' };
    const hw = this.highWatermark(log);
    const base = { highWatermark: hw, lastStableOffset: hw, logStartOffset: BigInt(log.logStartOffset), dir: log.dir };
    const fenced = this.checkEpoch(currentLeaderEpoch);
    if (fenced) return { ...base, ...fenced };
    // Out of range only past the log end, as Kafka's LocalLog.read: a new leader's high watermark can trail what consumers already read from the old one, and they get empty answers until it catches up.
    if (offset < base.logStartOffset || offset > BigInt(log.logEndOffset)) return { ...base, error: 'OFFSET_OUT_OF_RANGE' };
    return base;
  }

  /** Batches copied out for readers beside this actor (the offsets log of a coordinator); Fetch uses fetchBounds. */
  private read(offset: bigint, maxBytes: number, currentLeaderEpoch: number, toLogEnd: boolean): ReadResult | ReturnType<typeof withTransfer<ReadResult>> {
    const log = this.log;
    if (log === null) return { error: 'NOT_LEADER_OR_FOLLOWER', highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: [], bytes: 0 };
    // `highWatermark` answers the bound read up to: the log end for the leader's own reader.
    const hw = toLogEnd ? BigInt(log.logEndOffset) : this.highWatermark(log);
    const start = BigInt(log.logStartOffset);
    const base = { highWatermark: hw, lastStableOffset: hw, logStartOffset: start, records: [] as Uint8Array[], bytes: 0 };
    const fenced = this.checkEpoch(currentLeaderEpoch);
    if (fenced) return { ...base, ...fenced };
    if (offset < start || offset > BigInt(log.logEndOffset)) return { ...base, error: 'OFFSET_OUT_OF_RANGE' };
    if (offset >= hw) return base;
    let r;
    try {
      r = log.read(Number(offset), Math.max(0, maxBytes), { maxOffset: Number(hw) });
    } catch (err) {
      const mapped = kafkaErrorForStorage(err);
      if (mapped === null) throw err;
      return { ...base, error: mapped.error };
    }
    if (this.inline) return { ...base, records: r.views, bytes: r.bytes };
    // Views over the mapped segment cannot cross threads: one copy into memory the reply owns and transfers.
    const copy = new Uint8Array(r.bytes);
    let at = 0;
    for (const v of r.views) {
      copy.set(v, at);
      at += v.length;
    }
    return withTransfer({ ...base, records: [copy], bytes: r.bytes }, [copy.buffer]);
  }

  /** ListOffsets v0: offsets before a time by segment file age, as Kafka's legacy answer. */
  private legacyOffsets(timestamp: bigint, maxNumOffsets: number, nowMs: number): ListOffsetResult {
    const log = this.openLog();
    const segments = log.segments().map((s) => ({ baseOffset: BigInt(s.baseOffset), bytes: s.bytes, lastModifiedMs: segmentMtimeMs(log.dir, s.baseOffset, nowMs) }));
    const offsets = legacyOffsetsBefore(segments, BigInt(log.logStartOffset), BigInt(log.logEndOffset), nowMs, timestamp, maxNumOffsets);
    return { offset: -1n, timestamp: -1n, leaderEpoch: -1, offsets };
  }

  private listOffset(timestamp: bigint, currentLeaderEpoch: number): ListOffsetResult {
    const log = this.openLog();
    const fenced = this.checkEpoch(currentLeaderEpoch);
    if (fenced) return { ...fenced, offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    const hw = this.highWatermark(log);
    const at = (offset: bigint, ts: bigint): ListOffsetResult => ({ offset, timestamp: ts, leaderEpoch: this.leaderEpoch });
    if (timestamp === EARLIEST || timestamp === EARLIEST_LOCAL) return at(BigInt(log.logStartOffset), -1n);
    if (timestamp === LATEST) return at(hw, -1n);
    if (timestamp === LATEST_TIERED) return { offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    if (timestamp === MAX_TIMESTAMP) return this.maxTimestampOffset(log);
    if (timestamp < 0n) return { error: 'INVALID_REQUEST', offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    // Past 2^53-1 the time index cannot answer exactly; Kafka answers "no record" past every timestamp.
    if (timestamp > SAFE_TIMESTAMP) return this.offsetBeyondSafeTimestamp(log, timestamp);
    const found = log.offsetForTimestamp(Number(timestamp));
    if (found === null || BigInt(found.offset) >= hw) return { offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    const hit = firstRecordAtOrAfter(log, found.offset, timestamp, log.logEndOffset);
    return hit === null ? at(BigInt(found.offset), BigInt(found.timestamp)) : at(hit.offset, hit.timestamp);
  }

  /** A target past 2^53-1: a record only when the log holds timestamps that large (int64 on the wire). */
  private offsetBeyondSafeTimestamp(log: PartitionLog, timestamp: bigint): ListOffsetResult {
    const none = { offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    let maxTs = -1;
    for (const s of log.segments()) if (s.maxTimestamp > maxTs) maxTs = s.maxTimestamp;
    if (maxTs < Number.MAX_SAFE_INTEGER) return none;
    const found = log.offsetForTimestamp(Number.MAX_SAFE_INTEGER);
    if (found === null) return none;
    const hit = firstRecordAtOrAfterScanning(log, found.offset, timestamp, log.logEndOffset);
    return hit === null ? none : { offset: hit.offset, timestamp: hit.timestamp, leaderEpoch: this.leaderEpoch };
  }

  /** The record holding the largest timestamp (the first such record). */
  private maxTimestampOffset(log: PartitionLog): ListOffsetResult {
    let maxTs = -1;
    for (const s of log.segments()) if (s.maxTimestamp > maxTs) maxTs = s.maxTimestamp;
    if (maxTs < 0) return { offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    const found = log.offsetForTimestamp(maxTs);
    if (found === null) return { offset: -1n, timestamp: -1n, leaderEpoch: -1 };
    const hit = recordWithTimestamp(log, found.offset, BigInt(maxTs), log.logEndOffset);
    return { offset: hit?.offset ?? BigInt(found.offset), timestamp: BigInt(maxTs), leaderEpoch: this.leaderEpoch };
  }

  private deleteRecords(offset: bigint): { error?: string; lowWatermark: bigint } {
    const log = this.openLog();
    const hw = this.highWatermark(log);
    const target = offset === -1n ? hw : offset;
    if (target < 0n || target > hw) return { error: 'OFFSET_OUT_OF_RANGE', lowWatermark: -1n };
    const low = BigInt(log.deleteRecordsBefore(Number(target)));
    this.producers.truncateHead(low);
    this.remember(log);
    return { lowWatermark: low };
  }

  private reconfigure(policy: LogPolicy, nowMs: number): { reopened: boolean } {
    const old = this.policy;
    this.policy = policy;
    if (this.params !== null) {
      this.params = { ...this.params, policy };
      opened.set(this.openedKey, this.params);
    }
    const a = old ? logConfigOf(old) : null;
    const b = logConfigOf(policy);
    const shapeChanged = a === null || (Object.keys(b) as Array<keyof LogConfig>).some((k) => a[k] !== b[k]);
    if (!shapeChanged || this.log === null) return { reopened: false };
    // The native log takes its segment and flush shape at open: reopen (recovery is a no-op below the recovery point).
    const log = this.log;
    log.flush();
    const params = { ...this.params!, recoveryPoint: BigInt(log.recoveryPoint), logStartOffset: BigInt(log.logStartOffset) };
    log.close();
    this.log = null;
    this.open(params, nowMs);
    opened.set(this.openedKey, params);
    return { reopened: true };
  }

  private describe(): PartitionDescription {
    const log = this.openLog();
    let size = 0;
    let segments = 0;
    for (const s of log.segments()) {
      size += s.bytes;
      segments++;
    }
    return { sizeBytes: size, segments, flush: log.flushStats(), logStartOffset: BigInt(log.logStartOffset), logEndOffset: BigInt(log.logEndOffset), recoveryPoint: BigInt(log.recoveryPoint), leaderEpoch: this.leaderEpoch, highWatermark: this.role === null ? -1n : this.hw };
  }

  /** What the log cleaner may clean now; null unless open and compacted. */
  private cleanPlanFor(firstDirtyOffset: number, settings: CleanerSettings, nowMs: number, peek: boolean): CleanPlan | null {
    const log = this.log;
    const policy = this.policy;
    if (log === null || policy === null || !policy.compacted) return null;
    const plan = cleanPlan({
      log,
      firstDirtyOffset: Math.min(firstDirtyOffset, this.truncatedTo),
      highWatermark: Number(this.highWatermark(log)),
      policy,
      settings,
      keepBatchesEndingAt: this.producers.newestBatchEnds(),
      nowMs,
    });
    if (!peek) this.truncatedTo = Infinity;
    return plan;
  }

  /** Swaps the cleaner's segments in; a group whose segments changed meanwhile is dropped (the next cleaning redoes it). */
  private swapCleaned(groups: readonly CleanedGroup[]): SwapCleanedResult {
    const log = this.openLog();
    const t0 = performance.now();
    const done = log.replaceSegmentGroups(groups);
    const swapped = done.filter(Boolean).length;
    const refused = done.length - swapped;
    this.remember(log);
    return { swapped, refused, logStartOffset: log.logStartOffset, sizeBytes: log.segments().reduce((n, s) => n + s.bytes, 0), swapMs: Math.round(performance.now() - t0) };
  }

  /** Retention, flush.ms and producer expiry, on the broker's maintenance tick. */
  private maintain(nowMs: number, producerIdExpirationMs: number, retention: boolean): { deletedSegments: number; logStartOffset: number; recoveryPoint: number } {
    const log = this.openLog();
    const policy = this.policy!;
    let deletedSegments = 0;
    if (retention && policy.cleanupPolicy.includes('delete')) {
      const r = log.applyRetention(nowMs);
      deletedSegments = r.deletedSegments;
      if (deletedSegments > 0) this.producers.truncateHead(BigInt(r.logStartOffset));
    }
    log.maybeFlush(nowMs);
    this.producers.expire(nowMs, producerIdExpirationMs);
    this.remember(log);
    return { deletedSegments, logStartOffset: log.logStartOffset, recoveryPoint: log.recoveryPoint };
  }
}

/** A segment file's last-modified time; `fallbackMs` if it went away meanwhile (retention). */
function segmentMtimeMs(dir: string, baseOffset: number, fallbackMs: number): number {
  try {
    return Math.floor(statSync(segmentPath(dir, baseOffset)).mtimeMs);
  } catch {
    return fallbackMs;
  }
}

function partitionDir(p: OpenPartition): string {
  return join(p.dataDir, `${p.topic}-${p.partition}`);
}

/** A storage failure answers with its Kafka error (the partition stays up for the next request). */
function storageAnswer<R extends object>(run: () => R, none: R): R | (R & { error: string; message: string }) {
  try {
    return run();
  } catch (err) {
    const mapped = kafkaErrorForStorage(err);
    if (mapped === null) throw err;
    return { ...none, ...mapped };
  }
}

/** Buffers that crossed a thread arrive as plain Uint8Array. */
function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export default PartitionActor;
