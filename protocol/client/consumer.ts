// Fetch from a topic's partitions without a group: the caller says where to start,
// each poll() sends one Fetch per leader (long-poll parameters as given) and
// returns the record batches as views of the response, positions advanced past
// them. Records are decoded only when asked (decodeFetched).
import {
  ApiKey,
  decodeRecordBatch,
  decodeResponseFrame,
  encodeRequestFrame,
  recordBatches,
  Writer,
  type BrokerId,
  type KafkaRecord,
  type RecordBatchHeader,
  type TopicName,
} from '../index.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type Cluster } from './cluster.js';
import type { KafkaConnection } from './connection.js';
import { BrokerError } from './errors.js';

export interface ConsumerOptions {
  /** partitions to read; default all */
  partitions?: readonly number[];
  /** where to start: 'earliest', 'latest', or an offset per partition (same order as partitions) */
  from?: 'earliest' | 'latest' | readonly bigint[];
  /** long poll: the broker answers once it has minBytes or after maxWaitMs; defaults 1 byte, 500 ms */
  maxWaitMs?: number;
  minBytes?: number;
  /** response size cap (soft: the first batch is always returned whole); default 50 MiB as Kafka */
  maxBytes?: number;
  /** per-partition cap; default 1 MiB as Kafka */
  partitionMaxBytes?: number;
  /** 0 read_uncommitted, 1 read_committed */
  isolationLevel?: 0 | 1;
}

export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: bigint;
  /** the offset this fetch asked for */
  fetchOffset: bigint;
  /** whole batches, views of the response; the first may begin before fetchOffset */
  batches: RecordBatchHeader[];
  /** records at or after fetchOffset */
  recordCount: number;
  /** bytes of the batches returned */
  sizeBytes: number;
}

export class LeanConsumer {
  /** next offset to fetch, by partition */
  readonly positions = new Map<number, bigint>();
  private readonly byLeader = new Map<KafkaConnection, number[]>();

  private constructor(
    readonly topic: string,
    private readonly opts: Required<Omit<ConsumerOptions, 'partitions' | 'from'>>,
  ) {}

  static async create(cluster: Cluster, topic: string, opts: ConsumerOptions = {}): Promise<LeanConsumer> {
    const layout = await cluster.topic(topic);
    const partitions = opts.partitions ?? layout.leaders.map((_, i) => i);
    const c = new LeanConsumer(topic, {
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: opts.minBytes ?? 1,
      maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
      partitionMaxBytes: opts.partitionMaxBytes ?? 1024 * 1024,
      isolationLevel: opts.isolationLevel ?? 0,
    });
    const from = opts.from ?? 'earliest';
    const starts = Array.isArray(from)
      ? (from as readonly bigint[])
      : await cluster.listOffsets(topic, partitions, from === 'latest' ? LATEST_TIMESTAMP : EARLIEST_TIMESTAMP);
    if (starts.length !== partitions.length) throw new RangeError(`${starts.length} start offsets for ${partitions.length} partitions`);
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i]!;
      c.positions.set(p, starts[i]!);
      const conn = await cluster.leaderOf(topic, p);
      const list = c.byLeader.get(conn) ?? [];
      list.push(p);
      c.byLeader.set(conn, list);
    }
    return c;
  }

  /** One Fetch per leader; resolves when all have answered. Partition errors are returned, not thrown. */
  async poll(): Promise<FetchedPartition[]> {
    const rounds = [...this.byLeader].map(([conn, parts]) => this.fetchFrom(conn, parts));
    const results = await Promise.all(rounds);
    return results.length === 1 ? results[0]! : results.flat();
  }

  private async fetchFrom(conn: KafkaConnection, partitions: readonly number[]): Promise<FetchedPartition[]> {
    const version = conn.version(ApiKey.Fetch);
    const id = conn.takeId();
    const o = this.opts;
    const asked = partitions.map((p) => ({ partition: p, fetchOffset: this.positions.get(p)!, partitionMaxBytes: o.partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n }));
    const w = new Writer(256 + 40 * partitions.length);
    const chunks = encodeRequestFrame(
      w,
      { apiKey: ApiKey.Fetch, apiVersion: version, correlationId: id, clientId: conn.clientId },
      {
        replicaId: -1 as BrokerId,
        maxWaitMs: o.maxWaitMs,
        minBytes: o.minBytes,
        maxBytes: o.maxBytes,
        isolationLevel: o.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: this.topic as TopicName, partitions: asked }],
      },
    );
    const body = await conn.sendFrame(id, chunks, (frame) => decodeResponseFrame(frame, ApiKey.Fetch, version).body);
    if (body.errorCode !== 0) throw new BrokerError(body.errorCode, `fetch from ${this.topic}`);
    const out: FetchedPartition[] = [];
    for (const t of body.responses) {
      for (const p of t.partitions) {
        const fetchOffset = this.positions.get(p.partitionIndex);
        if (fetchOffset === undefined) continue;
        const batches: RecordBatchHeader[] = [];
        let recordCount = 0;
        let sizeBytes = 0;
        let next = fetchOffset;
        if (p.errorCode === 0 && p.records) {
          for (const b of recordBatches(p.records)) {
            const last = b.lastOffset;
            if (last < next) continue;
            const base = b.baseOffset;
            recordCount += Number(last + 1n - (base > fetchOffset ? base : fetchOffset));
            sizeBytes += b.sizeBytes;
            batches.push(b);
            next = last + 1n;
          }
        }
        this.positions.set(p.partitionIndex, next);
        out.push({ partition: p.partitionIndex, errorCode: p.errorCode, highWatermark: p.highWatermark, fetchOffset, batches, recordCount, sizeBytes });
      }
    }
    return out;
  }
}

/** The records of a fetched partition at or after its fetch offset, decoded (and decompressed). */
export async function decodeFetched(f: FetchedPartition, opts: { verifyCrc?: boolean } = {}): Promise<KafkaRecord[]> {
  const out: KafkaRecord[] = [];
  for (const b of f.batches) {
    if (b.isControl) continue;
    const d = await decodeRecordBatch(b, opts);
    for (const r of d.records) if (r.offset >= f.fetchOffset) out.push(r);
  }
  return out;
}
