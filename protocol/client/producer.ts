// Produce of pre-encoded record batches: one request carries one batch for each of
// the partitions given (all led by one broker). Requests are pipelined on the
// leader's connection; the caller decides how many it keeps in flight.
import { ApiKey, Writer, decodeResponseFrame, encodeRequestFrame, type TopicName } from '../index.js';
import type { Cluster } from './cluster.js';
import type { KafkaConnection } from './connection.js';
import type { PreEncodedBatch } from './pre-encoded-batch.js';

export type Acks = -1 | 0 | 1;

export interface ProducerOptions {
  /** 0: no response; 1: leader appended; -1: all in-sync replicas have it */
  acks: Acks;
  /** how long the broker may wait for acks=-1; default 30 s */
  timeoutMs?: number;
}

export interface PartitionRecords {
  partition: number;
  /** a batch's bytes, possibly in pieces (header, then the shared records section) */
  records: Buffer | readonly Buffer[];
}

export interface PartitionAck {
  partition: number;
  errorCode: number;
  baseOffset: bigint;
}

export class LeanProducer {
  private readonly leaders = new Map<number, KafkaConnection>();
  private readonly timeoutMs: number;

  private constructor(
    private readonly cluster: Cluster,
    readonly topic: string,
    readonly acks: Acks,
    timeoutMs: number,
  ) {
    this.timeoutMs = timeoutMs;
  }

  /** A producer for one topic, with its leaders' connections opened. */
  static async create(cluster: Cluster, topic: string, opts: ProducerOptions): Promise<LeanProducer> {
    const p = new LeanProducer(cluster, topic, opts.acks, opts.timeoutMs ?? 30_000);
    const layout = await cluster.topic(topic);
    for (let i = 0; i < layout.leaders.length; i++) p.leaders.set(i, await cluster.leaderOf(topic, i));
    return p;
  }

  get partitionCount(): number {
    return this.leaders.size;
  }

  /** The leader's connection of a partition (to group partitions per request). */
  leaderOf(partition: number): KafkaConnection {
    const c = this.leaders.get(partition);
    if (!c) throw new RangeError(`${this.topic} has no partition ${partition}`);
    return c;
  }

  /** Sends pre-encoded batches stamped with `timestampMs`, one per partition given. */
  send(parts: readonly { partition: number; batch: PreEncodedBatch }[], timestampMs = Date.now()): Promise<PartitionAck[]> {
    const records: PartitionRecords[] = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      records[i] = { partition: p.partition, records: [p.batch.header(timestampMs), p.batch.section] };
    }
    return this.sendRecords(records);
  }

  /** Sends record bytes as they are, one entry per partition; all partitions must share a leader. */
  sendRecords(parts: readonly PartitionRecords[]): Promise<PartitionAck[]> {
    if (parts.length === 0) return Promise.resolve([]);
    const conn = this.leaderOf(parts[0]!.partition);
    for (let i = 1; i < parts.length; i++) {
      if (this.leaderOf(parts[i]!.partition) !== conn) throw new RangeError('a produce request goes to one leader: split the partitions by leaderOf()');
    }
    const version = conn.version(ApiKey.Produce);
    const id = conn.takeId();
    // Small fields are coalesced into the writer; record sections go by reference.
    const w = new Writer(256 + 96 * parts.length);
    const chunks = encodeRequestFrame(
      w,
      { apiKey: ApiKey.Produce, apiVersion: version, correlationId: id, clientId: conn.clientId },
      { acks: this.acks, timeoutMs: this.timeoutMs, topicData: [{ name: this.topic as TopicName, partitionData: parts.map((p) => ({ index: p.partition, records: p.records })) }] },
    );
    if (this.acks === 0) return conn.sendOneWay(chunks).then(() => []);
    return conn.sendFrame(id, chunks, (frame) => {
      const body = decodeResponseFrame(frame, ApiKey.Produce, version).body;
      const out: PartitionAck[] = [];
      for (const t of body.responses) for (const p of t.partitionResponses) out.push({ partition: p.index, errorCode: p.errorCode, baseOffset: p.baseOffset });
      return out;
    });
  }
}
