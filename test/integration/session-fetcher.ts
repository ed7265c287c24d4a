/**
 * A fetcher that keeps a fetch session the way the Java consumer does
 * (FetchSessionHandler): a full request at epoch 0, then incremental ones
 * naming only partitions that are new or whose offset moved, forgetting the
 * ones no longer assigned; any session error starts over with a full request.
 * librdkafka, kafka-python and kafkajs all fetch sessionless, so the broker's
 * incremental path is driven through this.
 */
import type { KafkaClient } from '../../cli/console/client.js';
import { recordBatches } from '../../protocol/records/index.js';
import type { TopicName } from '../../protocol/index.js';

export interface FetchRound {
  sessionId: number;
  epoch: number;
  errorCode: number;
  /** Partitions in the answer. */
  answered: number[];
  /** Partitions named in the request (all of them for a full one). */
  named: number;
  forgotten: number;
}

export class SessionFetcher {
  private sessionId = 0;
  private epoch = 0;
  /** What the broker's session holds: partition -> offset last sent. */
  private sent = new Map<number, bigint>();
  readonly offsets = new Map<number, bigint>();
  readonly rounds: FetchRound[] = [];

  constructor(
    private readonly client: KafkaClient,
    private readonly topic: string,
    private readonly opts: { maxBytes: number; partitionMaxBytes: number },
  ) {}

  assign(partitions: readonly number[]): void {
    for (const p of [...this.offsets.keys()]) if (!partitions.includes(p)) this.offsets.delete(p);
    for (const p of partitions) if (!this.offsets.has(p)) this.offsets.set(p, 0n);
  }

  /** One Fetch; returns the offsets of the records it delivered, per partition. */
  async poll(): Promise<Map<number, bigint[]>> {
    const full = this.epoch === 0;
    const named = [...this.offsets].filter(([p, o]) => full || this.sent.get(p) !== o);
    const forgotten = full ? [] : [...this.sent.keys()].filter((p) => !this.offsets.has(p));
    const r = await this.client.conn.request(1, 12, {
      replicaId: -1 as never,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: this.opts.maxBytes,
      isolationLevel: 0,
      sessionId: this.sessionId,
      sessionEpoch: this.epoch,
      topics: named.length === 0 ? [] : [{ topic: this.topic as TopicName, partitions: named.map(([partition, fetchOffset]) => ({ partition, fetchOffset, partitionMaxBytes: this.opts.partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n })) }],
      forgottenTopicsData: forgotten.length === 0 ? [] : [{ topic: this.topic as TopicName, partitions: forgotten }],
    });
    const round: FetchRound = { sessionId: r.sessionId, epoch: this.epoch, errorCode: r.errorCode, answered: [], named: named.length, forgotten: forgotten.length };
    this.rounds.push(round);
    const delivered = new Map<number, bigint[]>();
    if (r.errorCode !== 0) {
      this.sessionId = 0;
      this.epoch = 0;
      this.sent.clear();
      return delivered;
    }
    if (full) this.sent.clear();
    for (const [p, o] of named) this.sent.set(p, o);
    for (const p of forgotten) this.sent.delete(p);
    if (full) {
      this.sessionId = r.sessionId;
      this.epoch = r.sessionId === 0 ? 0 : 1;
    } else {
      this.epoch = this.epoch === 0x7fffffff ? 1 : this.epoch + 1;
    }
    for (const t of r.responses) {
      for (const part of t.partitions) {
        round.answered.push(part.partitionIndex);
        if (part.errorCode !== 0 || part.records === null || part.records.length === 0) continue;
        let next = this.offsets.get(part.partitionIndex);
        if (next === undefined) continue;
        const got: bigint[] = [];
        for (const batch of recordBatches(part.records)) {
          for (let o = batch.baseOffset; o <= batch.lastOffset; o++) if (o >= next) got.push(o);
          if (batch.lastOffset + 1n > next) next = batch.lastOffset + 1n;
        }
        this.offsets.set(part.partitionIndex, next);
        delivered.set(part.partitionIndex, got);
      }
    }
    return delivered;
  }
}
