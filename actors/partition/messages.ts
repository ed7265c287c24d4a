/**
 * What a PartitionActor accepts and answers. Plain data only: in pool mode
 * these cross threads (Buffers arrive as Uint8Array and are re-wrapped).
 * Offsets travel as bigint, as the protocol carries them.
 */
import type { LogPolicy } from '../config/index.js';

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
  /**
   * The leader epoch this replica leads in (a cluster's LeaderAndIsr); absent:
   * 0, the single node's only epoch. Sent again to an open partition with a
   * higher epoch, it starts that epoch at the log end.
   */
  readonly leaderEpoch?: number;
}

export interface AppendRequest {
  readonly t: 'append';
  readonly records: Uint8Array;
  /** Produce v3+: transactional batches are refused (transactions are not served). */
  readonly transactional: boolean;
}

export interface ReadRequest {
  readonly t: 'read';
  readonly offset: bigint;
  readonly maxBytes: number;
  /** 1: read_committed (single node without transactions: same bound as read_uncommitted). */
  readonly isolationLevel: number;
  readonly currentLeaderEpoch: number;
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
  | { readonly t: 'reconfigure'; readonly policy: LogPolicy }
  | { readonly t: 'describe' }
  | { readonly t: 'maintain'; readonly producerIdExpirationMs: number; readonly retention: boolean }
  | { readonly t: 'flush' }
  | { readonly t: 'close'; readonly deleteData: boolean };

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
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly recoveryPoint: bigint;
  readonly leaderEpoch: number;
}
