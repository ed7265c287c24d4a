/**
 * What the broker's operators see of consumer groups (metrics, the admin
 * API, the console): filled in by the group coordinator's extension when it
 * attaches; absent without one.
 */
export interface GroupMemberView {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** The member's assigned partitions, decoded from a consumer-protocol assignment; empty before the group is stable or for other protocols. */
  readonly assignment: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly number[] }>;
}

export interface GroupOffsetView {
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: bigint;
  readonly metadata: string | null;
  readonly commitTimestampMs: number;
}

export interface GroupView {
  readonly groupId: string;
  /** Kafka's classic group states: Empty, PreparingRebalance, CompletingRebalance, Stable (Dead groups are left out). */
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly generationId: number;
  readonly members: readonly GroupMemberView[];
  readonly offsets: readonly GroupOffsetView[];
}

export interface GroupsView {
  /** Every group this broker coordinates (the shards of __consumer_offsets it leads), with members and committed offsets. */
  groups(): Promise<GroupView[]>;
}
