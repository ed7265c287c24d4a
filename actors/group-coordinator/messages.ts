/**
 * What a group coordinator shard accepts (one operation per request, already
 * stripped of API-version details by the handlers) and what it answers: the
 * response bodies of the Kafka APIs, so handlers pass them through. Plain
 * data: in pool placement these cross threads.
 */
import type {
  DeleteGroupsResponseDeletableGroupResult,
  DescribeGroupsResponseDescribedGroup,
  HeartbeatResponseData,
  JoinGroupResponseData,
  LeaveGroupResponseData,
  ListGroupsResponseListedGroup,
  OffsetCommitResponseOffsetCommitResponseTopic,
  OffsetDeleteResponseData,
  OffsetFetchResponseOffsetFetchResponseTopics,
  SyncGroupResponseData,
} from '../../protocol/index.js';
import type { GroupView } from '../broker/groups-view.js';
import type { JoinProtocol } from './member.js';

export interface JoinInput {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly JoinProtocol[];
  readonly clientId: string;
  readonly clientHost: string;
  /** JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED and its id */
  readonly requireKnownMemberId: boolean;
  /** JoinGroup v9+ */
  readonly supportsSkipAssignment: boolean;
}

export interface SyncInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Buffer }>;
}

export interface HeartbeatInput {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveInput {
  readonly groupId: string;
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null }>;
}

export interface CommitPartitionInput {
  readonly partitionIndex: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  /** OffsetCommit v1's per-partition timestamp; -1 for "now" */
  readonly commitTimestampMs: number;
}

export interface CommitInput {
  readonly groupId: string;
  /** -1 for commits from outside group management */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** OffsetCommit v2-v4's retention_time_ms; -1 for the broker's offsets.retention.minutes */
  readonly retentionMs: number;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly CommitPartitionInput[] }>;
}

export interface FetchOffsetsInput {
  readonly groupId: string;
  /** null: every committed offset of the group */
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitionIndexes: readonly number[] }> | null;
}

export interface DeleteOffsetsInput {
  readonly groupId: string;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly number[] }>;
}

export type GroupOp =
  | { readonly op: 'join'; readonly req: JoinInput }
  | { readonly op: 'sync'; readonly req: SyncInput }
  | { readonly op: 'heartbeat'; readonly req: HeartbeatInput }
  | { readonly op: 'leave'; readonly req: LeaveInput }
  | { readonly op: 'commit'; readonly req: CommitInput }
  | { readonly op: 'fetchOffsets'; readonly req: FetchOffsetsInput }
  | { readonly op: 'deleteOffsets'; readonly req: DeleteOffsetsInput }
  | { readonly op: 'describe'; readonly groups: readonly string[] }
  | { readonly op: 'list'; readonly statesFilter: readonly string[]; readonly typesFilter: readonly string[] }
  | { readonly op: 'deleteGroups'; readonly groups: readonly string[] }
  /** every live group with members, assignments and offsets, for the broker's GroupsView */
  | { readonly op: 'overview' }
  /** the topics were deleted: their committed offsets go (Kafka's onPartitionsDeleted) */
  | { readonly op: 'topicsDeleted'; readonly topics: readonly string[] };

export type JoinReply = Omit<JoinGroupResponseData, 'throttleTimeMs'>;
export type SyncReply = Omit<SyncGroupResponseData, 'throttleTimeMs'>;
export type HeartbeatReply = Omit<HeartbeatResponseData, 'throttleTimeMs'>;
export type LeaveReply = Omit<LeaveGroupResponseData, 'throttleTimeMs'>;
export interface CommitReply {
  readonly topics: OffsetCommitResponseOffsetCommitResponseTopic[];
}
export interface FetchOffsetsReply {
  readonly groupId: string;
  readonly errorCode: number;
  readonly topics: OffsetFetchResponseOffsetFetchResponseTopics[];
}
export type DeleteOffsetsReply = Omit<OffsetDeleteResponseData, 'throttleTimeMs'>;
export interface DescribeReply {
  readonly groups: DescribeGroupsResponseDescribedGroup[];
}
export interface ListReply {
  readonly groups: ListGroupsResponseListedGroup[];
}
export interface DeleteGroupsReply {
  readonly results: DeleteGroupsResponseDeletableGroupResult[];
}

export interface OverviewReply {
  readonly groups: GroupView[];
}

export interface TopicsDeletedReply {
  readonly removedOffsets: number;
}

export type GroupReply =
  | JoinReply
  | SyncReply
  | HeartbeatReply
  | LeaveReply
  | CommitReply
  | FetchOffsetsReply
  | DeleteOffsetsReply
  | DescribeReply
  | ListReply
  | DeleteGroupsReply
  | OverviewReply
  | TopicsDeletedReply;

/** Maps each operation to its reply type. */
export interface ReplyByOp {
  join: JoinReply;
  sync: SyncReply;
  heartbeat: HeartbeatReply;
  leave: LeaveReply;
  commit: CommitReply;
  fetchOffsets: FetchOffsetsReply;
  deleteOffsets: DeleteOffsetsReply;
  describe: DescribeReply;
  list: ListReply;
  deleteGroups: DeleteGroupsReply;
  overview: OverviewReply;
  topicsDeleted: TopicsDeletedReply;
}
