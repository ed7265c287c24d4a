/**
 * A small Kafka client over the protocol layer: enough for the CLI's topic
 * tools and console producer/consumer against one broker (the bootstrap
 * server is assumed to lead every partition: true on a single node).
 */
import { ApiKey, Writer, encodeRequestFrame, errorInfo, type TopicName } from '../../protocol/index.js';
import { decodeRecordBatch, encodeRecordBatch, recordBatches, type KafkaRecord, type RecordInput } from '../../protocol/records/index.js';
import { KafkaConnection } from '../client/connection.js';

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
}

export interface ConsumedRecord extends KafkaRecord {
  partition: number;
}

export class KafkaClient {
  private constructor(readonly conn: KafkaConnection) {}

  static async connect(bootstrap: string, opts: { clientId?: string; timeoutMs?: number } = {}): Promise<KafkaClient> {
    const i = bootstrap.lastIndexOf(':');
    if (i < 0) throw new Error(`bootstrap server must be host:port, got ${bootstrap}`);
    const conn = await KafkaConnection.connect({
      host: bootstrap.slice(0, i),
      port: Number(bootstrap.slice(i + 1)),
      clientId: opts.clientId ?? 'samsa-cli',
      connectTimeoutMs: opts.timeoutMs ?? 30_000,
      requestTimeoutMs: opts.timeoutMs ?? 30_000,
    });
    return new KafkaClient(conn);
  }

  close(): void {
    this.conn.close();
  }

  async metadata(topics: string[] | null, allowAutoCreate = false): Promise<TopicInfo[]> {
    const r = await this.conn.request(3, 12, { topics: topics?.map((name) => ({ name: name as TopicName })) ?? null, allowAutoTopicCreation: allowAutoCreate });
    return r.topics.map((t) => ({ name: t.name ?? '', id: t.topicId, partitions: t.partitions.length, errorCode: t.errorCode }));
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
}
