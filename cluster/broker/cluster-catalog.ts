/**
 * A cluster broker's TopicCatalog: its view of the cluster is the last
 * UpdateMetadata from the controller (the whole cluster each time), the
 * partitions it leads are those LeaderAndIsr made it lead, and its changes
 * are written to ZooKeeper, where the controller sees them:
 *
 * - createTopic (CreateTopics on the controller, auto-creation anywhere):
 *   placement, then /config/topics/<t> and /brokers/topics/<t> in one multi,
 *   answered once the controller's metadata shows every partition;
 * - deleteTopic: /admin/delete_topics/<t>, answered once the topic is gone
 *   from the metadata;
 * - createPartitions: the assignment rewritten at the version read;
 * - alterTopicConfigs: /config/topics/<t> and a /config/changes notification,
 *   which every broker follows;
 * - producer ids: blocks claimed from /latest_producer_id_block.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyOps, listDefault } from '../../actors/controller/controller.js';
import type { BrokerView, CreateTopicSpec, IncrementalOp, LeadershipProblem, Outcome, PartitionView, TopicCatalog, TopicDeletionListener } from '../../actors/controller/catalog.js';
import type { TopicRecord } from '../../actors/controller/metadata-file.js';
import { collisionKey, newUuid, topicNameProblem } from '../../actors/controller/topic-names.js';
import { ConfigError, logPolicy, validateTopicOverrides, type BrokerConfig, type LogPolicy } from '../../actors/config/index.js';
import type { PartitionRouter } from '../../actors/broker/partition-router.js';
import { setAsideStrayPartitions } from '../../actors/broker/stray-partitions.js';
import type { Logger } from '../../actors/runtime/index.js';
import type { KafkaZk } from '../kafka-zk.js';
import { assignReplicas, PlacementError } from '../controller/replica-placement.js';
import { ZkMultiError } from '../zookeeper/session.js';
import { isZkError } from '../zookeeper/zk-error.js';
import { CONFIG_CHANGES, configPath, decodeConfig, decodeConfigChange, DEFAULT_BROKER_ENTITY, type TopicAssignment } from '../zookeeper/znodes.js';
import { claimPartitionDir } from './partition-metadata-file.js';
import type { FollowerPosition, ReplicationRole } from '../../actors/partition/messages.js';
import type { ReplicaFetchers } from './replica-fetcher.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ErrorCode, type BrokerId, type Uuid } from '../../protocol/index.js';

/** What LeaderAndIsr says of one partition. */
export interface PartitionAssignmentState {
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly replicas: readonly number[];
  readonly partitionEpoch: number;
}

/** The broker's parts a catalog wakes when a high watermark moves outside a fetch (an ISR change). */
export interface HighWatermarkListener {
  highWatermark(key: string, highWatermark: bigint, isrSize: number, leaderEpoch: number): void;
  abandoned(key: string): void;
  /** the partition was deleted here: nothing of its leadership may outlive it */
  deleted(key: string): void;
}

export const ALTER_PARTITION_VERSION = 2;
/** A controller that does not answer (paused, partitioned) is given up on, and the next ISR check asks again. */
const ALTER_PARTITION_TIMEOUT_MS = 5_000;
/** An unanswered AlterPartition is sent again this often, this many times at most (a leadership change stops it sooner). */
const ALTER_PARTITION_RETRY_MS = 500;
const ALTER_PARTITION_ATTEMPTS = 20;

const OFFSETS_TOPIC = '__consumer_offsets';

/** How long a topic change waits for the controller's metadata to show it. */
const PROPAGATION_TIMEOUT_MS = 30_000;
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

export interface SnapshotTopic {
  readonly id: string;
  readonly partitions: ReadonlyMap<number, PartitionView>;
}

/** The cluster as the controller last described it (an UpdateMetadata). */
export interface MetadataSnapshot {
  readonly controllerId: number;
  readonly controllerEpoch: number;
  readonly brokers: ReadonlyMap<number, BrokerView>;
  readonly topics: ReadonlyMap<string, SnapshotTopic>;
  /** Partitions (`<topic>-<p>`) of topics queued for deletion: gone for clients, their data kept until StopReplica deletes it. */
  readonly deleting: ReadonlySet<string>;
}

export interface ClusterCatalogOptions {
  readonly kzk: KafkaZk;
  readonly brokerId: number;
  readonly clusterId: string;
  readonly config: BrokerConfig;
  readonly host: PartitionRouter;
  readonly dataDir: string;
  readonly log: Logger;
  readonly isController: () => boolean;
  /** True while this broker must not answer as a leader (stall-fence.ts). */
  readonly fenced?: () => boolean;
}

type Fail = { ok: false; error: Parameters<typeof fail>[0]; message: string };
function fail(error: 'TOPIC_ALREADY_EXISTS' | 'INVALID_TOPIC_EXCEPTION' | 'INVALID_PARTITIONS' | 'INVALID_REPLICATION_FACTOR' | 'INVALID_REPLICA_ASSIGNMENT' | 'INVALID_CONFIG' | 'UNKNOWN_TOPIC_OR_PARTITION' | 'UNKNOWN_TOPIC_ID' | 'TOPIC_DELETION_DISABLED' | 'INVALID_REQUEST' | 'REQUEST_TIMED_OUT' | 'COORDINATOR_NOT_AVAILABLE' | 'REASSIGNMENT_IN_PROGRESS', message: string): Fail {
  return { ok: false, error, message };
}

const EMPTY: MetadataSnapshot = { controllerId: -1, controllerEpoch: -1, brokers: new Map(), topics: new Map(), deleting: new Set() };
const key = (topic: string, partition: number): string => `${topic}-${partition}`;

export class ClusterCatalog implements TopicCatalog {
  private snapshot: MetadataSnapshot = EMPTY;
  private readonly byName = new Map<string, TopicRecord>();
  private readonly byId = new Map<string, TopicRecord>();
  private readonly configs = new Map<string, Record<string, string>>();
  /** Partitions this broker leads, by `<topic>-<p>`: what LeaderAndIsr said, with the epoch. */
  private readonly led = new Map<string, { topic: string; topicId: string; partition: number; leaderEpoch: number; replicas: readonly number[]; isr: readonly number[]; partitionEpoch: number }>();
  /** Partitions this broker follows, with the epoch LeaderAndIsr gave. */
  private readonly following = new Map<string, { leader: number; leaderEpoch: number }>();
  /** Leader endpoints from LeaderAndIsr (liveLeaders), ahead of the UpdateMetadata that follows it. */
  private readonly leaderEndpoints = new Map<number, { host: string; port: number }>();
  private fetchers: ReplicaFetchers | null = null;
  private hwListener: HighWatermarkListener | null = null;
  /** AlterPartition requests in flight, by partition: one at a time each, as Kafka's leader. */
  private readonly isrInFlight = new Set<string>();
  private controllerConn: { id: number; conn: Promise<KafkaConnection> } | null = null;
  private readonly changed = new Set<() => void>();
  private readonly deletionListeners: TopicDeletionListener[] = [];
  private readonly leadershipListeners: Array<(topic: string, partition: number, leads: boolean) => void> = [];
  private readonly configListeners: Array<(type: 'topics' | 'brokers', name: string) => void> = [];
  private sweptStrays = false;
  private producerIds: { next: bigint; end: bigint } | null = null;
  private lastConfigChange = '';
  private dynamic: BrokerConfig;

  constructor(private readonly o: ClusterCatalogOptions) {
    this.dynamic = o.config;
  }

  get clusterId(): string {
    return this.o.clusterId;
  }

  get config(): BrokerConfig {
    return this.dynamic;
  }

  topics(): IterableIterator<TopicRecord> {
    return this.byName.values();
  }

  topic(name: string): TopicRecord | undefined {
    return this.byName.get(name);
  }

  topicById(id: string): TopicRecord | undefined {
    return this.byId.get(id);
  }

  policyOf(topic: TopicRecord): LogPolicy {
    return logPolicy(this.dynamic, new Map(Object.entries(topic.configs)));
  }

  brokers(self: BrokerView): readonly BrokerView[] {
    if (this.snapshot.brokers.size === 0) return [self];
    return [...this.snapshot.brokers.values()].sort((a, b) => a.id - b.id);
  }

  controllerId(): number {
    return this.snapshot.controllerId;
  }

  isController(): boolean {
    return this.o.isController();
  }

  partition(topic: TopicRecord, partition: number): PartitionView {
    const view = this.snapshot.topics.get(topic.name)?.partitions.get(partition) ?? { leader: -1, leaderEpoch: -1, replicas: [], isr: [], offline: [] };
    // Fenced, it claims no leadership in Metadata either: clients ask another broker.
    return view.leader === this.o.brokerId && this.o.fenced?.() === true ? { ...view, leader: -1 } : view;
  }

  leadership(topic: TopicRecord, partition: number): LeadershipProblem {
    if (this.led.has(key(topic.name, partition))) return this.o.fenced?.() === true ? 'NOT_LEADER_OR_FOLLOWER' : null;
    return this.partition(topic, partition).leader < 0 ? 'LEADER_NOT_AVAILABLE' : 'NOT_LEADER_OR_FOLLOWER';
  }

  /** Whether this broker leads any partition (what LeaderAndIsr said). */
  get leadsAny(): boolean {
    return this.led.size > 0;
  }

  /** The leader epoch this broker leads a partition in, or null when it does not lead it. */
  leaderEpochOf(topic: string, partition: number): number | null {
    return this.led.get(key(topic, partition))?.leaderEpoch ?? null;
  }

  onTopicDeleted(listener: TopicDeletionListener): void {
    this.deletionListeners.push(listener);
  }

  /** Called when this broker starts or stops leading a partition (group coordinators follow __consumer_offsets leadership). */
  onLeadershipChange(listener: (topic: string, partition: number, leads: boolean) => void): void {
    this.leadershipListeners.push(listener);
  }

  // ---- from the controller

  /** An UpdateMetadata: the whole cluster. False when it comes from an older controller than the last one heard (STALE_CONTROLLER_EPOCH). */
  async applyMetadata(next: MetadataSnapshot): Promise<boolean> {
    if (next.controllerEpoch < this.snapshot.controllerEpoch) return false;
    for (const name of next.topics.keys()) if (!this.configs.has(name)) this.configs.set(name, await this.o.kzk.topicConfig(name));
    const before = this.byName;
    const gone: TopicRecord[] = [];
    for (const [name, t] of before) {
      const now = next.topics.get(name);
      if (now === undefined || now.id !== t.id) gone.push(t);
    }
    this.snapshot = next;
    this.byName.clear();
    this.byId.clear();
    for (const [name, t] of next.topics) {
      const record: TopicRecord = { name, id: t.id, partitions: t.partitions.size === 0 ? 0 : Math.max(...t.partitions.keys()) + 1, configs: this.configs.get(name) ?? {} };
      this.byName.set(name, record);
      this.byId.set(t.id, record);
    }
    for (const t of gone) {
      this.configs.delete(t.name);
      for (const [k, l] of this.led) if (l.topic === t.name) await this.resign(k, l);
      for (const k of [...this.following.keys()]) {
        if (!k.startsWith(`${t.name}-`) || next.topics.has(t.name)) continue;
        this.following.delete(k);
        await this.fetchers?.unfollow(t.name, Number(k.slice(t.name.length + 1)));
      }
      for (const listener of this.deletionListeners) await listener(t).catch((err) => this.o.log.warn(`after deleting ${t.name}: ${(err as Error).message}`));
    }
    if (!this.sweptStrays) {
      // The first full view after start: local partitions of topics this broker no longer replicates are set aside.
      this.sweptStrays = true;
      const mine = new Set<string>();
      for (const [name, t] of next.topics) for (const [p, v] of t.partitions) if (v.replicas.includes(this.o.brokerId)) mine.add(key(name, p));
      for (const k of this.o.host.open.keys()) mine.add(k);
      for (const k of next.deleting) mine.add(k);
      setAsideStrayPartitions(this.o.dataDir, mine, this.o.log);
    }
    for (const wake of [...this.changed]) wake();
    return true;
  }

  /** The follower side and the broker's waits, set once the broker runs. */
  attachReplication(fetchers: ReplicaFetchers, listener: HighWatermarkListener): void {
    this.fetchers = fetchers;
    this.hwListener = listener;
  }

  /** Where a leader listens, from LeaderAndIsr's liveLeaders. */
  noteLeaderEndpoint(id: number, host: string, port: number): void {
    this.leaderEndpoints.set(id, { host, port });
  }

  /**
   * A LeaderAndIsr partition: this broker leads it (its directory claimed for
   * the topic id, the log opened in the leader epoch with the ISR), follows
   * it (opened as a follower, fetched from the leader), or, not a replica,
   * lets it go. Returns a Kafka error name or null.
   */
  async applyPartitionState(st: PartitionAssignmentState): Promise<string | null> {
    const { topic, topicId, partition, leader, leaderEpoch } = st;
    const k = key(topic, partition);
    const current = this.led.get(k);
    const followed = this.following.get(k);
    if ((current !== undefined && leaderEpoch < current.leaderEpoch) || (followed !== undefined && leaderEpoch < followed.leaderEpoch)) return 'STALE_CONTROLLER_EPOCH';
    const mine = st.replicas.includes(this.o.brokerId);
    if (leader !== this.o.brokerId) {
      if (current !== undefined) await this.resign(k, current);
      if (!mine || st.replicas.length <= 1) {
        this.following.delete(k);
        await this.fetchers?.unfollow(topic, partition);
        return null;
      }
    } else {
      // No answer from an old fetch may land once this replica leads.
      this.following.delete(k);
      await this.fetchers?.unfollow(topic, partition);
    }
    const leads = leader === this.o.brokerId;
    const role: ReplicationRole = { role: leads ? 'leader' : 'follower', brokerId: this.o.brokerId, replicas: st.replicas, isr: st.isr, partitionEpoch: st.partitionEpoch };
    let pos: FollowerPosition;
    try {
      const stray = claimPartitionDir(join(this.o.dataDir, k), topicId);
      if (stray !== null) this.o.log.warn(`partition directory ${k} belonged to another topic of that name: renamed to ${stray}`);
      let configs = this.configs.get(topic);
      if (configs === undefined) this.configs.set(topic, (configs = await this.o.kzk.topicConfig(topic)));
      pos = await this.o.host.openPartition({ name: topic, id: topicId }, partition, logPolicy(this.dynamic, new Map(Object.entries(configs))), leaderEpoch, role);
    } catch (err) {
      this.o.log.error(`opening ${k} to ${leads ? 'lead' : 'follow'} it in epoch ${leaderEpoch} failed: ${(err as Error).message}`);
      return 'KAFKA_STORAGE_ERROR';
    }
    if (leads) {
      this.led.set(k, { topic, topicId, partition, leaderEpoch, replicas: st.replicas, isr: st.isr, partitionEpoch: st.partitionEpoch });
      if (current === undefined) for (const l of this.leadershipListeners) l(topic, partition, true);
      this.hwListener?.highWatermark(k, pos.highWatermark, st.isr.length, leaderEpoch);
      return null;
    }
    this.following.set(k, { leader, leaderEpoch });
    const endpoint = this.leaderEndpoints.get(leader) ?? this.snapshot.brokers.get(leader);
    if (leader < 0 || endpoint === undefined) await this.fetchers?.unfollow(topic, partition);
    else await this.fetchers?.follow(leader, { host: endpoint.host, port: endpoint.port }, { topic, partition, leaderEpoch }, pos);
    return null;
  }

  /**
   * A leader's ISR change (Kafka's AlterPartition, 56): sent to the
   * controller with the leader epoch and partition epoch it rests on; the
   * answer (the ISR as written, and its new partition epoch) is taken by
   * the partition, whose high watermark may move with it. One at a time per
   * partition; a refusal waits for the controller's next LeaderAndIsr.
   */
  proposeIsr(topic: string, partition: number, isr: readonly number[], leaderEpoch: number, partitionEpoch: number): void {
    const k = key(topic, partition);
    const l = this.led.get(k);
    if (l === undefined || l.leaderEpoch !== leaderEpoch || this.isrInFlight.has(k)) return;
    this.isrInFlight.add(k);
    void this.alterPartitionUntilAnswered(l, isr, partitionEpoch).finally(() => this.isrInFlight.delete(k));
  }

  /**
   * Sends the change again, unchanged, while no controller answers it (a
   * lost connection, a timeout, a controller moving), as Kafka's
   * AlterPartitionManager: the controller may have written it before the
   * answer was lost, and a leader that gave up would keep the partition
   * epoch and ISR of before while ZooKeeper has the new ones, refused
   * forever after. Stops once answered, or once this broker no longer leads
   * in that epoch.
   */
  private async alterPartitionUntilAnswered(l: { topic: string; topicId: string; partition: number; leaderEpoch: number }, isr: readonly number[], partitionEpoch: number): Promise<void> {
    const k = key(l.topic, l.partition);
    for (let attempt = 1; attempt <= ALTER_PARTITION_ATTEMPTS; attempt++) {
      const answered = await this.sendAlterPartition(l, isr, partitionEpoch).catch((err: Error) => {
        this.o.log.warn(`AlterPartition of ${k} (attempt ${attempt}): ${err.message}`);
        return false;
      });
      if (answered || this.led.get(k)?.leaderEpoch !== l.leaderEpoch) return;
      await new Promise((r) => setTimeout(r, ALTER_PARTITION_RETRY_MS));
    }
  }

  /** True once a controller answered (taken or refused); false when none did. */
  private async sendAlterPartition(l: { topic: string; topicId: string; partition: number; leaderEpoch: number }, isr: readonly number[], partitionEpoch: number): Promise<boolean> {
    const k = key(l.topic, l.partition);
    const conn = await this.controllerConnection();
    if (conn === null) return false;
    const brokerEpoch = (await this.o.kzk.brokers()).get(this.o.brokerId)?.epoch ?? -1n;
    let r;
    try {
      r = await conn.request(56, ALTER_PARTITION_VERSION, {
        brokerId: this.o.brokerId as BrokerId,
        brokerEpoch,
        topics: [{ topicId: l.topicId as Uuid, partitions: [{ partitionIndex: l.partition, leaderEpoch: l.leaderEpoch, newIsr: isr as BrokerId[], leaderRecoveryState: 0, partitionEpoch }] }],
      });
    } catch (err) {
      this.controllerConn = null;
      conn.close();
      throw err;
    }
    const p = r.errorCode === 0 ? r.topics[0]?.partitions[0] : undefined;
    if (p === undefined || p.errorCode !== 0) {
      const error = p?.errorCode ?? r.errorCode;
      this.o.log.info(`AlterPartition of ${k} to ISR [${isr.join(',')}] refused with error ${error}`);
      if (error === ErrorCode.NOT_CONTROLLER) {
        this.controllerConn = null;
        return false;
      }
      return true;
    }
    const now = this.led.get(k);
    if (now === undefined || now.leaderEpoch !== p.leaderEpoch) return true;
    const taken = { ...now, isr: p.isr as number[], partitionEpoch: p.partitionEpoch };
    this.led.set(k, taken);
    this.o.log.info(`${k}: ISR [${taken.isr.join(',')}] (partition epoch ${taken.partitionEpoch})`);
    const configs = this.configs.get(l.topic) ?? {};
    const pos = await this.o.host.openPartition({ name: l.topic, id: l.topicId }, l.partition, logPolicy(this.dynamic, new Map(Object.entries(configs))), now.leaderEpoch, { role: 'leader', brokerId: this.o.brokerId, replicas: now.replicas, isr: taken.isr, partitionEpoch: taken.partitionEpoch });
    this.hwListener?.highWatermark(k, pos.highWatermark, taken.isr.length, now.leaderEpoch);
    return true;
  }

  private async controllerConnection(): Promise<KafkaConnection | null> {
    const id = this.snapshot.controllerId;
    const b = this.snapshot.brokers.get(id);
    if (b === undefined) return null;
    if (this.controllerConn?.id !== id) {
      const old = this.controllerConn;
      this.controllerConn = { id, conn: KafkaConnection.connect({ host: b.host, port: b.port, clientId: `samsa-broker-${this.o.brokerId}`, connectTimeoutMs: 5_000, requestTimeoutMs: ALTER_PARTITION_TIMEOUT_MS }) };
      void old?.conn.then((c) => c.close()).catch(() => undefined);
    }
    try {
      return await this.controllerConn.conn;
    } catch (err) {
      this.controllerConn = null;
      throw err;
    }
  }

  /** The leader's ISR check (every replica.lag.time.max.ms / 2): members behind for longer are proposed out. */
  async checkIsr(lagMaxMs: number): Promise<void> {
    const items = [...this.led.values()].filter((l) => l.replicas.length > 1).map((l) => ({ topic: l.topic, partition: l.partition, msg: { t: 'isrCheck' as const, lagMaxMs } }));
    const outcomes = await this.o.host.askMany<{ proposeIsr: number[] | null; leaderEpoch: number; partitionEpoch: number }>(items);
    outcomes.forEach((o, i) => {
      if (!o.ok || o.value.proposeIsr === null) return;
      const it = items[i]!;
      this.o.log.info(`${it.topic}-${it.partition}: replica(s) behind for over ${lagMaxMs} ms; asking for ISR [${o.value.proposeIsr.join(',')}]`);
      this.proposeIsr(it.topic, it.partition, o.value.proposeIsr, o.value.leaderEpoch, o.value.partitionEpoch);
    });
  }

  async closeReplication(): Promise<void> {
    await this.fetchers?.close();
    const c = this.controllerConn;
    this.controllerConn = null;
    await c?.conn.then((x) => x.close()).catch(() => undefined);
  }

  /** A StopReplica partition: no longer led here; its data deleted when asked (a topic deletion). */
  async stopReplica(topic: string, partition: number, deleteData: boolean): Promise<string | null> {
    const k = key(topic, partition);
    const current = this.led.get(k);
    if (current !== undefined) await this.resign(k, current);
    this.following.delete(k);
    await this.fetchers?.unfollow(topic, partition);
    try {
      await this.o.host.closePartition(topic, partition, deleteData);
      if (deleteData) {
        rmSync(join(this.o.dataDir, k), { recursive: true, force: true });
        this.hwListener?.deleted(k);
      }
    } catch (err) {
      this.o.log.error(`stopping ${k} failed: ${(err as Error).message}`);
      return 'KAFKA_STORAGE_ERROR';
    }
    return null;
  }

  private async resign(k: string, l: { topic: string; partition: number }): Promise<void> {
    this.led.delete(k);
    this.hwListener?.abandoned(k);
    for (const listener of this.leadershipListeners) listener(l.topic, l.partition, false);
  }

  /** Follows /config/changes: a topic's new config reaches the partitions led here. */
  async watchConfigChanges(): Promise<void> {
    const names = (await this.o.kzk.zk.children(CONFIG_CHANGES, () => void this.watchConfigChanges().catch((err) => this.o.log.warn(`config changes: ${(err as Error).message}`)))).sort();
    const fresh = names.filter((n) => n > this.lastConfigChange);
    if (names.length > 0) this.lastConfigChange = names.at(-1)!;
    for (const n of fresh) {
      const path = `${CONFIG_CHANGES}/${n}`;
      let entity: string;
      try {
        entity = decodeConfigChange(path, (await this.o.kzk.zk.get(path)).data);
      } catch (err) {
        if (isZkError(err, 'NO_NODE')) continue;
        this.o.log.warn(`config change ${path}: ${(err as Error).message}`);
        continue;
      }
      const [type, name] = entity.split('/');
      if (type === 'topics' && name !== undefined) await this.reloadTopicConfig(name);
      else if (type === 'brokers' && (name === DEFAULT_BROKER_ENTITY || name === String(this.o.brokerId))) await this.reloadBrokerConfig();
      if ((type === 'topics' || type === 'brokers') && name !== undefined) for (const l of this.configListeners) l(type, name);
    }
  }

  /** Called after a topic's or a broker entity's config changed (the controller elects again when unclean election is turned on). */
  onConfigChange(listener: (type: 'topics' | 'brokers', name: string) => void): void {
    this.configListeners.push(listener);
  }

  /** unclean.leader.election.enable as this broker has it now (static, or the cluster's dynamic default). */
  uncleanElectionDefault(): boolean {
    return this.dynamic.get('unclean.leader.election.enable') === true;
  }

  private async reloadTopicConfig(name: string): Promise<void> {
    const configs = await this.o.kzk.topicConfig(name);
    this.configs.set(name, configs);
    const record = this.byName.get(name);
    if (record !== undefined) record.configs = configs;
    const policy = logPolicy(this.dynamic, new Map(Object.entries(configs)));
    const items = [...this.led.values()].filter((l) => l.topic === name).map((l) => ({ topic: name, partition: l.partition, msg: { t: 'reconfigure' as const, policy } }));
    await this.o.host.askMany(items);
  }

  /** Waits up to `timeoutMs` for this broker's metadata to name each partition's expected leader; then whether it does, for each. */
  async awaitLeaders(expected: ReadonlyArray<{ topic: string; partition: number; leader: number }>, timeoutMs: number): Promise<boolean[]> {
    const shown = (e: { topic: string; partition: number; leader: number }) => this.snapshot.topics.get(e.topic)?.partitions.get(e.partition)?.leader === e.leader;
    await this.until(() => expected.every(shown), timeoutMs);
    return expected.map(shown);
  }

  // ---- changes

  /** Resolves once `done` holds for the metadata, or with false after the timeout. */
  private until(done: () => boolean, timeoutMs = PROPAGATION_TIMEOUT_MS): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (v: boolean) => {
        clearTimeout(timer);
        this.changed.delete(wake);
        resolve(v);
      };
      this.changed.add(wake);
    });
  }

  private async placementBrokers(): Promise<Array<{ id: number; rack: string | null }>> {
    return [...(await this.o.kzk.brokers()).values()].map((b) => ({ id: b.id, rack: b.rack }));
  }

  async createTopic(spec: CreateTopicSpec): Promise<Outcome<{ topic: TopicRecord }>> {
    const problem = topicNameProblem(spec.name);
    if (problem !== null) return fail('INVALID_TOPIC_EXCEPTION', problem);
    if (await this.o.kzk.isTopicMarkedForDeletion(spec.name)) return fail('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' is marked for deletion.`);
    if (this.byName.has(spec.name) || (await this.o.kzk.topicAssignment(spec.name)) !== null) return fail('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
    const clash = [...(await this.o.kzk.topicNames())].find((n) => collisionKey(n) === collisionKey(spec.name));
    if (clash !== undefined) return fail('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic: ${clash}`);
    let configs: Map<string, string>;
    try {
      configs = validateTopicOverrides(spec.configs ?? new Map());
    } catch (err) {
      return fail('INVALID_CONFIG', (err as Error).message);
    }
    const brokers = await this.placementBrokers();
    const live = new Set(brokers.map((b) => b.id));
    let replicas: Map<number, number[]>;
    if (spec.assignments && spec.assignments.length > 0) {
      if (spec.partitions !== -1 || spec.replicationFactor !== -1) return fail('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      const sorted = [...spec.assignments].sort((a, b) => a.partition - b.partition);
      replicas = new Map();
      for (let i = 0; i < sorted.length; i++) {
        const a = sorted[i]!;
        if (a.partition !== i) return fail('INVALID_REPLICA_ASSIGNMENT', 'Partitions should be a consecutive 0-based integer sequence');
        const bad = this.assignmentProblem(a.brokers, live);
        if (bad !== null) return bad;
        replicas.set(i, [...a.brokers]);
      }
      if (replicas.size > MAX_PARTITIONS_PER_TOPIC) return fail('INVALID_PARTITIONS', `Number of partitions must be between 1 and ${MAX_PARTITIONS_PER_TOPIC}, got ${replicas.size}.`);
    } else {
      const partitions = spec.partitions === -1 ? this.dynamic.numPartitions : spec.partitions;
      // __consumer_offsets takes offsets.topic.replication.factor, as Kafka: with fewer brokers its creation fails and groups wait (COORDINATOR_NOT_AVAILABLE).
      const defaultRf = spec.name === OFFSETS_TOPIC ? (this.dynamic.get('offsets.topic.replication.factor') as number) : this.dynamic.defaultReplicationFactor;
      const rf = spec.replicationFactor === -1 ? defaultRf : spec.replicationFactor;
      if (partitions <= 0 || partitions > MAX_PARTITIONS_PER_TOPIC) return fail('INVALID_PARTITIONS', `Number of partitions must be between 1 and ${MAX_PARTITIONS_PER_TOPIC}, got ${partitions}.`);
      if (rf <= 0) return fail('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
      try {
        replicas = assignReplicas(brokers, partitions, rf);
      } catch (err) {
        if (err instanceof PlacementError) return fail(err.error, err.message);
        throw err;
      }
    }
    const record: TopicRecord = { name: spec.name, id: newUuid(), partitions: replicas.size, configs: Object.fromEntries(configs) };
    if (spec.validateOnly) return { ok: true, topic: record };
    const assignment: TopicAssignment = { topicId: record.id, partitions: replicas, addingReplicas: new Map(), removingReplicas: new Map() };
    try {
      await this.o.kzk.createTopic(spec.name, assignment, record.configs);
    } catch (err) {
      if (err instanceof ZkMultiError && err.code === 'NODE_EXISTS') return fail('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
      throw err;
    }
    const shown = await this.until(() => {
      const t = this.snapshot.topics.get(spec.name);
      return t !== undefined && t.id === record.id && t.partitions.size === record.partitions;
    });
    if (!shown) return fail('REQUEST_TIMED_OUT', `Topic '${spec.name}' was created in ZooKeeper, but the controller did not report its partitions within ${PROPAGATION_TIMEOUT_MS} ms.`);
    return { ok: true, topic: this.byName.get(spec.name) ?? record };
  }

  private assignmentProblem(brokers: readonly number[], live: ReadonlySet<number>): Fail | null {
    if (brokers.length === 0) return fail('INVALID_REPLICA_ASSIGNMENT', 'Replica assignment must name at least one broker.');
    if (new Set(brokers).size !== brokers.length) return fail('INVALID_REPLICA_ASSIGNMENT', `Duplicate brokers in replica assignment: ${brokers.join(', ')}`);
    const unknown = brokers.filter((b) => !live.has(b));
    if (unknown.length > 0) return fail('INVALID_REPLICA_ASSIGNMENT', `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
    return null;
  }

  async deleteTopic(ref: { name?: string | null; id?: string | null }): Promise<Outcome<{ topic: TopicRecord }>> {
    if (!this.dynamic.deleteTopicEnable) return fail('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
    const topic = ref.name ? this.byName.get(ref.name) : ref.id ? this.byId.get(ref.id) : undefined;
    if (topic === undefined) return ref.name ? fail('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.') : fail('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.');
    await this.o.kzk.markTopicForDeletion(topic.name);
    const gone = await this.until(() => this.snapshot.topics.get(topic.name)?.id !== topic.id);
    if (!gone) return fail('REQUEST_TIMED_OUT', `Topic '${topic.name}' is marked for deletion; the controller has not finished within ${PROPAGATION_TIMEOUT_MS} ms.`);
    return { ok: true, topic };
  }

  async createPartitions(name: string, count: number, assignments: ReadonlyArray<readonly number[]> | null, validateOnly: boolean): Promise<Outcome<{ topic: TopicRecord }>> {
    const current = await this.o.kzk.topicAssignment(name);
    const version = await this.o.kzk.topicAssignmentVersion(name);
    if (current === null || version === null) return fail('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
    const have = current.partitions.size;
    if (current.addingReplicas.size > 0 || current.removingReplicas.size > 0) return fail('REASSIGNMENT_IN_PROGRESS', `Unable to increase partitions of topic ${name} while a partition reassignment is in progress.`);
    if (count < have) return fail('INVALID_PARTITIONS', `Topic currently has ${have} partitions, which is higher than the requested ${count}.`);
    if (count === have) return fail('INVALID_PARTITIONS', `Topic already has ${have} partitions.`);
    if (count > MAX_PARTITIONS_PER_TOPIC) return fail('INVALID_PARTITIONS', `Number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}.`);
    const brokers = await this.placementBrokers();
    const live = new Set(brokers.map((b) => b.id));
    let added: Map<number, number[]>;
    if (assignments !== null) {
      if (assignments.length !== count - have) return fail('INVALID_REPLICA_ASSIGNMENT', `Increasing the number of partitions by ${count - have} but ${assignments.length} assignments provided.`);
      added = new Map();
      for (const [i, a] of assignments.entries()) {
        const bad = this.assignmentProblem(a, live);
        if (bad !== null) return bad;
        added.set(have + i, [...a]);
      }
    } else {
      try {
        added = assignReplicas(brokers, count - have, current.partitions.get(0)?.length ?? 1, have);
      } catch (err) {
        if (err instanceof PlacementError) return fail(err.error, err.message);
        throw err;
      }
    }
    const record = this.byName.get(name);
    if (validateOnly) return { ok: true, topic: record ?? { name, id: current.topicId ?? '', partitions: have, configs: {} } };
    try {
      await this.o.kzk.setTopicAssignment(name, { ...current, partitions: new Map([...current.partitions, ...added]) }, version);
    } catch (err) {
      if (isZkError(err, 'BAD_VERSION')) return fail('INVALID_REQUEST', `The partitions of '${name}' changed while this request was made; try again.`);
      throw err;
    }
    const shown = await this.until(() => (this.byName.get(name)?.partitions ?? 0) >= count);
    if (!shown) return fail('REQUEST_TIMED_OUT', `The new partitions of '${name}' were written; the controller did not report them within ${PROPAGATION_TIMEOUT_MS} ms.`);
    return { ok: true, topic: this.byName.get(name)! };
  }

  async alterTopicConfigs(name: string, change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] }, validateOnly: boolean): Promise<Outcome<object>> {
    const topic = this.byName.get(name);
    if (topic === undefined) return fail('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`);
    let next: Map<string, string>;
    try {
      next = 'replace' in change ? validateTopicOverrides(change.replace) : applyOps(new Map(Object.entries(await this.o.kzk.topicConfig(name))), change.ops, (m) => validateTopicOverrides(m), (n) => listDefault(n, this.dynamic));
    } catch (err) {
      return fail(err instanceof ConfigError ? 'INVALID_CONFIG' : 'INVALID_REQUEST', (err as Error).message);
    }
    if (validateOnly) return { ok: true };
    await this.o.kzk.changeConfig('topics', name, Object.fromEntries(next));
    await this.reloadTopicConfig(name);
    return { ok: true };
  }

  /**
   * Dynamic broker configs, stored as Kafka stores them: '' is the cluster
   * default (/config/brokers/<default>), this broker's id its own
   * (/config/brokers/<id>, over the default). Every broker follows the change
   * notification; this one applies it before answering.
   */
  async alterBrokerConfigs(change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] }, validateOnly: boolean, entity = ''): Promise<Outcome<object>> {
    const name = entity === '' ? DEFAULT_BROKER_ENTITY : entity;
    const [defaults, own] = await Promise.all([this.brokerEntityConfig(DEFAULT_BROKER_ENTITY), this.brokerEntityConfig(String(this.o.brokerId))]);
    const current = name === DEFAULT_BROKER_ENTITY ? defaults : own;
    let next: Map<string, string>;
    try {
      next =
        'replace' in change
          ? new Map([...change.replace].filter((e): e is [string, string] => e[1] !== null))
          : applyOps(new Map(Object.entries(current)), change.ops, (m) => m as Map<string, string>, () => []);
      const merged = name === DEFAULT_BROKER_ENTITY ? { ...Object.fromEntries(next), ...own } : { ...defaults, ...Object.fromEntries(next) };
      this.o.config.withDynamic(new Map(Object.entries(merged)));
    } catch (err) {
      return fail(err instanceof ConfigError ? 'INVALID_CONFIG' : 'INVALID_REQUEST', (err as Error).message);
    }
    if (validateOnly) return { ok: true };
    await this.o.kzk.changeConfig('brokers', name, Object.fromEntries(next));
    await this.reloadBrokerConfig();
    return { ok: true };
  }

  private async brokerEntityConfig(name: string): Promise<Record<string, string>> {
    const path = configPath('brokers', name);
    try {
      return decodeConfig(path, (await this.o.kzk.zk.get(path)).data);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return {};
      throw err;
    }
  }

  /** The static config with the cluster's and this broker's dynamic overrides; partitions led here get the new policies. A stored value no longer valid is dropped with a warning. */
  async reloadBrokerConfig(): Promise<void> {
    const merged = { ...(await this.brokerEntityConfig(DEFAULT_BROKER_ENTITY)), ...(await this.brokerEntityConfig(String(this.o.brokerId))) };
    const kept = new Map<string, string>();
    for (const [k, v] of Object.entries(merged)) {
      try {
        this.o.config.withDynamic(new Map([...kept, [k, v]]));
        kept.set(k, v);
      } catch (err) {
        this.o.log.warn(`dynamic broker config ${k}=${JSON.stringify(v)} from ZooKeeper is invalid (${(err as Error).message}); using the static value`);
      }
    }
    this.dynamic = this.o.config.withDynamic(kept);
    const items = [...this.led.values()].map((l) => {
      const configs = this.configs.get(l.topic) ?? {};
      return { topic: l.topic, partition: l.partition, msg: { t: 'reconfigure' as const, policy: logPolicy(this.dynamic, new Map(Object.entries(configs))) } };
    });
    await this.o.host.askMany(items);
  }

  async allocateProducerId(): Promise<Outcome<{ producerId: number }>> {
    if (this.producerIds === null || this.producerIds.next > this.producerIds.end) {
      const block = await this.o.kzk.claimProducerIdBlock(this.o.brokerId);
      if (block.end > BigInt(Number.MAX_SAFE_INTEGER)) return fail('COORDINATOR_NOT_AVAILABLE', 'producer ids past 2^53 are not served');
      this.producerIds = { next: block.start, end: block.end };
    }
    return { ok: true, producerId: Number(this.producerIds.next++) };
  }
}
