/**
 * ControllerActor's state machine on a single node: topics, partition counts,
 * topic ids, topic config overrides, dynamic broker configs and producer id
 * blocks. Every change is written to the metadata file before it is answered;
 * partitions are opened and removed through the PartitionHost.
 *
 * Operations run one at a time (a change awaits the host, and a second change
 * must see the first's result), through `serial`.
 */
import { randomBytes } from 'node:crypto';
import { BrokerConfig, ConfigError, logPolicy, validateTopicOverrides, type LogPolicy } from '../config/index.js';
import { readMetadata, writeMetadata, writeMetaProperties, type MetadataDocument, type TopicRecord } from './metadata-file.js';
import { collisionKey, newUuid, topicNameProblem } from './topic-names.js';
import type { BrokerView, ControllerError, ControllerErrorName, CreateTopicSpec, IncrementalOp, LeadershipProblem, Outcome, PartitionView, TopicCatalog, TopicDeletionListener } from './catalog.js';

export type { TopicRecord, ControllerError, ControllerErrorName, CreateTopicSpec, IncrementalOp, Outcome, TopicDeletionListener };

export interface PartitionHost {
  /** Opens partitions [from, topic.partitions) of the topic. */
  openPartitions(topic: TopicRecord, from: number, policy: LogPolicy): Promise<void>;
  /** Closes the topic's partitions and deletes their data. */
  removeTopic(topic: TopicRecord): Promise<void>;
  /** Gives the topic's partitions a new policy. */
  reconfigure(topic: TopicRecord, policy: LogPolicy): Promise<void>;
}

const PRODUCER_ID_BLOCK = 1000;
/** Kafka caps a CreatePartitions/CreateTopics count well below int32 max; a limit on everything. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

/** Leadership never moves on a single node: every partition stays in its first epoch. */
export const SINGLE_NODE_LEADER_EPOCH = 0;

export class Controller implements TopicCatalog {
  private readonly byName = new Map<string, TopicRecord>();
  private readonly byId = new Map<string, TopicRecord>();
  private readonly collisions = new Map<string, string>();
  private nextProducerId: number;
  private chain: Promise<unknown> = Promise.resolve();
  private brokerConfig: BrokerConfig;
  private readonly deletionListeners: TopicDeletionListener[] = [];

  private constructor(
    private readonly dir: string,
    private readonly staticConfig: BrokerConfig,
    private readonly doc: MetadataDocument,
    private readonly host: PartitionHost,
  ) {
    for (const t of doc.topics) this.index(t);
    this.nextProducerId = doc.producerIdBlockEnd;
    this.brokerConfig = staticConfig.withDynamic(new Map(Object.entries(doc.brokerConfigs)));
  }

  /**
   * Loads (or initialises) the metadata and opens every partition it lists.
   * A persisted config value the validator refuses (written by an older
   * build) is dropped with a warning: the topic takes the default instead.
   */
  static async open(dir: string, config: BrokerConfig, host: PartitionHost, warn: (message: string) => void = () => undefined): Promise<Controller> {
    const doc: MetadataDocument = readMetadata(dir) ?? {
      version: 1,
      clusterId: clusterIdFor(),
      brokerId: config.brokerId,
      producerIdBlockEnd: 0,
      brokerConfigs: {},
      topics: [],
    };
    doc.brokerId = config.brokerId;
    dropInvalidConfigs(doc, config, warn);
    writeMetadata(dir, doc);
    writeMetaProperties(dir, doc.clusterId, doc.brokerId);
    const controller = new Controller(dir, config, doc, host);
    for (const t of doc.topics) await host.openPartitions(t, 0, controller.policyOf(t));
    return controller;
  }

  get clusterId(): string {
    return this.doc.clusterId;
  }

  get config(): BrokerConfig {
    return this.brokerConfig;
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
    return logPolicy(this.brokerConfig, new Map(Object.entries(topic.configs)));
  }

  brokers(self: BrokerView): readonly BrokerView[] {
    return [self];
  }

  controllerId(): number {
    return this.brokerConfig.brokerId;
  }

  isController(): boolean {
    return true;
  }

  partition(): PartitionView {
    const replicas = [this.brokerConfig.brokerId];
    return { leader: this.brokerConfig.brokerId, leaderEpoch: SINGLE_NODE_LEADER_EPOCH, replicas, isr: replicas, offline: [] };
  }

  leadership(): LeadershipProblem {
    return null;
  }

  /** Runs `fn` after every operation queued before it. */
  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private persist(): void {
    this.doc.topics = [...this.byName.values()];
    writeMetadata(this.dir, this.doc);
  }

  private index(t: TopicRecord): void {
    this.byName.set(t.name, t);
    this.byId.set(t.id, t);
    this.collisions.set(collisionKey(t.name), t.name);
  }

  private unindex(t: TopicRecord): void {
    this.byName.delete(t.name);
    this.byId.delete(t.id);
    this.collisions.delete(collisionKey(t.name));
  }

  createTopic(spec: CreateTopicSpec): Promise<Outcome<{ topic: TopicRecord }>> {
    return this.serial(async () => {
      const checked = this.checkCreate(spec);
      if (!checked.ok) return checked;
      if (spec.validateOnly) return checked;
      this.index(checked.topic);
      this.persist();
      await this.host.openPartitions(checked.topic, 0, this.policyOf(checked.topic));
      return checked;
    });
  }

  private checkCreate(spec: CreateTopicSpec): Outcome<{ topic: TopicRecord }> {
    const problem = topicNameProblem(spec.name);
    if (problem !== null) return fail('INVALID_TOPIC_EXCEPTION', problem);
    if (this.byName.has(spec.name)) return fail('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
    const clash = this.collisions.get(collisionKey(spec.name));
    if (clash !== undefined) return fail('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic: ${clash}`);
    let partitions = spec.partitions;
    let replicationFactor = spec.replicationFactor;
    if (spec.assignments && spec.assignments.length > 0) {
      if (partitions !== -1 || replicationFactor !== -1) {
        return fail('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      const sorted = [...spec.assignments].sort((a, b) => a.partition - b.partition);
      for (let i = 0; i < sorted.length; i++) {
        const a = sorted[i]!;
        if (a.partition !== i) return fail('INVALID_REPLICA_ASSIGNMENT', 'Partitions should be a consecutive 0-based integer sequence');
        if (a.brokers.length !== 1 || a.brokers[0] !== this.brokerConfig.brokerId) {
          return fail('INVALID_REPLICA_ASSIGNMENT', `Replica assignment must name only broker ${this.brokerConfig.brokerId} on a single node`);
        }
      }
      partitions = sorted.length;
      replicationFactor = 1;
    }
    if (partitions === -1) partitions = this.brokerConfig.numPartitions;
    if (replicationFactor === -1) replicationFactor = this.brokerConfig.defaultReplicationFactor;
    if (partitions <= 0 || partitions > MAX_PARTITIONS_PER_TOPIC) {
      return fail('INVALID_PARTITIONS', `Number of partitions must be between 1 and ${MAX_PARTITIONS_PER_TOPIC}, got ${partitions}.`);
    }
    if (replicationFactor <= 0) return fail('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    if (replicationFactor > 1) {
      return fail('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered.`);
    }
    let configs: Map<string, string>;
    try {
      configs = validateTopicOverrides(spec.configs ?? new Map());
    } catch (err) {
      return fail('INVALID_CONFIG', (err as Error).message);
    }
    const topic: TopicRecord = { name: spec.name, id: newUuid(), partitions, configs: Object.fromEntries(configs) };
    return { ok: true, topic };
  }

  /**
   * State kept elsewhere about a topic (committed group offsets) is dropped by
   * a listener. Listeners run outside the operation queue, so they may ask the
   * controller for things themselves; a listener handles its own failures.
   */
  onTopicDeleted(listener: TopicDeletionListener): void {
    this.deletionListeners.push(listener);
  }

  async deleteTopic(ref: { name?: string | null; id?: string | null }): Promise<Outcome<{ topic: TopicRecord }>> {
    const outcome = await this.removeTopic(ref);
    if (outcome.ok) for (const listener of this.deletionListeners) await listener(outcome.topic);
    return outcome;
  }

  private removeTopic(ref: { name?: string | null; id?: string | null }): Promise<Outcome<{ topic: TopicRecord }>> {
    return this.serial(async () => {
      if (!this.brokerConfig.deleteTopicEnable) return fail('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
      const topic = ref.name ? this.byName.get(ref.name) : ref.id ? this.byId.get(ref.id) : undefined;
      if (topic === undefined) {
        return ref.name ? fail('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.') : fail('UNKNOWN_TOPIC_ID', 'This server does not host this topic ID.');
      }
      this.unindex(topic);
      this.persist();
      await this.host.removeTopic(topic);
      return { ok: true, topic };
    });
  }

  createPartitions(name: string, count: number, assignments: ReadonlyArray<readonly number[]> | null, validateOnly: boolean): Promise<Outcome<{ topic: TopicRecord }>> {
    return this.serial(async () => {
      const topic = this.byName.get(name);
      if (topic === undefined) return fail('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
      if (count < topic.partitions) return fail('INVALID_PARTITIONS', `Topic currently has ${topic.partitions} partitions, which is higher than the requested ${count}.`);
      if (count === topic.partitions) return fail('INVALID_PARTITIONS', `Topic already has ${topic.partitions} partitions.`);
      if (count > MAX_PARTITIONS_PER_TOPIC) return fail('INVALID_PARTITIONS', `Number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}.`);
      if (assignments !== null) {
        if (assignments.length !== count - topic.partitions) {
          return fail('INVALID_REPLICA_ASSIGNMENT', `Increasing the number of partitions by ${count - topic.partitions} but ${assignments.length} assignments provided.`);
        }
        for (const a of assignments) {
          if (a.length !== 1 || a[0] !== this.brokerConfig.brokerId) return fail('INVALID_REPLICA_ASSIGNMENT', `Replica assignment must name only broker ${this.brokerConfig.brokerId}`);
        }
      }
      if (validateOnly) return { ok: true, topic };
      const from = topic.partitions;
      topic.partitions = count;
      this.persist();
      await this.host.openPartitions(topic, from, this.policyOf(topic));
      return { ok: true, topic };
    });
  }

  /** AlterConfigs (replace every override) or IncrementalAlterConfigs (ops) on a topic. */
  alterTopicConfigs(name: string, change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] }, validateOnly: boolean): Promise<Outcome<object>> {
    return this.serial(async () => {
      const topic = this.byName.get(name);
      if (topic === undefined) return fail('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`);
      let next: Map<string, string>;
      try {
        next = 'replace' in change ? validateTopicOverrides(change.replace) : applyOps(new Map(Object.entries(topic.configs)), change.ops, (m) => validateTopicOverrides(m), (n) => listDefault(n, this.brokerConfig));
      } catch (err) {
        return fail(err instanceof ConfigError ? 'INVALID_CONFIG' : 'INVALID_REQUEST', (err as Error).message);
      }
      if (validateOnly) return { ok: true };
      topic.configs = Object.fromEntries(next);
      this.persist();
      await this.host.reconfigure(topic, this.policyOf(topic));
      return { ok: true };
    });
  }

  /** Dynamic broker configs (AlterConfigs replaces all; IncrementalAlterConfigs applies ops). */
  alterBrokerConfigs(change: { replace: ReadonlyMap<string, string | null> } | { ops: readonly IncrementalOp[] }, validateOnly: boolean): Promise<Outcome<object>> {
    return this.serial(async () => {
      let next: BrokerConfig;
      try {
        const current = new Map(Object.entries(this.doc.brokerConfigs));
        const overrides =
          'replace' in change
            ? new Map([...change.replace].filter((e): e is [string, string] => e[1] !== null))
            : applyOps(current, change.ops, (m) => m as Map<string, string>, () => []);
        next = this.staticConfig.withDynamic(overrides);
      } catch (err) {
        return fail(err instanceof ConfigError ? 'INVALID_CONFIG' : 'INVALID_REQUEST', (err as Error).message);
      }
      if (validateOnly) return { ok: true };
      this.brokerConfig = next;
      this.doc.brokerConfigs = Object.fromEntries(next.dynamicOverrides);
      this.persist();
      for (const t of this.byName.values()) await this.host.reconfigure(t, this.policyOf(t));
      return { ok: true };
    });
  }

  /** A producer id never handed out before, across restarts (blocks are persisted before use). */
  allocateProducerId(): Promise<Outcome<{ producerId: number }>> {
    if (this.nextProducerId >= this.doc.producerIdBlockEnd) {
      this.doc.producerIdBlockEnd = this.nextProducerId + PRODUCER_ID_BLOCK;
      this.persist();
    }
    return Promise.resolve({ ok: true, producerId: this.nextProducerId++ });
  }
}

/**
 * Such a value never took effect (the partition could not open with it, or a
 * broker value could not be applied), so the default is what the topic had:
 * the override is removed rather than clamped to a nearest value.
 */
function dropInvalidConfigs(doc: MetadataDocument, config: BrokerConfig, warn: (message: string) => void): void {
  for (const t of doc.topics) {
    for (const [name, value] of Object.entries(t.configs)) {
      try {
        validateTopicOverrides(new Map([[name, value]]));
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        warn(`topic ${t.name}: stored config ${name}=${JSON.stringify(value)} is invalid (${err.message}); using the default`);
        delete t.configs[name];
      }
    }
  }
  const kept = new Map<string, string>();
  for (const [name, value] of Object.entries(doc.brokerConfigs)) {
    try {
      config.withDynamic(new Map([...kept, [name, value]]));
      kept.set(name, value);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      warn(`dynamic broker config ${name}=${JSON.stringify(value)} is invalid (${err.message}); using the static value`);
    }
  }
  doc.brokerConfigs = Object.fromEntries(kept);
}

function fail(error: ControllerErrorName, message: string): { ok: false } & ControllerError {
  return { ok: false, error, message };
}

/** IncrementalAlterConfigs' operations on a config map, validated whole (also a cluster catalog's). */
export function applyOps(
  current: Map<string, string>,
  ops: readonly IncrementalOp[],
  validate: (m: Map<string, string | null>) => Map<string, string>,
  defaultList: (name: string) => string[],
): Map<string, string> {
  const next = new Map(current);
  const seen = new Set<string>();
  for (const { name, op, value } of ops) {
    if (seen.has(name)) throw new Error(`Error due to duplicate config keys: ${name}`);
    seen.add(name);
    const listOf = () => (next.get(name)?.split(',').filter((s) => s) ?? defaultList(name));
    switch (op) {
      case 'set':
        if (value === null) throw new ConfigError(name, 'null value');
        next.set(name, value);
        break;
      case 'delete':
        next.delete(name);
        break;
      case 'append': {
        const list = listOf();
        for (const v of (value ?? '').split(',').filter((s) => s)) if (!list.includes(v)) list.push(v);
        next.set(name, list.join(','));
        break;
      }
      case 'subtract': {
        const drop = new Set((value ?? '').split(','));
        next.set(name, listOf().filter((v) => !drop.has(v)).join(','));
        break;
      }
    }
  }
  return validate(next);
}

export function listDefault(topicName: string, broker: BrokerConfig): string[] {
  if (topicName === 'cleanup.policy') return [...(broker.get('log.cleanup.policy') as string[])];
  throw new ConfigError(topicName, 'APPEND and SUBTRACT apply to list configs only');
}

/** Kafka cluster ids are a random UUID in base64url (22 characters). */
function clusterIdFor(): string {
  return randomBytes(16).toString('base64url');
}
