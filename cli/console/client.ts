/**
 * A small Kafka client over the protocol layer: enough for the CLI's topic
 * tools and console producer/consumer against one broker (the bootstrap
 * server is assumed to lead every partition: true on a single node).
 */
import { ApiKey, ErrorCode, Reader, Writer, decodeConsumerProtocolAssignment, encodeRequestFrame, errorInfo, type GroupId, type TopicName } from '../../protocol/index.js';
import { decodeRecordBatch, encodeRecordBatch, recordBatches, type KafkaRecord, type RecordInput } from '../../protocol/records/index.js';
import { KafkaConnection } from '../../protocol/client/connection.js';

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

export interface TopicInfo {
  name: string;
  id: string;
  partitions: number;
  errorCode: number;
  internal: boolean;
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

export class KafkaClient {
  private constructor(
    readonly conn: KafkaConnection,
    private readonly remote: { host: string; port: number },
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
    return new KafkaClient(conn, remote);
  }

  close(): void {
    this.conn.close();
  }

  async metadata(topics: string[] | null, allowAutoCreate = false): Promise<TopicInfo[]> {
    const r = await this.conn.request(3, 12, { topics: topics?.map((name) => ({ name: name as TopicName })) ?? null, allowAutoTopicCreation: allowAutoCreate });
    return r.topics.map((t) => ({ name: t.name ?? '', id: t.topicId, partitions: t.partitions.length, errorCode: t.errorCode, internal: t.isInternal }));
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string> = {}, validateOnly = false) {
    const r = await this.conn.request(19, 7, {
      topics: [{ name: name as TopicName, numPartitions: partitions, replicationFactor: -1, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 30_000,
      validateOnly,
    });
    const t = r.topics[0]!;
    check(t.errorCode, t.errorMessage);
    return t;
  }

  async deleteTopic(name: string): Promise<void> {
    const r = await this.conn.request(20, 6, { topics: [{ name: name as TopicName }], timeoutMs: 30_000 });
    check(r.responses[0]!.errorCode, r.responses[0]!.errorMessage);
  }

  async describeTopicConfigs(name: string) {
    const r = await this.conn.request(32, 4, { resources: [{ resourceType: 2, resourceName: name, configurationKeys: null }] });
    const res = r.results[0]!;
    check(res.errorCode, res.errorMessage);
    return res.configs;
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
    const r = await this.conn.request(0, 9, body);
    const p = r.responses[0]!.partitionResponses[0]!;
    check(p.errorCode, p.errorMessage);
    return p.baseOffset;
  }

  async listOffset(topic: string, partition: number, timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint }> {
    const r = await this.conn.request(2, 7, { replicaId: -1 as never, isolationLevel: 0, topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: partition, timestamp }] }] });
    const p = r.topics[0]!.partitions[0]!;
    check(p.errorCode);
    return { offset: p.offset, timestamp: p.timestamp };
  }

  /** One fetch of one partition; records at or after `offset`, decoded. */
  async fetch(topic: string, partition: number, offset: bigint, opts: { maxWaitMs?: number; maxBytes?: number } = {}): Promise<{ records: ConsumedRecord[]; highWatermark: bigint; nextOffset: bigint }> {
    const r = await this.conn.request(1, 12, {
      replicaId: -1 as never,
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: 1,
      maxBytes: opts.maxBytes ?? 50 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: topic as TopicName, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: opts.maxBytes ?? 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
    });
    check(r.errorCode);
    const p = r.responses[0]!.partitions[0]!;
    check(p.errorCode);
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

  /**
   * Runs a group request until the coordinator is loaded. The console client
   * talks to one broker, which coordinates every group on a single node; a
   * coordinator elsewhere is reported rather than followed.
   */
  private async withCoordinator<T>(groupId: string, op: () => Promise<{ errorCode: number; value: T }>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const f = await this.conn.request(10, 3, { key: groupId, keyType: 0, coordinatorKeys: [] });
      let errorCode = f.errorCode;
      if (errorCode === 0) {
        const { host, port } = this.remote;
        if (f.port !== port || (f.host !== host && !(isLoopback(f.host) && isLoopback(host)))) {
          throw new Error(`group ${groupId} is coordinated by ${f.host}:${f.port} (node ${f.nodeId}); connect there with --bootstrap-server`);
        }
        const r = await op();
        if (r.errorCode === 0) return r.value;
        errorCode = r.errorCode;
      }
      if (!COORDINATOR_RETRIABLE.has(errorCode) || attempt >= COORDINATOR_ATTEMPTS_MAX) check(errorCode, errorCode === f.errorCode ? f.errorMessage : null);
      await new Promise((r) => setTimeout(r, COORDINATOR_RETRY_MS));
    }
  }

  async listGroups(): Promise<GroupListing[]> {
    const r = await this.conn.request(16, 4, { statesFilter: [], typesFilter: [] });
    check(r.errorCode);
    return r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState }));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    return this.withCoordinator(groupId, async () => {
      const r = await this.conn.request(15, 5, { groups: [groupId as GroupId], includeAuthorizedOperations: false });
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
    return this.withCoordinator(groupId, async () => {
      const r = await this.conn.request(9, 7, {
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
    await this.withCoordinator(groupId, async () => {
      const r = await this.conn.request(8, 8, {
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
    await this.withCoordinator(groupId, async () => {
      const r = await this.conn.request(42, 2, { groupsNames: [groupId as GroupId] });
      return { errorCode: r.results[0]!.errorCode, value: undefined };
    });
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
