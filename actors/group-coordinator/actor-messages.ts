/**
 * The group coordinator actor's protocol. A request is answered through its
 * ask when the shard answers at once; a request the shard parks (a JoinGroup
 * waiting for the rebalance, a SyncGroup waiting for the leader) is answered
 * `parked`, and its answer is told later to the asker's reply inbox under the
 * request's token. The mailbox never waits on a parked request.
 */
import { partitionKey } from '../partition/messages.js';
import { memberOfKey } from '../runtime/index.js';
import type { GroupOp, GroupReply } from './messages.js';
import type { GroupSettings } from './settings.js';

export const GROUP_COORDINATOR_KIND = 'group-coordinator';
export const GROUP_REPLY_INBOX_KIND = 'group-reply-inbox';
export const OFFSETS_TOPIC = '__consumer_offsets';

/**
 * A coordinator's actor key is its `__consumer_offsets` partition's own key
 * (`__consumer_offsets-<n>`): with 'spread' placement on both kinds the
 * coordinator lives on the worker of the partition it appends to and reads, so
 * that traffic never crosses threads.
 */
export function coordinatorKey(partition: number): string {
  return partitionKey(OFFSETS_TOPIC, partition);
}

/** The partition number of a coordinator key, read as placement reads it; -1 when the key is not one. */
export function coordinatorPartition(key: string): number {
  const m = memberOfKey(key);
  return m !== null && m.group === OFFSETS_TOPIC ? m.n : -1;
}

export interface ReplyAddress {
  readonly kind: string;
  readonly key: string;
}

export type CoordinatorMessage =
  /** reads the partition and builds the shard; answered once it is loaded (idempotent) */
  | { readonly t: 'load'; readonly settings: GroupSettings }
  /** drops the shard; parked requests are answered NOT_COORDINATOR */
  | { readonly t: 'unload' }
  | { readonly t: 'request'; readonly op: GroupOp; readonly replyTo: ReplyAddress; readonly token: number }
  /** timers due (scheduled by the actor itself) */
  | { readonly t: 'tick' };

export type CoordinatorAnswer =
  /** `replicate`: the records this answer rests on were appended, and the ISR may not have them all yet (see Replication). */
  | { readonly t: 'reply'; readonly reply: GroupReply; readonly replicate?: Replication }
  | { readonly t: 'parked' }
  /** the whole request failed with this Kafka error code (not loaded, append failed) */
  | { readonly t: 'error'; readonly errorCode: number; readonly message: string };

/** Where an append left the offsets partition: acknowledged once its high watermark reaches `requiredOffset`. */
export interface Replication {
  readonly partition: number;
  readonly requiredOffset: bigint;
  readonly highWatermark: bigint;
  readonly isrSize: number;
  readonly minIsr: number;
  /** The offsets partition's leader epoch at the append. */
  readonly leaderEpoch: number;
}

export interface LoadAnswer {
  readonly t: 'loaded';
  readonly groups: number;
  readonly records: number;
}

/** What a coordinator tells a reply inbox when a parked request is answered. */
export interface ParkedDelivery {
  readonly token: number;
  readonly answer: CoordinatorAnswer;
}
