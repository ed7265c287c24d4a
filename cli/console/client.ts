/**
 * A small Kafka client over the protocol layer: enough for the CLI's topic
 * tools, console producer/consumer and group tools. It bootstraps from one
 * broker and, in a cluster, follows the metadata: produce, fetch and list
 * offsets go to the partition's leader, topic creation and deletion to the
 * controller, group requests to the group's coordinator, as Kafka's tools do.
 */
import { ApiKey, ErrorCode, Reader, Writer, decodeConsumerProtocolAssignment, encodeRequestFrame, errorInfo, type BrokerId, type GroupId, type TopicName } from '../../protocol/index.js';
import { decodeRecordBatch, encodeRecordBatch, recordBatches, type KafkaRecord, type RecordInput } from '../../protocol/records/index.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import type { DescribeLogDirsResponseSamsaCleanerState } from '../../protocol/generated/index.js';

export class KafkaClientError extends Error {
  override readonly name = 'KafkaClientError';
  constructor(
    readonly errorCode: number,
    message?: string | null,
  ) {
    super(`${errorInfo(errorCode)?.name ?? `error ${errorCode}`}${message ? `: ${message}` : ''}`);
  }
}

export function check(errorCode: number, message?: string | null): void {
  if (errorCode !== 0) throw new KafkaClientError(errorCode, message);
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  id: string;
  partitions: number;
  errorCode: number;
  internal: boolean;
  /** Each partition's leader and replicas, in partition order. */
  partitionInfo: PartitionInfo[];
}

/** One partition's outcome of an ElectLeaders or AlterPartitionReassignments: error 0 when done (elected, or the move started). */
export interface ElectionOutcome {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ConsumedRecord extends KafkaRecord {
  partition: number;
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** topic -> partitions; empty for members of groups that are not consumer groups */
  assignment: Map<string, number[]>;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMember[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1n when the group has committed nothing for the partition */
  offset: bigint;
}

/** Coordinators load their partition on first use; these answers mean "ask again shortly". */
const COORDINATOR_RETRIABLE = new Set<number>([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);
const COORDINATOR_ATTEMPTS_MAX = 20;
const COORDINATOR_RETRY_MS = 250;
/** Answers after which the leader is looked up again (a failover, a restart). */
const LEADER_RETRIABLE = new Set<number>([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.LEADER_NOT_AVAILABLE]);
const LEADER_ATTEMPTS_MAX = 20;
const LEADER_RETRY_MS = 250;

interface Node {
  readonly host: string;
  readonly port: number;
}

/** A consumer group member's assignment (ConsumerProtocolAssignment, any version); empty when not decodable. */
export function decodeAssignment(bytes: Buffer): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (bytes.length < 2) return out;
  const r = new Reader(bytes);
  const version = r.int16();
  const a = decodeConsumerProtocolAssignment(r, version);
  try {
    r.check();
  } catch {
    return out;
  }
  for (const tp of a.assignedPartitions) out.set(tp.topic, [...(out.get(tp.topic) ?? []), ...tp.partitions].sort((x, y) => x - y));
  return out;
}

/** A compacted partition's log as its broker's cleaner sees it (samsa's DescribeLogDirs field). */
export type CleanerState = DescribeLogDirsResponseSamsaCleanerState;

export class KafkaClient {
  /** Connections to other brokers of the cluster, by node id. */
  private readonly others = new Map<number, { node: Node; conn: KafkaConnection }>();
  private readonly leaders = new Map<string, number>();
  private nodes = new Map<number, Node>();

  private constructor(
    /** The connection to the bootstrap broker. */
    readonly conn: KafkaConnection,
    private readonly remote: { host: string; port: number },
    private readonly opts: { clientId: string; timeoutMs: number },
  ) {}

  static async connect(bootstrap: string, opts: { clientId?: string; timeoutMs?: number } = {}): Promise<KafkaClient> {
    const i = bootstrap.lastIndexOf(':');
    if (i < 0) throw new Error(`bootstrap server must be host:port, got ${bootstrap}`);
    const remote = { host: bootstrap.slice(0, i), port: Number(bootstrap.slice(i + 1)) };
    const conn = await KafkaConnection.connect({
      ...remote,
      clientId: opts.clientId ?? 'samsa-cli',
      connectTimeoutMs: opts.timeoutMs ?? 30_000,
      requestTimeoutMs: opts.timeoutMs ?? 30_000,
    });
    return new KafkaClient(conn, remote, { clientId: opts.clientId ?? 'samsa-cli', timeoutMs: opts.timeoutMs ?? 30_000 });
  }

  close(): void {
    this.conn.close();
    for (const o of this.others.values()) o.conn.close();
    this.others.clear();
  }

  /** The connection to node `id` (the bootstrap one when it is that broker). */
  private async connTo(id: number): Promise<KafkaConnection> {
    let node = this.nodes.get(id);
    if (node === undefined) {
      await this.refresh([]);
      node = this.nodes.get(id);
    }
    if (node === undefined) throw new KafkaClientError(ErrorCode.LEADER_NOT_AVAILABLE, `broker ${id} is not in the metadata`);
    return this.connToNode(node);
  }

  private async connToNode(node: Node): Promise<KafkaConnection> {
    if (sameNode(node, this.remote)) return this.conn;
    for (const [id, o] of this.others) {
      if (sameNode(o.node, node)) {
        if (!o.conn.closed) return o.conn;
        this.others.delete(id);
      }
    }
    const conn = await KafkaConnection.connect({ ...node, clientId: this.opts.clientId, connectTimeoutMs: this.opts.timeoutMs, requestTimeoutMs: this.opts.timeoutMs });
    this.others.set(this.others.size + 1_000_000, { node, conn });
    return conn;
  }

  /** Metadata of `topics`: brokers and partition leaders remembered; returns the controller id. */
  private async refresh(topics: string[]): Promise<number> {
    const r = await this.conn.request(3, 12, { topics: topics.map((name) => ({ name: name as TopicName })), allowAutoTopicCreation: false });
    this.nodes = new Map(r.brokers.map((b) => [b.nodeId as number, { host: b.host, port: b.port }]));
    for (const t of r.topics) for (const p of t.partitions) if (t.name !== null) this.leaders.set(`${t.name}\u0000${p.partitionIndex}`, p.leaderId);
    return r.controllerId;
  }

  /**
   * Runs `op` against the partition's leader. A partition not looked up yet
   * goes to the bootstrap broker first (a single node leads everything, and a
   * lookup would queue behind whatever this connection has in flight, a long
   * poll say); a leadership error looks the leader up and tries again.
   */
  private async onLeader<T>(topic: string, partition: number, op: (conn: KafkaConnection | null) => Promise<{ errorCode: number; message?: string | null; value: T }>): Promise<T> {
    const key = `${topic}\u0000${partition}`;
    for (let attempt = 1; ; attempt++) {
      const leader = this.leaders.get(key);
      const r = await op(leader === undefined ? this.conn : leader < 0 ? null : await this.connTo(leader));
      if (r.errorCode === 0) return r.value;
      if (!LEADER_RETRIABLE.has(r.errorCode) || attempt >= LEADER_ATTEMPTS_MAX) check(r.errorCode, r.message);
      this.leaders.delete(key);
      await this.refresh([topic]);
      if (attempt > 1) await new Promise((res) => setTimeout(res, LEADER_RETRY_MS));
    }
  }

  /** The connection to the controller (CreateTopics, DeleteTopics). */
  private async controllerConn(): Promise<KafkaConnection> {
    const id = await this.refresh([]);
    return id < 0 || !this.nodes.has(id) ? this.conn : this.connToNode(this.nodes.get(id)!);
  }

  async metadata(topics: string[] | null, allowAutoCreate = false): Promise<TopicInfo[]> {
    const r = await this.conn.request(3, 12, { topics: topics?.map((name) => ({ name: name as TopicName })) ?? null, allowAutoTopicCreation: allowAutoCreate });
    return r.topics.map((t) => ({
      name: t.name ?? '',
      id: t.topicId,
      partitions: t.partitions.length,
      errorCode: t.errorCode,
      internal: t.isInternal,
      partitionInfo: t.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId as number, replicas: p.replicaNodes as number[], isr: p.isrNodes as number[], offline: p.offlineReplicas as number[], errorCode: p.errorCode }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  /** AlterPartitionReassignments at the controller: each partition to its new replicas, or (null) its move cancelled. */
  async alterReassignments(items: { topic: string; partition: number; replicas: number[] | null }[], timeoutMs = 30_000): Promise<ElectionOutcome[]> {
    const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
    for (const i of items) byTopic.set(i.topic, [...(byTopic.get(i.topic) ?? []), { partitionIndex: i.partition, replicas: i.replicas }]);
    const r = await (await this.controllerConn()).request(45, 0, { timeoutMs, topics: [...byTopic].map(([name, partitions]) => ({ name: name as TopicName, partitions: partitions.map((p) => ({ ...p, replicas: p.replicas as BrokerId[] | null })) })) });
    check(r.errorCode, r.errorMessage);
    return r.responses.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode, errorMessage: p.errorMessage })));
  }

  /** ListPartitionReassignments at the controller: the partitions moving now (of `topics`; null: all). */
  async listReassignments(topics: { topic: string; partitions: number[] }[] | null = null, timeoutMs = 30_000): Promise<{ topic: string; partition: number; replicas: number[]; adding: number[]; removing: number[] }[]> {
    const r = await (await this.controllerConn()).request(46, 0, { timeoutMs, topics: topics?.map((t) => ({ name: t.topic as TopicName, partitionIndexes: t.partitions })) ?? null });
    check(r.errorCode, r.errorMessage);
    return r.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas as number[], adding: p.addingReplicas as number[], removing: p.removingReplicas as number[] })));
  }

  /** ElectLeaders at the controller: `partitions` (null: all) get a preferred-replica or an unclean election. */
  async electLeaders(type: 'preferred' | 'unclean', partitions: { topic: string; partitions: number[] }[] | null, timeoutMs = 30_000): Promise<ElectionOutcome[]> {
    const r = await (await this.controllerConn()).request(43, 2, {
      electionType: type === 'preferred' ? 0 : 1,
      topicPartitions: partitions?.map((t) => ({ topic: t.topic as TopicName, partitions: t.partitions })) ?? null,
      timeoutMs,
    });
    check(r.errorCode);
    return r.replicaElectionResults.flatMap((t) => t.partitionResult.map((p) => ({ topic: t.topic, partition: p.partitionId, errorCode: p.errorCode, errorMessage: p.errorMessage })));
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string> = {}, validateOnly = false) {
    const r = await (await this.controllerConn()).request(19, 7, {
      topics: [{ name: name as TopicName, numPartitions: partitions, replicationFactor: -1, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 30_000,
      validateOnly,
    });
    const t = r.topics[0]!;
    check(t.errorCode, t.errorMessage);
    return t;
  }

  async deleteTopic(name: string): Promise<void> {
    const r = await (await this.controllerConn()).request(20, 6, { topics: [{ name: name as TopicName }], timeoutMs: 30_000 });
    check(r.responses[0]!.errorCode, r.responses[0]!.errorMessage);
  }

  async describeTopicConfigs(name: string) {
    const r = await this.conn.request(32, 4, { resources: [{ resourceType: 2, resourceName: name, configurationKeys: null }] });
    const res = r.results[0]!;
    check(res.errorCode, res.errorMessage);
    return res.configs;
  }

  /**
   * The log cleaner's view of `partitions` of `topic` on broker `id` (samsa's
   * tagged field in DescribeLogDirs v4): partition -> state, for those that
   * are compacted and have a running cleaner.
   */
  async cleanerStates(id: number, topic: string, partitions: readonly number[]): Promise<Map<number, CleanerState>> {
    const r = await (await this.connTo(id)).request(35, 4, { topics: [{ topic: topic as TopicName, partitions: [...partitions] }] });
    check(r.errorCode);
    const out = new Map<number, CleanerState>();
    for (const dir of r.results) {
      for (const t of dir.topics) {
        if (t.name !== topic) continue;
        // An absent field decodes to its default, whose ratio is -1.
        for (const p of t.partitions) if (p.cleaner.dirtyRatio >= 0) out.set(p.partitionIndex, p.cleaner);
      }
    }
    return out;
  }

  async alterTopicConfigs(name: string, set: Record<string, string>, remove: string[]): Promise<void> {
    const configs = [...Object.entries(set).map(([n, value]) => ({ name: n, configOperation: 0, value })), ...remove.map((n) => ({ name: n, configOperation: 1, value: null }))];
    const r = await this.conn.request(44, 1, { resources: [{ resourceType: 2, resourceName: name, configs }], validateOnly: false });
    check(r.responses[0]!.errorCode, r.responses[0]!.errorMessage);
  }

  /** Appends one batch to a partition; returns its base offset. */
  async produce(topic: string, partition: number, records: readonly RecordInput[], opts: { compression?: number; acks?: number } = {}): Promise<bigint> {
    const batch = await encodeRecordBatch({ records, compression: opts.compression ?? 0 });
    const acks = opts.acks ?? -1;
    const body = { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic as TopicName, partitionData: [{ index: partition, records: batch }] }] };
    if (acks === 0) {
      // No response comes for acks=0: the request is only written.
      const header = { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: this.conn.takeId(), clientId: this.conn.clientId };
      await this.conn.sendOneWay(encodeRequestFrame(new Writer(256), header, body));
      return -1n;
    }
    return this.onLeader(topic, partition, async (conn) => {
      if (conn === null) return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, value: -1n };
      const r = await conn.request(0, 9, body);
      const p = r.responses[0]!.partitionResponses[0]!;
      return { errorCode: p.errorCode, message: p.errorMessage, value: p.baseOffset };
    });
  }

  async listOffset(topic: string, partition: number, timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint }> {
    return this.onLeader(topic, partition, async (conn) => {
      if (conn === null) return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, value: { offset: -1n, timestamp: -1n } };
      const r = await conn.request(2, 7, { replicaId: -1 as never, isolationLevel: 0, topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: partition, timestamp }] }] });
      const p = r.topics[0]!.partitions[0]!;
      return { errorCode: p.errorCode, value: { offset: p.offset, timestamp: p.timestamp } };
    });
  }

  /** One fetch of one partition; records at or after `offset`, decoded. */
  async fetch(topic: string, partition: number, offset: bigint, opts: { maxWaitMs?: number; maxBytes?: number } = {}): Promise<{ records: ConsumedRecord[]; highWatermark: bigint; nextOffset: bigint }> {
    const r = await this.onLeader(topic, partition, async (conn) => {
      if (conn === null) return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, value: null };
      const answer = await conn.request(1, 12, {
      replicaId: -1 as never,
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: 1,
      maxBytes: opts.maxBytes ?? 50 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: topic as TopicName, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: opts.maxBytes ?? 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
      });
      if (answer.errorCode !== 0) return { errorCode: answer.errorCode, value: null };
      return { errorCode: answer.responses[0]!.partitions[0]!.errorCode, value: answer };
    });
    const p = r!.responses[0]!.partitions[0]!;
    const records: ConsumedRecord[] = [];
    let next = offset;
    if (p.records && p.records.length > 0) {
      for (const header of recordBatches(p.records)) {
        const batch = await decodeRecordBatch(header);
        if (batch.isControl) {
          next = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
          continue;
        }
        for (const rec of batch.records) if (rec.offset >= offset) records.push({ ...rec, partition });
        next = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
      }
    }
    return { records, highWatermark: p.highWatermark, nextOffset: next };
  }

  /** Runs a group request on the group's coordinator (FindCoordinator), again while it loads or moves. */
  private async withCoordinator<T>(groupId: string, op: (conn: KafkaConnection) => Promise<{ errorCode: number; value: T }>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const f = await this.conn.request(10, 3, { key: groupId, keyType: 0, coordinatorKeys: [] });
      let errorCode = f.errorCode;
      if (errorCode === 0) {
        const r = await op(await this.connToNode({ host: f.host, port: f.port }));
        if (r.errorCode === 0) return r.value;
        errorCode = r.errorCode;
      }
      if (!COORDINATOR_RETRIABLE.has(errorCode) || attempt >= COORDINATOR_ATTEMPTS_MAX) check(errorCode, errorCode === f.errorCode ? f.errorMessage : null);
      await new Promise((r) => setTimeout(r, COORDINATOR_RETRY_MS));
    }
  }

  /** Every broker's groups (each lists those it coordinates, as Kafka's tools ask them all). */
  async listGroups(): Promise<GroupListing[]> {
    await this.refresh([]);
    const nodes = this.nodes.size === 0 ? [this.remote] : [...this.nodes.values()];
    const out: GroupListing[] = [];
    for (const node of nodes) {
      const r = await (await this.connToNode(node)).request(16, 4, { statesFilter: [], typesFilter: [] });
      check(r.errorCode);
      out.push(...r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState })));
    }
    return out;
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    return this.withCoordinator(groupId, async (conn) => {
      const r = await conn.request(15, 5, { groups: [groupId as GroupId], includeAuthorizedOperations: false });
      const g = r.groups[0]!;
      const consumer = g.protocolType === 'consumer';
      return {
        errorCode: g.errorCode,
        value: {
          groupId: g.groupId,
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment: consumer ? decodeAssignment(m.memberAssignment) : new Map(),
          })),
        },
      };
    });
  }

  /** The group's committed offsets; every committed partition when `topics` is null. */
  async fetchOffsets(groupId: string, topics: { topic: string; partitions: number[] }[] | null): Promise<CommittedOffset[]> {
    return this.withCoordinator(groupId, async (conn) => {
      const r = await conn.request(9, 7, {
        groupId: groupId as GroupId,
        topics: topics?.map((t) => ({ name: t.topic as TopicName, partitionIndexes: t.partitions })) ?? null,
        requireStable: false,
      });
      const out: CommittedOffset[] = [];
      for (const t of r.topics) {
        for (const p of t.partitions) {
          check(p.errorCode);
          out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset });
        }
      }
      return { errorCode: r.errorCode, value: out };
    });
  }

  /** Commits as an admin (generation -1, no member): the coordinator accepts it only while the group has no members. */
  async commitOffsets(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    const byTopic = new Map<string, CommittedOffset[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    await this.withCoordinator(groupId, async (conn) => {
      const r = await conn.request(8, 8, {
        groupId: groupId as GroupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [...byTopic].map(([topic, list]) => ({
          name: topic as TopicName,
          partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null })),
        })),
      });
      const failed = r.topics.flatMap((t) => t.partitions).find((p) => p.errorCode !== 0);
      return { errorCode: failed?.errorCode ?? 0, value: undefined };
    });
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.withCoordinator(groupId, async (conn) => {
      const r = await conn.request(42, 2, { groupsNames: [groupId as GroupId] });
      return { errorCode: r.results[0]!.errorCode, value: undefined };
    });
  }
}

/** The same broker: equal port, and equal host or both loopback (a broker advertises 127.0.0.1 where the user typed localhost). */
function sameNode(a: Node, b: Node): boolean {
  return a.port === b.port && (a.host === b.host || (isLoopback(a.host) && isLoopback(b.host)));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
