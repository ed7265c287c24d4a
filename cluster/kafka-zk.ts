/**
 * The cluster's state in ZooKeeper, read and written as Kafka 3.9's
 * KafkaZkClient does: typed operations over a ZkSession on the znodes of
 * zookeeper/znodes.ts. Every write the controller makes goes through a
 * ControllerFence: a multi that first checks the zkVersion of
 * /controller_epoch the controller saw when it was elected, so a deposed
 * controller (a newer one has bumped the epoch) changes nothing and learns
 * it with ControllerMovedError.
 */
import { ZkMultiError, type Watcher, type ZkOp, type ZkSession } from './zookeeper/session.js';
import { isZkError } from './zookeeper/zk-error.js';
import * as z from './zookeeper/znodes.js';

export class ControllerMovedError extends Error {
  override readonly name = 'ControllerMovedError';
}

export class BrokerIdInUseError extends Error {
  override readonly name = 'BrokerIdInUseError';
  constructor(readonly brokerId: number) {
    super(`broker.id ${brokerId} is registered in ZooKeeper by another broker (/brokers/ids/${brokerId} exists and belongs to another session): give each broker its own broker.id`);
  }
}

/** What an elected controller writes under: its epoch and the zkVersion of /controller_epoch it set. */
export interface ControllerFence {
  readonly epoch: number;
  readonly epochZkVersion: number;
}

export interface RegisteredBroker extends z.BrokerRegistration {
  /** The czxid of its registration: Kafka's broker epoch, new with every registration. */
  readonly epoch: bigint;
}

export interface PartitionStateWithVersion extends z.PartitionState {
  /** zkVersion of the state znode: a conditional update names it (Kafka's partitionEpoch). */
  readonly zkVersion: number;
}

/** Producer ids a broker takes from /latest_producer_id_block at a time (Kafka's PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;
/** Kafka's reserved.broker.max.id: generated ids start above it. */
export const RESERVED_BROKER_MAX_ID = 1000;
/** Operations per multi: well inside ZooKeeper's 1 MB jute.maxbuffer. */
const MULTI_BATCH = 500;

export class KafkaZk {
  constructor(public zk: ZkSession) {}

  /** Kafka's ZkData.PersistentZkPaths, created if missing (by whichever broker starts first). */
  async ensurePersistentPaths(): Promise<void> {
    for (const p of z.PERSISTENT_PATHS) await this.zk.mkdirp(p);
  }

  /** The cluster id in /cluster/id, written with `proposed` if there is none yet. */
  async getOrCreateClusterId(proposed: string): Promise<string> {
    await this.zk.mkdirp('/cluster');
    try {
      await this.zk.create(z.CLUSTER_ID, z.encodeClusterId(proposed));
      return proposed;
    } catch (err) {
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
    }
    return z.decodeClusterId((await this.zk.get(z.CLUSTER_ID)).data);
  }

  /** broker.id.generation.enable: each write to /brokers/seqid bumps its version; the id is that plus reserved.broker.max.id. */
  async generateBrokerId(reservedMax = RESERVED_BROKER_MAX_ID): Promise<number> {
    const stat = await this.zk.set(z.BROKER_SEQID, Buffer.alloc(0), -1);
    return stat.version + reservedMax;
  }

  /**
   * The ephemeral /brokers/ids/<id>. A znode left by this same session (a
   * retry after a lost answer) is ours; one owned by another session means
   * another broker has the id, and this one must not start.
   */
  async registerBroker(reg: z.BrokerRegistration): Promise<bigint> {
    const path = z.brokerPath(reg.id);
    try {
      await this.zk.multi([
        { op: 'create', path, data: null, mode: 'ephemeral' },
        { op: 'set', path, data: z.encodeBrokerRegistration(reg), version: 0 },
      ]);
    } catch (err) {
      if (!(err instanceof ZkMultiError && err.code === 'NODE_EXISTS')) throw err;
      const stat = await this.zk.exists(path);
      if (stat === null || stat.ephemeralOwner !== this.zk.sessionId) throw new BrokerIdInUseError(reg.id);
    }
    return (await this.zk.exists(path))!.czxid;
  }

  /** Live brokers by id (children of /brokers/ids), each with its registration; `watch` fires on the next change of the set. */
  async brokers(watch?: Watcher): Promise<Map<number, RegisteredBroker>> {
    const ids = await this.zk.children(z.BROKER_IDS, watch);
    const out = new Map<number, RegisteredBroker>();
    for (const name of ids) {
      const id = Number(name);
      if (!/^\d{1,10}$/.test(name) || id >= 2 ** 31) continue;
      try {
        const { data, stat } = await this.zk.get(z.brokerPath(id));
        out.set(id, { ...z.decodeBrokerRegistration(id, data), epoch: stat.czxid });
      } catch (err) {
        // Gone between the listing and the read: no longer live.
        if (!isZkError(err, 'NO_NODE')) throw err;
      }
    }
    return out;
  }

  /** The controller's broker id, or null when there is none; `watch` fires when /controller is created, changed or deleted. */
  async controllerId(watch?: Watcher): Promise<number | null> {
    const stat = await this.zk.exists(z.CONTROLLER, watch);
    if (stat === null) return null;
    try {
      return z.decodeController((await this.zk.get(z.CONTROLLER)).data);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  async controllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    try {
      const { data, stat } = await this.zk.get(z.CONTROLLER_EPOCH);
      return { epoch: z.decodeControllerEpoch(data), zkVersion: stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  /**
   * Kafka's registerControllerAndIncrementControllerEpoch: one multi creates
   * the ephemeral /controller and sets /controller_epoch to epoch + 1 at the
   * version read. Losing the race (NODE_EXISTS, BAD_VERSION) is
   * ControllerMovedError, unless the lost answer was this broker's own win.
   */
  async registerControllerAndIncrementEpoch(brokerId: number, now = Date.now()): Promise<ControllerFence> {
    let current = await this.controllerEpoch();
    if (current === null) {
      try {
        await this.zk.create(z.CONTROLLER_EPOCH, z.encodeControllerEpoch(0));
      } catch (err) {
        if (!isZkError(err, 'NODE_EXISTS')) throw err;
      }
      current = (await this.controllerEpoch())!;
    }
    const epoch = current.epoch + 1;
    try {
      const results = await this.zk.multi([
        { op: 'create', path: z.CONTROLLER, data: z.encodeController(brokerId, now), mode: 'ephemeral' },
        { op: 'set', path: z.CONTROLLER_EPOCH, data: z.encodeControllerEpoch(epoch), version: current.zkVersion },
      ]);
      const set = results[1] as { stat: { version: number } };
      return { epoch, epochZkVersion: set.stat.version };
    } catch (err) {
      if (!(err instanceof ZkMultiError) || (err.code !== 'NODE_EXISTS' && err.code !== 'BAD_VERSION')) throw err;
      if ((await this.controllerId()) === brokerId) {
        const now = await this.controllerEpoch();
        if (now !== null && now.epoch === epoch) return { epoch, epochZkVersion: now.zkVersion };
      }
      throw new ControllerMovedError(`broker ${brokerId} lost the controller election (${err.code})`);
    }
  }

  /** Deletes /controller if this session owns it (a controller resigning). */
  async deleteControllerIfOwned(): Promise<void> {
    const stat = await this.zk.exists(z.CONTROLLER);
    if (stat === null || stat.ephemeralOwner !== this.zk.sessionId) return;
    await this.zk.delete(z.CONTROLLER, stat.version).catch((err) => {
      if (!isZkError(err, 'NO_NODE') && !isZkError(err, 'BAD_VERSION')) throw err;
    });
  }

  /**
   * A controller write: `ops` after the fence check, or ControllerMovedError
   * and nothing. Up to MULTI_BATCH operations are one atomic multi; a longer
   * list goes in batches, each fenced (a controller that moves mid-way leaves
   * the batches before it done, which its successor reads back on election).
   */
  async fenced(fence: ControllerFence, ops: readonly ZkOp[]): Promise<void> {
    const check: ZkOp = { op: 'check', path: z.CONTROLLER_EPOCH, version: fence.epochZkVersion };
    for (let i = 0; i === 0 || i < ops.length; i += MULTI_BATCH) {
      try {
        await this.zk.multi([check, ...ops.slice(i, i + MULTI_BATCH)]);
      } catch (err) {
        if (err instanceof ZkMultiError && err.index === 0) throw new ControllerMovedError(`controller epoch ${fence.epoch} is no longer current (/controller_epoch moved past zkVersion ${fence.epochZkVersion})`);
        throw err;
      }
    }
  }

  // ---- topics

  async topicNames(watch?: Watcher): Promise<string[]> {
    return this.zk.children(z.TOPICS, watch);
  }

  /** The topic's assignment, or null if it has none; `watch` fires when it changes (CreatePartitions). */
  async topicAssignment(topic: string, watch?: Watcher): Promise<z.TopicAssignment | null> {
    try {
      return z.decodeTopicAssignment(topic, (await this.zk.get(z.topicPath(topic), watch)).data);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  /**
   * Kafka's AdminZkClient.createTopicWithAssignment: the config znode first,
   * then the assignment (whose creation the controller watches), in one multi
   * here so a topic is never half made. NODE_EXISTS: the topic exists.
   */
  async createTopic(topic: string, assignment: z.TopicAssignment, config: Readonly<Record<string, string>>): Promise<void> {
    await this.zk.multi([
      { op: 'create', path: z.configPath('topics', topic), data: z.encodeConfig(config) },
      { op: 'create', path: z.topicPath(topic), data: z.encodeTopicAssignment(assignment) },
    ]);
  }

  /** Replaces the assignment (CreatePartitions), at the version read, so two changes cannot interleave. */
  async setTopicAssignment(topic: string, assignment: z.TopicAssignment, version: number): Promise<void> {
    await this.zk.set(z.topicPath(topic), z.encodeTopicAssignment(assignment), version);
  }

  /** The assignment with the znode version it was read at (one read), or null if the topic has none. */
  async topicAssignmentAt(topic: string): Promise<{ assignment: z.TopicAssignment; version: number } | null> {
    try {
      const { data, stat } = await this.zk.get(z.topicPath(topic));
      return { assignment: z.decodeTopicAssignment(topic, data), version: stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  /** The controller's write of an assignment (a reassignment), at the version read and under the fence. */
  async setTopicAssignmentFenced(fence: ControllerFence, topic: string, assignment: z.TopicAssignment, version: number): Promise<void> {
    await this.fenced(fence, [{ op: 'set', path: z.topicPath(topic), data: z.encodeTopicAssignment(assignment), version }]);
  }

  async topicAssignmentVersion(topic: string): Promise<number | null> {
    return (await this.zk.exists(z.topicPath(topic)))?.version ?? null;
  }

  async topicConfig(topic: string): Promise<Record<string, string>> {
    try {
      return z.decodeConfig(z.configPath('topics', topic), (await this.zk.get(z.configPath('topics', topic))).data);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return {};
      throw err;
    }
  }

  async partitionState(topic: string, partition: number): Promise<PartitionStateWithVersion | null> {
    try {
      const { data, stat } = await this.zk.get(z.partitionStatePath(topic, partition));
      return { ...z.decodePartitionState(topic, partition, data), zkVersion: stat.version };
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return null;
      throw err;
    }
  }

  /** Partitions of the topic that have a znode under /brokers/topics/<t>/partitions (a state, or one being made). */
  async partitionsWithState(topic: string): Promise<number[]> {
    try {
      return (await this.zk.children(z.partitionsPath(topic))).filter((n) => /^\d{1,10}$/.test(n)).map(Number);
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return [];
      throw err;
    }
  }

  /** New partitions' state znodes (and their parents), under the fence. */
  async createPartitionStates(fence: ControllerFence, topic: string, states: ReadonlyMap<number, z.PartitionState>): Promise<void> {
    await this.zk.mkdirp(z.partitionsPath(topic));
    const ops = (withParents: boolean): ZkOp[] =>
      [...states].flatMap(([p, s]): ZkOp[] => [
        ...(withParents ? [{ op: 'create' as const, path: z.partitionPath(topic, p), data: null }] : []),
        { op: 'create', path: z.partitionStatePath(topic, p), data: z.encodePartitionState(s) },
      ]);
    try {
      // New partitions have no znodes yet: one multi per batch, no reads.
      await this.fenced(fence, ops(true));
    } catch (err) {
      if (!(err instanceof ZkMultiError && err.code === 'NODE_EXISTS')) throw err;
      // Left by a controller that stopped half way: the parents that exist are kept, the states made.
      for (const p of states.keys()) await this.zk.mkdirp(z.partitionPath(topic, p));
      await this.fenced(fence, ops(false));
    }
  }

  /** Conditional updates of partition states at the zkVersions given, under the fence. */
  async updatePartitionStates(fence: ControllerFence, topic: string, updates: ReadonlyMap<number, { state: z.PartitionState; zkVersion: number }>): Promise<void> {
    const ops: ZkOp[] = [];
    for (const [p, u] of updates) ops.push({ op: 'set', path: z.partitionStatePath(topic, p), data: z.encodePartitionState(u.state), version: u.zkVersion });
    await this.fenced(fence, ops);
  }

  // ---- deletion

  async markTopicForDeletion(topic: string): Promise<void> {
    try {
      await this.zk.create(z.deleteTopicPath(topic), null);
    } catch (err) {
      if (!isZkError(err, 'NODE_EXISTS')) throw err;
    }
  }

  async isTopicMarkedForDeletion(topic: string): Promise<boolean> {
    return (await this.zk.exists(z.deleteTopicPath(topic))) !== null;
  }

  async topicsMarkedForDeletion(watch?: Watcher): Promise<string[]> {
    return this.zk.children(z.DELETE_TOPICS, watch);
  }

  /** Removes every znode of a deleted topic (Kafka's deleteTopicZNode, deleteTopicConfigs, deleteTopicDeletions), under the fence. */
  async deleteTopicZNodes(fence: ControllerFence, topic: string): Promise<void> {
    const ops: ZkOp[] = [];
    const assignment = await this.topicAssignment(topic);
    if (assignment !== null) {
      for (const p of [...assignment.partitions.keys()].sort((a, b) => b - a)) {
        if ((await this.zk.exists(z.partitionStatePath(topic, p))) !== null) ops.push({ op: 'delete', path: z.partitionStatePath(topic, p), version: -1 });
        if ((await this.zk.exists(z.partitionPath(topic, p))) !== null) ops.push({ op: 'delete', path: z.partitionPath(topic, p), version: -1 });
      }
      if ((await this.zk.exists(z.partitionsPath(topic))) !== null) ops.push({ op: 'delete', path: z.partitionsPath(topic), version: -1 });
      ops.push({ op: 'delete', path: z.topicPath(topic), version: -1 });
    }
    if ((await this.zk.exists(z.configPath('topics', topic))) !== null) ops.push({ op: 'delete', path: z.configPath('topics', topic), version: -1 });
    if ((await this.zk.exists(z.deleteTopicPath(topic))) !== null) ops.push({ op: 'delete', path: z.deleteTopicPath(topic), version: -1 });
    // Children before parents: a batch cut short leaves a topic that is still marked and is deleted again.
    await this.fenced(fence, ops);
  }

  // ---- config

  /** Writes an entity's config and a change notification (Kafka's AdminZkClient.changeEntityConfig), in one multi. */
  async changeConfig(type: z.ConfigType, name: string, config: Readonly<Record<string, string>>): Promise<void> {
    const path = z.configPath(type, name);
    const stat = await this.zk.exists(path);
    const write: ZkOp = stat === null ? { op: 'create', path, data: z.encodeConfig(config) } : { op: 'set', path, data: z.encodeConfig(config), version: stat.version };
    await this.zk.multi([write, { op: 'create', path: `${z.CONFIG_CHANGES}/${z.CONFIG_CHANGE_PREFIX}`, data: z.encodeConfigChange(`${type}/${name}`), mode: 'persistent-sequential' }]);
  }

  // ---- producer ids

  /**
   * The next block of producer ids for `brokerId`, claimed by a conditional
   * write of /latest_producer_id_block (Kafka's ZkProducerIdManager): two
   * brokers asking at once get different blocks. Bounded retries.
   */
  async claimProducerIdBlock(brokerId: number): Promise<z.ProducerIdBlock> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { data, stat } = await this.zk.get(z.PRODUCER_ID_BLOCK);
      const current = z.decodeProducerIdBlock(data);
      const start = current === null ? 0n : current.end + 1n;
      const block = { broker: brokerId, start, end: start + PRODUCER_ID_BLOCK_SIZE - 1n };
      if (block.end > 2n ** 63n - 1n) throw new Error('producer ids are exhausted');
      try {
        await this.zk.set(z.PRODUCER_ID_BLOCK, z.encodeProducerIdBlock(block), stat.version);
        return block;
      } catch (err) {
        if (!isZkError(err, 'BAD_VERSION')) throw err;
      }
    }
    throw new Error('could not claim a producer id block: /latest_producer_id_block kept changing');
  }
}
