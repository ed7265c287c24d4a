/**
 * The broker's way to its PartitionActors: refs by topic-partition, one
 * askMany per request (one message per worker in pool mode), and the
 * PartitionHost the controller uses to open, reconfigure and remove them.
 */
import type { ActorRef, ActorSystem, AskOutcome } from '../runtime/index.js';
import type { LogPolicy } from '../config/index.js';
import type { PartitionHost, TopicRecord } from '../controller/controller.js';
import { AttachedLogs } from './fetch/attached-logs.js';
import { PARTITION_KIND, partitionKey, type FollowerPosition, type PartitionMessage, type ReplicationRole } from '../partition/messages.js';

export interface CheckpointSource {
  recoveryPoint(topic: string, partition: number): bigint;
  logStartOffset(topic: string, partition: number): bigint;
  highWatermark(topic: string, partition: number): bigint;
  /** Removes a deleted topic's checkpoint entries, durably. */
  forgetTopic(topic: string): Promise<void>;
}

/** Opening many partitions at once is batched to bound messages in flight. */
const OPEN_BATCH = 256;

export class PartitionRouter implements PartitionHost {
  private readonly refs = new Map<string, ActorRef<PartitionMessage, unknown>>();
  /** Open partitions, for checkpoints and maintenance. */
  readonly open = new Map<string, { topic: string; partition: number }>();
  /** Fetch's read-only handles on the partition logs, on this (the broker's) thread. */
  readonly logs = new AttachedLogs();
  /** Told of each partition whose data was deleted (the log cleaner forgets its checkpoint; metrics drop the topic's series). */
  readonly dataDeleted: Array<(topic: string, partition: number) => void> = [];

  constructor(
    private readonly system: ActorSystem,
    private readonly dataDir: string,
    private readonly checkpoints: CheckpointSource,
    private readonly askTimeoutMs: number,
  ) {}

  ref(topic: string, partition: number): ActorRef<PartitionMessage, unknown> {
    const key = partitionKey(topic, partition);
    let ref = this.refs.get(key);
    if (ref === undefined) {
      ref = this.system.ref<PartitionMessage>(PARTITION_KIND, key);
      this.refs.set(key, ref);
    }
    return ref;
  }

  /** True when partition actors run on pool workers (their messages cross threads). */
  get pooled(): boolean {
    return this.system.workers > 0;
  }

  /** One message per partition; outcomes in order. Never rejects. */
  askMany<R>(items: ReadonlyArray<{ topic: string; partition: number; msg: PartitionMessage; transfer?: ArrayBuffer[] }>, timeoutMs = this.askTimeoutMs): Promise<AskOutcome<R>[]> {
    if (items.length === 0) return Promise.resolve([]);
    return this.system.askMany<R>(
      items.map((i) => (i.transfer ? { ref: this.ref(i.topic, i.partition), msg: i.msg, transfer: i.transfer } : { ref: this.ref(i.topic, i.partition), msg: i.msg })),
      { timeoutMs },
    );
  }

  async openPartitions(topic: TopicRecord, from: number, policy: LogPolicy): Promise<void> {
    for (let start = from; start < topic.partitions; start += OPEN_BATCH) {
      const items: Array<{ topic: string; partition: number; msg: PartitionMessage }> = [];
      for (let p = start; p < Math.min(topic.partitions, start + OPEN_BATCH); p++) {
        items.push({
          topic: topic.name,
          partition: p,
          msg: {
            t: 'open' as const,
            dataDir: this.dataDir,
            topic: topic.name,
            partition: p,
            topicId: topic.id,
            policy,
            recoveryPoint: this.checkpoints.recoveryPoint(topic.name, p),
            logStartOffset: this.checkpoints.logStartOffset(topic.name, p),
          },
        });
      }
      const outcomes = await this.askMany(items);
      outcomes.forEach((o, i) => {
        if (!o.ok) throw new Error(`opening ${topic.name}-${items[i]!.partition} failed: ${o.error.message}`);
        this.open.set(partitionKey(topic.name, items[i]!.partition), { topic: topic.name, partition: items[i]!.partition });
      });
    }
  }

  /** Opens (or, open already, moves to `leaderEpoch` and `replication`) one partition: a cluster's LeaderAndIsr. Rejects with the open's error. */
  async openPartition(topic: { name: string; id: string }, partition: number, policy: LogPolicy, leaderEpoch: number, replication?: ReplicationRole): Promise<FollowerPosition> {
    const [o] = await this.askMany([
      {
        topic: topic.name,
        partition,
        msg: {
          t: 'open' as const,
          dataDir: this.dataDir,
          topic: topic.name,
          partition,
          topicId: topic.id,
          policy,
          recoveryPoint: this.checkpoints.recoveryPoint(topic.name, partition),
          logStartOffset: this.checkpoints.logStartOffset(topic.name, partition),
          highWatermark: this.checkpoints.highWatermark(topic.name, partition),
          leaderEpoch,
          ...(replication ? { replication } : {}),
        },
      },
    ]);
    if (!o!.ok) throw o!.error;
    this.open.set(partitionKey(topic.name, partition), { topic: topic.name, partition });
    return o!.value as FollowerPosition;
  }

  /** Closes one partition, deleting its data when asked (a cluster's StopReplica). */
  async closePartition(topic: string, partition: number, deleteData: boolean): Promise<void> {
    const key = partitionKey(topic, partition);
    if (!this.open.has(key) && !deleteData) return;
    const [o] = await this.askMany([{ topic, partition, msg: { t: 'close' as const, deleteData } }]);
    this.open.delete(key);
    this.logs.drop(key);
    if (deleteData) for (const f of this.dataDeleted) f(topic, partition);
    if (!o!.ok) throw o!.error;
  }

  async removeTopic(topic: TopicRecord): Promise<void> {
    const items = Array.from({ length: topic.partitions }, (_, p) => ({ topic: topic.name, partition: p, msg: { t: 'close' as const, deleteData: true } }));
    const outcomes = await this.askMany(items);
    for (let p = 0; p < topic.partitions; p++) {
      this.open.delete(partitionKey(topic.name, p));
      this.logs.drop(partitionKey(topic.name, p));
      for (const f of this.dataDeleted) f(topic.name, p);
    }
    await this.checkpoints.forgetTopic(topic.name);
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) throw failed.error;
  }

  async reconfigure(topic: TopicRecord, policy: LogPolicy): Promise<void> {
    const items = Array.from({ length: topic.partitions }, (_, p) => ({ topic: topic.name, partition: p, msg: { t: 'reconfigure' as const, policy } }));
    await this.askMany(items);
  }

  /** Sends a message to every open partition; outcomes keyed by topic-partition. */
  async broadcast<R>(msg: PartitionMessage): Promise<Array<{ topic: string; partition: number; outcome: AskOutcome<R> }>> {
    const targets = [...this.open.values()];
    const outcomes = await this.askMany<R>(targets.map((t) => ({ ...t, msg })));
    return targets.map((t, i) => ({ ...t, outcome: outcomes[i]! }));
  }
}
