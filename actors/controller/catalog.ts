/**
 * What the broker's handlers know of topics, brokers and leadership, and
 * what they may ask to change: the single node's Controller is one catalog;
 * a broker of a ZooKeeper cluster gets another from the cluster layer (its
 * metadata cache from the controller, its changes written to ZooKeeper).
 */
import type { BrokerConfig, LogPolicy } from '../config/index.js';
import type { TopicRecord } from './metadata-file.js';

/** Kafka error names (the protocol layer maps them to codes). */
export type ControllerErrorName =
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_REPLICA_ASSIGNMENT'
  | 'INVALID_CONFIG'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'UNKNOWN_TOPIC_ID'
  | 'REASSIGNMENT_IN_PROGRESS'
  | 'TOPIC_DELETION_DISABLED'
  | 'INVALID_REQUEST'
  | 'POLICY_VIOLATION'
  | 'NOT_CONTROLLER'
  | 'REQUEST_TIMED_OUT'
  | 'UNSUPPORTED_VERSION'
  | 'COORDINATOR_NOT_AVAILABLE';

export interface ControllerError {
  readonly error: ControllerErrorName;
  readonly message: string;
}

export type Outcome<T> = ({ readonly ok: true } & T) | ({ readonly ok: false } & ControllerError);

export interface CreateTopicSpec {
  readonly name: string;
  /** -1: num.partitions. */
  readonly partitions: number;
  /** -1: default.replication.factor. */
  readonly replicationFactor: number;
  /** Partition -> broker ids, when the client assigns replicas itself. */
  readonly assignments?: ReadonlyArray<{ partition: number; brokers: readonly number[] }>;
  readonly configs?: ReadonlyMap<string, string | null>;
  readonly validateOnly?: boolean;
}

export type IncrementalOp = { readonly name: string; readonly op: 'set' | 'delete' | 'append' | 'subtract'; readonly value: string | null };

/** Runs after a topic's deletion is durable and before it is answered. */
export type TopicDeletionListener = (topic: TopicRecord) => Promise<void>;

export interface BrokerView {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionView {
  /** -1: no leader now (LEADER_NOT_AVAILABLE to clients). */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offline: readonly number[];
}

/** Why this broker does not serve a partition's leader-only requests; null when it does. */
export type LeadershipProblem = 'NOT_LEADER_OR_FOLLOWER' | 'LEADER_NOT_AVAILABLE' | null;

export interface TopicCatalog {
  readonly clusterId: string;
  /** Current configuration (static plus dynamic overrides). */
  readonly config: BrokerConfig;
  topics(): Iterable<TopicRecord>;
  topic(name: string): TopicRecord | undefined;
  topicById(id: string): TopicRecord | undefined;
  policyOf(topic: TopicRecord): LogPolicy;

  /** The live brokers a client may use; `self` is this broker as it advertises itself. */
  brokers(self: BrokerView): readonly BrokerView[];
  /** The broker clients send controller requests to (-1: none now). */
  controllerId(): number;
  /** Whether this broker is the active controller: CreateTopics, DeleteTopics and CreatePartitions go there (NOT_CONTROLLER elsewhere). */
  isController(): boolean;
  /** Leader, replicas and ISR of a partition of a known topic, in range. */
  partition(topic: TopicRecord, partition: number): PartitionView;
  /** Whether this broker leads the partition (of a known topic, in range). */
  leadership(topic: TopicRecord, partition: number): LeadershipProblem;

  createTopic(spec: CreateTopicSpec): Promise<Outcome<{ topic: TopicRecord }>>;
  deleteTopic(ref: { name?: string | null; id?: string | null }): Promise<Outcome<{ topic: TopicRecord }>>;
  createPartitions(name: string, count: number, assignments: ReadonlyArray<readonly number[]> | null, validateOnly: boolean): Promise<Outcome<{ topic: TopicRecord }>>;
  alterTopicConfigs(name: string, change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] }, validateOnly: boolean): Promise<Outcome<object>>;
  /** `entity`: '' for the cluster-wide default, else this broker's id (a single node has one set for both). */
  alterBrokerConfigs(change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] }, validateOnly: boolean, entity?: string): Promise<Outcome<object>>;
  /** A producer id never handed out before in this cluster. */
  allocateProducerId(): Promise<Outcome<{ producerId: number }>>;
  /** State kept elsewhere about a topic (committed group offsets) is dropped by a listener. */
  onTopicDeleted(listener: TopicDeletionListener): void;
  /** A leader asks for a new ISR (a follower caught up, or members fell behind): a cluster sends AlterPartition; a single node has no followers. */
  proposeIsr?(topic: string, partition: number, isr: readonly number[], leaderEpoch: number, partitionEpoch: number): void;
}

/** The error a leader-only request gets for a partition, or null when this broker serves it. */
export function partitionProblem(catalog: TopicCatalog, topic: TopicRecord | undefined, partition: number): 'UNKNOWN_TOPIC_OR_PARTITION' | LeadershipProblem {
  if (topic === undefined || partition < 0 || partition >= topic.partitions) return 'UNKNOWN_TOPIC_OR_PARTITION';
  return catalog.leadership(topic, partition);
}
