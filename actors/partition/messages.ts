/**
 * What a PartitionActor accepts and answers. Plain data only: in pool mode
 * these cross threads (Buffers arrive as Uint8Array and are re-wrapped).
 * Offsets travel as bigint, as the protocol carries them.
 */
import type { FlushStats } from '../../native/index.js';
import type { LogPolicy } from '../config/index.js';
import type { CleanedGroup } from './cleaner/clean-job.js';
import type { CleanerSettings } from './cleaner/clean-plan.js';

export const PARTITION_KIND = 'partition';

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export interface OpenPartition {
  readonly t: 'open';
  readonly dataDir: string;
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly policy: LogPolicy;
  /** From the broker's checkpoint files; -1n when unknown. */
  readonly recoveryPoint: bigint;
  readonly logStartOffset: bigint;
  /** A replica's high watermark from replication-offset-checkpoint; -1n (or absent) when unknown. */
  readonly highWatermark?: bigint;
  /**
   * The leader epoch this replica leads in (a cluster's LeaderAndIsr); absent:
   * 0, the single node's only epoch. Sent again to an open partition with a
   * higher epoch, it starts that epoch at the log end.
   */
  readonly leaderEpoch?: number;
  /** A cluster replica's role, ISR and assignment (LeaderAndIsr); absent on a single node, whose high watermark is its log end. */
  readonly replication?: ReplicationRole;
}

export interface ReplicationRole {
  readonly role: 'leader' | 'follower';
  readonly brokerId: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** The state znode's version: what an AlterPartition from this leader names. */
  readonly partitionEpoch: number;
}

/** A follower's Fetch at the leader (Kafka's replica fetch): records its progress and says what it may read. */
export interface ReplicaFetchRequest {
  readonly t: 'replicaFetch';
  readonly replicaId: number;
  readonly fetchOffset: bigint;
  readonly lastFetchedEpoch: number;
  readonly currentLeaderEpoch: number;
}

export interface ReplicaFetchResult {
  readonly error?: string;
  readonly highWatermark: bigint;
  readonly logStartOffset: bigint;
  /** The log end: a follower reads up to here, not only to the high watermark. */
  readonly logEndOffset: bigint;
  readonly dir: string;
  /** Set when the follower's last fetched epoch ends before its fetch offset here: it truncates before fetching again. */
  readonly divergingEpoch?: { readonly epoch: number; readonly endOffset: bigint };
  /** The high watermark moved with this fetch (produce waits and consumers' long polls are woken). */
  readonly advanced: boolean;
  readonly isrSize: number;
  /** The ISR this leader asks the controller for, when the follower may join it. */
  readonly proposeIsr?: readonly number[];
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

/** A follower appends its leader's batches as they are (offsets, epochs, bytes) and takes its high watermark. */
export interface AppendReplicaRequest {
  readonly t: 'appendReplica';
  /** Whole batches, maybe none. */
  readonly records: Uint8Array;
  readonly leaderHighWatermark: bigint;
  readonly leaderLogStartOffset: bigint;
}

export interface FollowerPosition {
  readonly error?: string;
  readonly logEndOffset: bigint;
  readonly logStartOffset: bigint;
  readonly highWatermark: bigint;
  /** The epoch of the last batch, -1 for an empty log: the follower's lastFetchedEpoch. */
  readonly lastFetchedEpoch: number;
}

export interface AppendRequest {
  readonly t: 'append';
  readonly records: Uint8Array;
  /** Produce v3+: transactional batches are refused (transactions are not served). */
  readonly transactional: boolean;
  /** acks=-1 checks min.insync.replicas against the ISR before appending (NOT_ENOUGH_REPLICAS). */
  readonly requiredAcks?: number;
}

export interface ReadRequest {
  readonly t: 'read';
  readonly offset: bigint;
  readonly maxBytes: number;
  /** 1: read_committed (single node without transactions: same bound as read_uncommitted). */
  readonly isolationLevel: number;
  readonly currentLeaderEpoch: number;
  /** A leader's own reader (a group coordinator loading its offsets): up to the log end, not the high watermark (as Kafka loads groups). */
  readonly toLogEnd?: boolean;
}

/**
 * Fetch: what is readable, not the bytes. The broker reads the batches itself
 * (zero-copy, on its own thread, under the response's byte budget) from an
 * attached handle on `dir`.
 */
export interface FetchBoundsRequest {
  readonly t: 'fetchBounds';
  readonly offset: bigint;
  readonly isolationLevel: number;
  readonly currentLeaderEpoch: number;
}

export interface ListOffsetRequest {
  readonly t: 'listOffset';
  /** -1 latest, -2 earliest, -3 max timestamp, -4 earliest local, -5 latest tiered; else a timestamp. */
  readonly timestamp: bigint;
  readonly isolationLevel: number;
  readonly currentLeaderEpoch: number;
  /** ListOffsets v0: answer up to this many offsets (legacy semantics, see legacy-offsets.ts). */
  readonly maxNumOffsets?: number;
}

export interface DeleteRecordsRequest {
  readonly t: 'deleteRecords';
  /** -1n: up to the high watermark. */
  readonly offset: bigint;
}

export interface EpochEndOffsetRequest {
  readonly t: 'epochEndOffset';
  readonly leaderEpoch: number;
  readonly currentLeaderEpoch: number;
}

export type PartitionMessage =
  | OpenPartition
  | AppendRequest
  | ReadRequest
  | FetchBoundsRequest
  | ListOffsetRequest
  | DeleteRecordsRequest
  | EpochEndOffsetRequest
  | ReplicaFetchRequest
  | AppendReplicaRequest
  /** A follower truncating to its leader: to `offset`, or, with `startAt`, emptied and restarted at the leader's log start. */
  | { readonly t: 'truncate'; readonly offset: bigint; readonly startAt?: boolean }
  /** The leader's periodic ISR check: members behind for longer than `lagMaxMs` are proposed out. */
  | { readonly t: 'isrCheck'; readonly lagMaxMs: number }
  | { readonly t: 'reconfigure'; readonly policy: LogPolicy }
  | { readonly t: 'describe' }
  | { readonly t: 'maintain'; readonly producerIdExpirationMs: number; readonly retention: boolean }
  | { readonly t: 'flush' }
  /** The log cleaner's question: what may be cleaned, from its checkpoint on (null unless the partition is open and compacted). */
  /** `peek`: a look for describing the log; the cleaner's next plan still sees the truncation floor. */
  | { readonly t: 'cleanPlan'; readonly firstDirtyOffset: number; readonly settings: CleanerSettings; readonly peek?: boolean }
  /** The log cleaner's cleaned segments, to be swapped in. */
  | { readonly t: 'swapCleaned'; readonly groups: readonly CleanedGroup[] }
  | { readonly t: 'close'; readonly deleteData: boolean };

export interface SwapCleanedResult {
  readonly swapped: number;
  /** groups whose segments changed meanwhile (retention, truncation): not swapped, their files removed */
  readonly refused: number;
  readonly logStartOffset: number;
  readonly sizeBytes: number;
  /** how long the swap held the partition (its writer lock, and the thread it runs on) */
  readonly swapMs: number;
}

/** A Kafka error name (the broker maps it to a code) and a message. */
export interface PartitionError {
  readonly error: string;
  readonly message?: string;
}

export interface AppendResult {
  readonly error?: string;
  readonly message?: string;
  readonly baseOffset: bigint;
  readonly logAppendTimeMs: bigint;
  readonly logStartOffset: bigint;
  /** The high watermark after the append (single node: the log end offset). */
  readonly highWatermark: bigint;
  /** The last offset of the batch: acks=-1 waits for the high watermark past it. */
  readonly lastOffset: bigint;
  readonly isrSize: number;
  /** min.insync.replicas in force. */
  readonly minIsr: number;
  /** The leader epoch the batch was appended in (-1 on a single node): an acks=-1 wait holds only while it leads in that epoch. */
  readonly leaderEpoch: number;
}

export interface ReadResult {
  readonly error?: string;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
  /** Batches, whole; empty when none. */
  readonly records: Uint8Array[];
  readonly bytes: number;
}

export interface FetchBounds {
  readonly error?: string;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
  /** The log directory, for PartitionLog.attach; '' with an error. */
  readonly dir: string;
}

export interface ListOffsetResult {
  readonly error?: string;
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly leaderEpoch: number;
  /** ListOffsets v0's answer, descending. */
  readonly offsets?: bigint[];
}

export interface PartitionDescription {
  readonly sizeBytes: number;
  readonly segments: number;
  readonly flush: FlushStats;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly recoveryPoint: bigint;
  readonly leaderEpoch: number;
  /** A cluster replica's high watermark; -1n on a single node (its log end). */
  readonly highWatermark: bigint;
}
