/**
 * The active controller of a ZooKeeper-mode cluster (Kafka's KafkaController):
 * one event loop over what ZooKeeper says,
 * each event handled to the end before the next.
 *
 * - startup (elected): read the live brokers, every topic's assignment and
 *   partition states; give new partitions a state, elect leaders for
 *   partitions whose leader is gone or back; send every live broker the
 *   whole metadata (UpdateMetadata) and its replicas (LeaderAndIsr).
 * - /brokers/ids changed: brokers that left lose their leaderships (leader
 *   -1 while no replica in the ISR is live), brokers that came (or came back
 *   with a new registration) get their replicas, and leaders are elected.
 * - /brokers/topics changed, or a topic's assignment: new topics and
 *   partitions get states and leaders.
 * - /admin/delete_topics changed (Kafka's TopicDeletionManager): a marked
 *   topic leaves the brokers' metadata at once (its partitions sent with
 *   leader -2) and is never led again; its replicas are stopped and deleted
 *   (StopReplica) on every live broker, and a replica on a broker that is
 *   down waits for it to return. Once every replica has answered, the
 *   topic's znodes go.
 *
 * - ElectLeaders (an admin's request) and, every
 *   leader.imbalance.check.interval.seconds, the automatic rebalance:
 *   preferred-replica elections (or unclean ones, when asked).
 *
 * Every ZooKeeper write is fenced by the controller epoch; a
 * ControllerMovedError stops the loop and tells the owner (`onMoved`).
 * Watches are one-shot: each handler reads again with a new watch.
 *
 * UpdateMetadata always carries the whole cluster: a broker takes each one
 * as its complete view, so a topic absent from it is deleted.
 */
import type { Logger } from '../../actors/runtime/index.js';
import type { BrokerId, TopicName, Uuid } from '../../protocol/index.js';
import { ControllerMovedError, type ControllerFence, type KafkaZk, type PartitionStateWithVersion, type RegisteredBroker } from '../kafka-zk.js';
import { NO_LEADER, type Endpoint, type PartitionState } from '../zookeeper/znodes.js';
import { ZkMultiError } from '../zookeeper/session.js';
import type { ControllerChannel } from './controller-channel.js';
import { partitionsToRebalance } from './leader-balance.js';
import { originOf, reassignmentComplete, reassignTo, stateForReplicas, targetOf, targetProblem, type Reassignment, type ReplicaSet } from './reassignment.js';
import { initialPartitionState, nextPartitionState, preferredLeaderState, uncleanLeaderState } from './partition-election.js';

/** Versions Kafka 3.9's ZooKeeper-mode controller sends at its current metadata version. */
export const LEADER_AND_ISR_VERSION = 6;
export const UPDATE_METADATA_VERSION = 7;
export const STOP_REPLICA_VERSION = 3;
/** Kafka's LeaderAndIsr.EpochDuringDelete: the leader epoch a StopReplica that deletes carries. */
const EPOCH_DURING_DELETE = -2;
/** Kafka's LeaderAndIsr.LeaderDuringDelete: what UpdateMetadata names as the leader of a partition being deleted. */
const LEADER_DURING_DELETE = -2;
const SECURITY_PROTOCOLS: Record<string, number> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };

interface TopicState {
  readonly id: string;
  /** Each partition's replica set (while it moves: the target, then the original replicas). */
  replicas: Map<number, readonly number[]>;
  states: Map<number, PartitionStateWithVersion>;
  /** Partitions being reassigned. */
  reassigning: Map<number, Reassignment>;
}

/** One partition's outcome of an AlterPartitionReassignments. */
export interface ReassignmentResult {
  readonly topic: string;
  readonly partition: number;
  readonly error: 'UNKNOWN_TOPIC_OR_PARTITION' | 'NO_REASSIGNMENT_IN_PROGRESS' | 'INVALID_REPLICA_ASSIGNMENT' | null;
  readonly message: string | null;
}

/** A partition being reassigned, as ListPartitionReassignments shows it. */
export interface OngoingReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly adding: readonly number[];
  readonly removing: readonly number[];
}

export interface AlterPartitionAnswer {
  readonly error: 'STALE_BROKER_EPOCH' | 'UNKNOWN_TOPIC_OR_PARTITION' | 'UNKNOWN_TOPIC_ID' | 'NOT_LEADER_OR_FOLLOWER' | 'FENCED_LEADER_EPOCH' | 'NOT_CONTROLLER' | 'INVALID_UPDATE_VERSION' | 'INVALID_REQUEST' | 'INELIGIBLE_REPLICA' | null;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly partitionEpoch: number;
}

/** One partition's outcome of an ElectLeaders: the leader elected, or a Kafka error. */
export type ElectionResult = { readonly topic: string; readonly partition: number } & ({ readonly leader: number } | { readonly error: 'UNKNOWN_TOPIC_OR_PARTITION' | 'INVALID_TOPIC_EXCEPTION' | 'ELECTION_NOT_NEEDED' | 'PREFERRED_LEADER_NOT_AVAILABLE' | 'ELIGIBLE_LEADERS_NOT_AVAILABLE'; readonly message: string });

export interface LeaderRebalanceOptions {
  /** auto.leader.rebalance.enable */
  readonly enabled: boolean;
  /** leader.imbalance.check.interval.seconds, in ms */
  readonly intervalMs: number;
  /** leader.imbalance.per.broker.percentage */
  readonly imbalancePercent: number;
}

/** Kafka's first automatic rebalance check comes this long after a controller takes over. */
const FIRST_REBALANCE_CHECK_MS = 5_000;

export interface ControllerOptions {
  readonly kzk: KafkaZk;
  readonly brokerId: number;
  readonly fence: ControllerFence;
  readonly channel: ControllerChannel;
  /** The listener brokers reach each other on (inter.broker.listener.name). */
  readonly interBrokerListener: string;
  readonly log: Logger;
  /** Called once when a newer controller has taken over (this one has stopped). */
  readonly onMoved: () => void;
  /** Automatic preferred-leader elections; none when absent. */
  readonly leaderRebalance?: LeaderRebalanceOptions;
  /** unclean.leader.election.enable of this broker now: the default for topics without an override. */
  readonly uncleanDefault?: () => boolean;
}

export class ClusterController {
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private live = new Map<number, RegisteredBroker>();
  private readonly topics = new Map<string, TopicState>();
  /** Brokers that asked for a controlled shutdown: kept out of elections until they leave. */
  private readonly shuttingDown = new Set<number>();
  /** Topics queued for deletion, with the replicas (`<broker>:<partition>`) whose deletion a broker has confirmed. */
  private readonly deleting = new Map<string, Set<string>>();
  private rebalanceTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly o: ControllerOptions) {}

  /** Starts the loop; resolves once the startup event is handled (every broker has been sent the state). */
  static async start(o: ControllerOptions): Promise<ClusterController> {
    const c = new ClusterController(o);
    await c.enqueue('startup', () => c.onStartup());
    if (o.leaderRebalance?.enabled === true) c.scheduleRebalance(Math.min(FIRST_REBALANCE_CHECK_MS, o.leaderRebalance.intervalMs));
    return c;
  }

  get epoch(): number {
    return this.o.fence.epoch;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /**
   * ControlledShutdown (Kafka's KafkaController.doControlledShutdown): the
   * broker is no longer elected leader anywhere, and the partitions it leads
   * that another live ISR member could take move to it. What it still leads
   * with more than one replica is returned (the broker waits and asks again);
   * a partition of one replica cannot move and is not counted, as in Kafka, so
   * with replication factor 1 the answer is empty and the broker stops.
   */
  controlledShutdown(brokerId: number, brokerEpoch: bigint): Promise<{ error: 'STALE_BROKER_EPOCH' | 'BROKER_NOT_AVAILABLE' | null; remaining: Array<{ topic: string; partition: number }> }> {
    return this.answered('controlled shutdown', async (resolve) => {
      const b = this.live.get(brokerId);
      if (b === undefined) return resolve({ error: 'BROKER_NOT_AVAILABLE', remaining: [] });
      if (brokerEpoch !== -1n && b.epoch !== brokerEpoch) return resolve({ error: 'STALE_BROKER_EPOCH', remaining: [] });
      this.shuttingDown.add(brokerId);
      const changed = new Set(await this.electAll(this.electable()));
      if (changed.size > 0) await this.sendAll([], changed);
      const remaining: Array<{ topic: string; partition: number }> = [];
      for (const [name, t] of this.topics) for (const [p, s] of t.states) if (!this.deleting.has(name) && s.leader === brokerId && (t.replicas.get(p)?.length ?? 0) > 1) remaining.push({ topic: name, partition: p });
      resolve({ error: null, remaining });
    });
  }

  /**
   * AlterPartition (56) from a partition's leader (Kafka 3.9's ZooKeeper-mode
   * controller): the new ISR is written to the state znode at the partition
   * epoch (zkVersion) the leader named, in the same leader epoch; every
   * broker then gets the new metadata. Refusals as Kafka's: the sender must
   * be a live broker at its registered epoch, the leader, at the current
   * leader and partition epochs, and the ISR must hold live replicas only,
   * the leader among them.
   */
  alterPartition(brokerId: number, brokerEpoch: bigint, topicId: string, topicName: string, partition: number, leaderEpoch: number, newIsr: readonly number[], partitionEpoch: number): Promise<AlterPartitionAnswer> {
    return this.answered('alter partition', async (resolve) => {
      const refuse = (error: AlterPartitionAnswer['error']) => resolve({ error, leader: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1 });
      const b = this.live.get(brokerId);
      if (b === undefined || (brokerEpoch !== -1n && b.epoch !== brokerEpoch)) return refuse('STALE_BROKER_EPOCH');
      const name = topicName !== '' ? topicName : [...this.topics].find(([, t]) => t.id === topicId)?.[0];
      const t = name === undefined ? undefined : this.topics.get(name);
      const s = t?.states.get(partition);
      if (name === undefined || t === undefined || s === undefined || this.deleting.has(name)) return refuse(topicName !== '' ? 'UNKNOWN_TOPIC_OR_PARTITION' : 'UNKNOWN_TOPIC_ID');
      if (s.leader !== brokerId) return refuse('NOT_LEADER_OR_FOLLOWER');
      if (leaderEpoch < s.leaderEpoch) return refuse('FENCED_LEADER_EPOCH');
      if (leaderEpoch > s.leaderEpoch) return refuse('NOT_CONTROLLER');
      const answer = (st: PartitionState & { zkVersion: number }) => resolve({ error: null, leader: st.leader, leaderEpoch: st.leaderEpoch, isr: st.isr, partitionEpoch: st.zkVersion });
      // A leader sending again a change already written (its first answer was lost) is told it is done, as Kafka's equalsAllowStalePartitionEpoch.
      if (partitionEpoch < s.zkVersion && sameMembers(newIsr, s.isr)) return answer(s);
      if (partitionEpoch !== s.zkVersion) return refuse('INVALID_UPDATE_VERSION');
      const replicas = t.replicas.get(partition) ?? [];
      if (!newIsr.includes(brokerId) || newIsr.some((r) => !replicas.includes(r)) || new Set(newIsr).size !== newIsr.length) return refuse('INVALID_REQUEST');
      if (newIsr.some((r) => !this.live.has(r) || this.shuttingDown.has(r))) return refuse('INELIGIBLE_REPLICA');
      const state: PartitionState = { leader: s.leader, leaderEpoch: s.leaderEpoch, isr: [...newIsr], controllerEpoch: this.epoch, leaderRecoveryState: 0 };
      try {
        await this.o.kzk.updatePartitionStates(this.o.fence, name, new Map([[partition, { state, zkVersion: s.zkVersion }]]));
      } catch (err) {
        if (!(err instanceof ZkMultiError && err.code === 'BAD_VERSION')) throw err;
        const read = await this.o.kzk.partitionState(name, partition);
        if (read !== null) t.states.set(partition, read);
        return refuse('INVALID_UPDATE_VERSION');
      }
      const written = { ...state, zkVersion: s.zkVersion + 1 };
      t.states.set(partition, written);
      this.o.log.info(`controller: ${name}-${partition} ISR [${s.isr.join(',')}] -> [${newIsr.join(',')}] (leader ${s.leader}, epoch ${s.leaderEpoch})`);
      answer(written);
      await this.sendAll([]);
      // A reassignment is done once its target replicas are all in sync.
      if (t.reassigning.has(partition)) await this.completeReassignment(name, partition);
    });
  }

  /**
   * ElectLeaders (Kafka's processReplicaLeaderElection): `wanted` (null: every
   * partition) get a preferred-replica or an unclean election. A partition
   * already led as asked is ELECTION_NOT_NEEDED; one whose candidate is not
   * live and in sync PREFERRED_LEADER_NOT_AVAILABLE (unclean: no live
   * replica at all, ELIGIBLE_LEADERS_NOT_AVAILABLE); unknown partitions and
   * topics being deleted are refused. Elected leaders are sent to the brokers.
   */
  electLeaders(type: 'preferred' | 'unclean', wanted: ReadonlyArray<{ topic: string; partition: number }> | null): Promise<ElectionResult[]> {
    return this.answered('elect leaders', async (resolve) => {
      const asked = wanted ?? [...this.topics].flatMap(([topic, t]) => (this.deleting.has(topic) ? [] : [...t.states.keys()].map((partition) => ({ topic, partition }))));
      const results = new Map<string, ElectionResult>();
      const byTopic = new Map<string, Set<number>>();
      for (const { topic, partition } of asked) {
        const t = this.topics.get(topic);
        if (t === undefined || !t.states.has(partition)) results.set(key(topic, partition), { topic, partition, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' });
        else if (this.deleting.has(topic)) results.set(key(topic, partition), { topic, partition, error: 'INVALID_TOPIC_EXCEPTION', message: 'The topic is being deleted' });
        else byTopic.set(topic, (byTopic.get(topic) ?? new Set()).add(partition));
      }
      const elect = type === 'preferred' ? preferredLeaderState : uncleanLeaderState;
      const live = this.electable();
      const changed = new Set<string>();
      for (const [topic, partitions] of byTopic) {
        const t = this.topics.get(topic)!;
        const moved = await this.rewriteStates(topic, t, (p, s, replicas) => {
          if (!partitions.has(p)) return null;
          const next = elect(s, replicas, live, this.epoch);
          if (typeof next !== 'string') return next;
          const error = next === 'not-needed' ? 'ELECTION_NOT_NEEDED' : type === 'preferred' ? 'PREFERRED_LEADER_NOT_AVAILABLE' : 'ELIGIBLE_LEADERS_NOT_AVAILABLE';
          const message = next === 'not-needed' ? (type === 'preferred' ? 'The preferred replica leads already.' : 'The partition has a live leader.') : type === 'preferred' ? `Replica ${replicas[0]} is not live and in sync.` : 'No replica of the partition is live.';
          results.set(key(topic, p), { topic, partition: p, error, message });
          return null;
        });
        for (const k of moved) {
          changed.add(k);
          const p = Number(k.slice(topic.length + 1));
          const leader = t.states.get(p)!.leader;
          results.set(k, { topic, partition: p, leader });
          this.o.log.info(`controller: ${type} election: ${topic}-${p} led by ${leader}`);
        }
      }
      // One result per partition, in the order asked (a partition named twice is answered once).
      resolve([...new Set(asked.map(({ topic, partition }) => key(topic, partition)))].map((k) => results.get(k)!));
      if (changed.size > 0) await this.sendAll([], changed);
    });
  }

  private scheduleRebalance(delayMs: number): void {
    this.rebalanceTimer = setTimeout(() => {
      this.rebalanceTimer = null;
      void this.enqueue('auto leader rebalance', () => this.rebalanceLeaders()).finally(() => {
        if (!this.stopped && this.o.leaderRebalance !== undefined) this.scheduleRebalance(this.o.leaderRebalance.intervalMs);
      });
    }, delayMs);
    this.rebalanceTimer.unref();
  }

  /** The automatic preferred-leader election (auto.leader.rebalance.enable); not while a partition is being reassigned, as in Kafka. */
  private async rebalanceLeaders(): Promise<void> {
    if ([...this.topics.values()].some((t) => t.reassigning.size > 0)) return;
    const live = this.electable();
    const candidates = partitionsToRebalance(
      [...this.topics].filter(([name]) => !this.deleting.has(name)).flatMap(([topic, t]) => [...t.states].map(([partition, state]) => ({ topic, partition, state, replicas: t.replicas.get(partition) ?? [] }))),
      live,
      this.o.leaderRebalance?.imbalancePercent ?? 10,
    );
    const byTopic = new Map<string, Set<number>>();
    for (const c of candidates) byTopic.set(c.topic, (byTopic.get(c.topic) ?? new Set()).add(c.partition));
    const changed = new Set<string>();
    for (const [topic, partitions] of byTopic) {
      const moved = await this.rewriteStates(topic, this.topics.get(topic)!, (p, s, replicas) => {
        if (!partitions.has(p)) return null;
        const next = preferredLeaderState(s, replicas, live, this.epoch);
        return typeof next === 'string' ? null : next;
      });
      for (const k of moved) changed.add(k);
    }
    if (changed.size === 0) return;
    this.o.log.info(`controller: automatic leader rebalance moved ${changed.size} partition(s) to their preferred replica`);
    await this.sendAll([], changed);
  }

  /**
   * AlterPartitionReassignments (Kafka's KafkaController.onPartitionReassignment,
   * KIP-455): each partition starts moving to its target replicas (null:
   * back to its original ones, cancelling a move). The replica set becomes
   * the target followed by the original replicas; replicas of an earlier
   * target no longer wanted leave the ISR and are stopped and deleted; the
   * state is written in a new leader epoch (leader and ISR within the new
   * set) before the assignment znode with its adding_replicas and
   * removing_replicas, so a controller that dies in between leaves nothing a
   * successor cannot read. The new replicas follow the leader; the move
   * completes when AlterPartition has brought them all into the ISR.
   */
  alterReassignments(items: ReadonlyArray<{ topic: string; partition: number; replicas: readonly number[] | null }>): Promise<ReassignmentResult[]> {
    return this.answered('alter reassignments', async (resolve) => {
      const results: ReassignmentResult[] = [];
      const started: Array<{ topic: string; partition: number; unneeded: number[] }> = [];
      for (const { topic, partition, replicas } of items) {
        const answer = (error: ReassignmentResult['error'], message: string | null) => results.push({ topic, partition, error, message });
        const t = this.topics.get(topic);
        const s = t?.states.get(partition);
        const current = t?.replicas.get(partition);
        if (t === undefined || s === undefined || current === undefined || this.deleting.has(topic)) {
          answer('UNKNOWN_TOPIC_OR_PARTITION', 'The partition does not exist.');
          continue;
        }
        const moving = t.reassigning.get(partition);
        if (replicas === null && moving === undefined) {
          answer('NO_REASSIGNMENT_IN_PROGRESS', `No reassignment of ${topic}-${partition} is in progress.`);
          continue;
        }
        const problem = replicas === null ? null : targetProblem(replicas, new Set(this.live.keys()));
        if (problem !== null) {
          answer('INVALID_REPLICA_ASSIGNMENT', problem);
          continue;
        }
        const origin = originOf(current, moving);
        const next = reassignTo(origin, replicas ?? origin);
        const state = stateForReplicas(s, next.replicas, this.electable(), this.epoch);
        if (state === null) {
          answer('INVALID_REPLICA_ASSIGNMENT', `No in-sync replica of ${topic}-${partition} (ISR ${s.isr.join(',')}) would be left among ${next.replicas.join(',')}.`);
          continue;
        }
        await this.rewriteStates(topic, t, (p, now) => (p === partition ? stateForReplicas(now, next.replicas, this.electable(), this.epoch) : null));
        await this.writeAssignment(topic, t, new Map([[partition, next]]));
        started.push({ topic, partition, unneeded: current.filter((b) => !next.replicas.includes(b)) });
        this.o.log.info(`controller: ${topic}-${partition} ${replicas === null ? 'reassignment cancelled' : 'reassigned'}: replicas [${next.replicas.join(',')}], adding [${next.adding.join(',')}], removing [${next.removing.join(',')}]`);
        answer(null, null);
      }
      resolve(results);
      if (started.length === 0) return;
      await this.sendAll([], new Set(started.map((x) => key(x.topic, x.partition))), new Map(started.map((x) => [key(x.topic, x.partition), x.unneeded])));
      for (const x of started) this.stopRemoved(x.topic, x.partition, x.unneeded);
      for (const x of started) if (this.topics.get(x.topic)?.reassigning.has(x.partition) === true) await this.completeReassignment(x.topic, x.partition);
    });
  }

  /** ListPartitionReassignments: the partitions moving now, of `wanted` (null: all). */
  listReassignments(wanted: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | null): Promise<OngoingReassignment[]> {
    return this.answered('list reassignments', async (resolve) => {
      const asked = wanted === null ? null : new Map(wanted.map((w) => [w.topic, new Set(w.partitions)]));
      const out: OngoingReassignment[] = [];
      for (const [topic, t] of this.topics) {
        for (const [partition, r] of [...t.reassigning].sort((a, b) => a[0] - b[0])) {
          if (asked !== null && asked.get(topic)?.has(partition) !== true) continue;
          out.push({ topic, partition, replicas: t.replicas.get(partition) ?? [], adding: r.adding, removing: r.removing });
        }
      }
      resolve(out);
    });
  }

  /**
   * Finishes a move whose target replicas are all in sync (Kafka's
   * onPartitionReassignment, second phase): leader and ISR within the
   * target in a new epoch (a removed leader hands over), the assignment
   * becomes the target, the removed replicas are told (they stop leading
   * or following) and are stopped and deleted.
   */
  private async completeReassignment(name: string, partition: number): Promise<void> {
    const t = this.topics.get(name);
    const r = t?.reassigning.get(partition);
    const s = t?.states.get(partition);
    const current = t?.replicas.get(partition);
    if (t === undefined || r === undefined || s === undefined || current === undefined) return;
    const target = targetOf(current, r);
    if (!reassignmentComplete(target, s.isr)) return;
    const state = stateForReplicas(s, target, this.electable(), this.epoch);
    // No live in-sync target replica to lead (they died in sync): wait for one.
    if (state === null || state.leader < 0) return;
    await this.rewriteStates(name, t, (p, now) => (p === partition ? stateForReplicas(now, target, this.electable(), this.epoch) : null));
    await this.writeAssignment(name, t, new Map([[partition, { replicas: target, adding: [], removing: [] }]]));
    const removed = current.filter((b) => !target.includes(b));
    this.o.log.info(`controller: ${name}-${partition} reassignment complete: replicas [${target.join(',')}]${removed.length > 0 ? `, removing [${removed.join(',')}]` : ''}`);
    const k = key(name, partition);
    await this.sendAll([], new Set([k]), new Map([[k, removed]]));
    this.stopRemoved(name, partition, removed);
  }

  /** StopReplica with deletion to replicas a partition no longer has, not awaited; a broker that is down sets its copy aside when it returns (its first metadata does not name it). */
  private stopRemoved(name: string, partition: number, brokers: readonly number[]): void {
    const epoch = this.topics.get(name)?.states.get(partition)?.leaderEpoch ?? EPOCH_DURING_DELETE;
    for (const id of brokers) {
      if (!this.live.has(id)) continue;
      void this.stopReplicas(id, name, [partition], epoch).catch((err) => this.o.log.warn(`controller: stopping ${name}-${partition} on broker ${id}: ${(err as Error).message}`));
    }
  }

  /** Writes partitions' replica sets into the topic's assignment znode (fenced, at the version read; read again when another writer got there first). */
  private async writeAssignment(name: string, t: TopicState, sets: ReadonlyMap<number, ReplicaSet>): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const read = await this.o.kzk.topicAssignmentAt(name);
      if (read === null) throw new Error(`topic ${name} has no assignment znode`);
      const partitions = new Map(read.assignment.partitions);
      const adding = new Map(read.assignment.addingReplicas);
      const removing = new Map(read.assignment.removingReplicas);
      for (const [p, set] of sets) {
        partitions.set(p, set.replicas);
        if (set.adding.length > 0) adding.set(p, set.adding);
        else adding.delete(p);
        if (set.removing.length > 0) removing.set(p, set.removing);
        else removing.delete(p);
      }
      try {
        await this.o.kzk.setTopicAssignmentFenced(this.o.fence, name, { topicId: read.assignment.topicId, partitions, addingReplicas: adding, removingReplicas: removing }, read.version);
      } catch (err) {
        if (err instanceof ZkMultiError && err.code === 'BAD_VERSION') continue;
        throw err;
      }
      for (const [p, set] of sets) {
        t.replicas.set(p, set.replicas);
        if (set.adding.length > 0 || set.removing.length > 0) t.reassigning.set(p, { adding: set.adding, removing: set.removing });
        else t.reassigning.delete(p);
      }
      return;
    }
    throw new Error(`the assignment of ${name} kept changing under the controller`);
  }

  /**
   * Runs `fn` as an event and resolves with what it passes to `resolve`; an
   * event that ends without answering (the controller stopped, or it failed
   * and was logged) rejects.
   */
  private answered<T>(name: string, fn: (resolve: (value: T) => void) => Promise<void>): Promise<T> {
    return new Promise((resolve, reject) => {
      void this.enqueue(name, () => fn(resolve)).then(() => reject(new Error('the controller stopped')), reject);
    });
  }

  /** Brokers a leader may be elected among: live, and not shutting down. */
  private electable(): Set<number> {
    return new Set([...this.live.keys()].filter((id) => !this.shuttingDown.has(id)));
  }

  /** Stops handling events (resignation); what is running finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rebalanceTimer !== null) clearTimeout(this.rebalanceTimer);
    await this.chain;
  }

  private enqueue(name: string, fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await fn();
      } catch (err) {
        if (err instanceof ControllerMovedError) {
          this.o.log.warn(`controller ${this.o.brokerId} (epoch ${this.epoch}) moved: ${err.message}`);
          this.stopped = true;
          this.o.onMoved();
          return;
        }
        if (this.stopped) return;
        this.o.log.error(`controller event ${name} failed: ${(err as Error).message}`);
      }
    });
    this.chain = run;
    return run;
  }

  private watch(name: string, fn: () => Promise<void>): () => void {
    return () => {
      if (!this.stopped) void this.enqueue(name, fn);
    };
  }

  // ---- events

  private async onStartup(): Promise<void> {
    this.live = await this.o.kzk.brokers(this.watch('brokers', () => this.onBrokerChange()));
    this.o.channel.setBrokers(this.peers());
    for (const name of await this.o.kzk.topicNames(this.watch('topics', () => this.onTopicChange()))) await this.loadTopic(name);
    // Deletions an earlier controller left unfinished are queued before anything is elected.
    await this.queueMarked();
    for (const [name, t] of this.topics) await this.initNewPartitions(name, t);
    await this.electAll(this.electable());
    this.o.log.info(`controller ${this.o.brokerId} active at epoch ${this.epoch}: ${this.live.size} brokers, ${this.topics.size} topics${this.deleting.size > 0 ? `, ${this.deleting.size} being deleted` : ''}`);
    await this.sendAll([...this.live.keys()]);
    // Reassignments an earlier controller started: those whose targets caught up meanwhile are finished.
    for (const [name, t] of this.topics) for (const p of [...t.reassigning.keys()]) if (!this.deleting.has(name)) await this.completeReassignment(name, p);
    await this.resumeDeletions();
  }

  private async onBrokerChange(): Promise<void> {
    const before = this.live;
    const now = await this.o.kzk.brokers(this.watch('brokers', () => this.onBrokerChange()));
    const bounced = [...now.keys()].filter((id) => before.has(id) && before.get(id)!.epoch !== now.get(id)!.epoch);
    const added = [...now.keys()].filter((id) => !before.has(id) || bounced.includes(id));
    const removed = [...before.keys()].filter((id) => !now.has(id));
    if (added.length === 0 && removed.length === 0) return;
    this.o.log.info(`controller: brokers ${[...now.keys()].join(',') || 'none'} live (added ${added.join(',') || 'none'}, removed ${removed.join(',') || 'none'}, bounced ${bounced.join(',') || 'none'})`);
    this.live = now;
    for (const id of [...this.shuttingDown]) if (!now.has(id) || bounced.includes(id)) this.shuttingDown.delete(id);
    this.o.channel.setBrokers(this.peers());
    // A bounced broker first loses its leaderships, so its new incarnation leads in a new epoch.
    const changed = new Set<string>();
    if (bounced.length > 0) for (const k of await this.electAll(new Set([...this.electable()].filter((id) => !bounced.includes(id))))) changed.add(k);
    for (const k of await this.electAll(this.electable())) changed.add(k);
    await this.sendAll(added, changed);
    if (added.length > 0) await this.resumeDeletions();
  }

  private async onTopicChange(): Promise<void> {
    const names = new Set(await this.o.kzk.topicNames(this.watch('topics', () => this.onTopicChange())));
    let any = false;
    for (const name of [...this.topics.keys()]) {
      if (!names.has(name)) {
        this.topics.delete(name);
        this.deleting.delete(name);
        any = true;
      }
    }
    const fresh = new Set<string>();
    for (const name of names) {
      if (this.topics.has(name)) continue;
      const t = await this.loadTopic(name);
      if (t === undefined) continue;
      for (const p of await this.initNewPartitions(name, t)) fresh.add(p);
      any = true;
    }
    if (any) await this.sendAll([], fresh);
  }

  private async onAssignmentChange(name: string): Promise<void> {
    const t = this.topics.get(name);
    if (t === undefined) return;
    const a = await this.o.kzk.topicAssignment(name, this.watch(`assignment ${name}`, () => this.onAssignmentChange(name)));
    if (a === null) return;
    for (const [p, r] of a.partitions) if (!t.replicas.has(p)) t.replicas.set(p, r);
    const fresh = await this.initNewPartitions(name, t);
    if (fresh.length > 0) await this.sendAll([], new Set(fresh));
  }

  private async onDeletions(): Promise<void> {
    if (!(await this.queueMarked())) return;
    await this.sendAll([]);
    await this.resumeDeletions();
  }

  /** Reads /admin/delete_topics (watching it) and queues the topics newly marked; true when there are any. */
  private async queueMarked(): Promise<boolean> {
    const marked = await this.o.kzk.topicsMarkedForDeletion(this.watch('deletions', () => this.onDeletions()));
    let queued = false;
    for (const name of marked) {
      if (this.deleting.has(name)) continue;
      if (!this.topics.has(name)) {
        // Marked, but without an assignment (a deletion cut short after the topic's znode went): only the rest goes.
        await this.o.kzk.deleteTopicZNodes(this.o.fence, name);
        continue;
      }
      this.deleting.set(name, new Set());
      queued = true;
      this.o.log.info(`controller: topic ${name} queued for deletion`);
    }
    return queued;
  }

  /**
   * StopReplica with deletion to every live broker holding a replica of a
   * queued topic not yet confirmed deleted; a topic all of whose replicas
   * are confirmed loses its znodes. A replica on a broker that is down (or
   * that failed) is asked again when a broker joins.
   */
  private async resumeDeletions(): Promise<void> {
    const finished: string[] = [];
    await Promise.all(
      [...this.deleting].map(async ([name, confirmed]) => {
        const t = this.topics.get(name);
        if (t === undefined) return;
        const waiting = new Map<number, number[]>();
        for (const [p, replicas] of t.replicas) for (const r of replicas) if (!confirmed.has(`${r}:${p}`)) waiting.set(r, [...(waiting.get(r) ?? []), p]);
        await Promise.all([...waiting].filter(([id]) => this.live.has(id)).map(async ([id, partitions]) => {
          for (const p of await this.stopReplicas(id, name, partitions)) confirmed.add(`${id}:${p}`);
        }));
        const left = [...t.replicas].flatMap(([p, replicas]) => replicas.filter((r) => !confirmed.has(`${r}:${p}`)));
        if (left.length === 0) finished.push(name);
        else this.o.log.info(`controller: deletion of ${name} waits for broker(s) ${[...new Set(left)].join(',')}`);
      }),
    );
    for (const name of finished) {
      await this.o.kzk.deleteTopicZNodes(this.o.fence, name);
      this.topics.delete(name);
      this.deleting.delete(name);
      this.o.log.info(`controller: topic ${name} deleted`);
    }
    if (finished.length > 0) await this.sendAll([]);
  }

  // ---- state

  private async loadTopic(name: string): Promise<TopicState | undefined> {
    const a = await this.o.kzk.topicAssignment(name, this.watch(`assignment ${name}`, () => this.onAssignmentChange(name)));
    if (a === null) return undefined;
    const reassigning = new Map<number, Reassignment>();
    for (const p of new Set([...a.addingReplicas.keys(), ...a.removingReplicas.keys()])) {
      const r = { adding: a.addingReplicas.get(p) ?? [], removing: a.removingReplicas.get(p) ?? [] };
      if (r.adding.length > 0 || r.removing.length > 0) reassigning.set(p, r);
    }
    const t: TopicState = { id: a.topicId ?? '', replicas: new Map(a.partitions), states: new Map(), reassigning };
    // Only partitions with a state znode are read (none, for a topic just created).
    const withState = new Set(await this.o.kzk.partitionsWithState(name));
    for (const p of a.partitions.keys()) {
      if (!withState.has(p)) continue;
      const s = await this.o.kzk.partitionState(name, p);
      if (s !== null) t.states.set(p, s);
    }
    this.topics.set(name, t);
    return t;
  }

  /** Partitions with an assignment and no state yet get their first one; returns their keys. */
  private async initNewPartitions(name: string, t: TopicState): Promise<string[]> {
    const fresh = new Map<number, PartitionState>();
    const live = this.electable();
    for (const [p, replicas] of t.replicas) if (!t.states.has(p)) fresh.set(p, initialPartitionState(replicas, live, this.epoch));
    if (fresh.size === 0) return [];
    let created = true;
    try {
      await this.o.kzk.createPartitionStates(this.o.fence, name, fresh);
    } catch (err) {
      // States made by an earlier controller that stopped half way: read what is there.
      if (!(err instanceof ZkMultiError && err.code === 'NODE_EXISTS')) throw err;
      created = false;
    }
    const keys: string[] = [];
    for (const [p, s] of fresh) {
      if (created) t.states.set(p, { ...s, zkVersion: 0 });
      else {
        const read = await this.o.kzk.partitionState(name, p);
        if (read !== null) t.states.set(p, read);
      }
      keys.push(key(name, p));
    }
    // A state read back from an earlier controller may name a leader that is gone.
    if (!this.deleting.has(name)) await this.electTopic(name, t, live);
    return keys;
  }

  /** Elects leaders everywhere for `live`; returns the keys of the partitions that changed. */
  private async electAll(live: ReadonlySet<number>): Promise<string[]> {
    const changed: string[] = [];
    for (const [name, t] of this.topics) if (!this.deleting.has(name)) changed.push(...(await this.electTopic(name, t, live)));
    return changed;
  }

  private async electTopic(name: string, t: TopicState, live: ReadonlySet<number>): Promise<string[]> {
    // A partition of one replica stays with a broker shutting down (nowhere to move it, as in Kafka) until it leaves.
    const single = new Set([...live, ...[...this.shuttingDown].filter((id) => this.live.has(id))]);
    const clean = (s: PartitionState, replicas: readonly number[]) => nextPartitionState(s, replicas, replicas.length > 1 ? live : single, this.epoch);
    // A partition left without a leader while a replica outside its ISR is live: the topic's unclean.leader.election.enable decides (Kafka reads it from ZooKeeper at election time).
    const stranded = [...t.states].some(([p, s]) => (clean(s, t.replicas.get(p) ?? []) ?? s).leader === NO_LEADER && (t.replicas.get(p) ?? []).some((r) => live.has(r)));
    const unclean = stranded && (await this.uncleanAllowed(name));
    return this.rewriteStates(name, t, (p, s, replicas) => {
      const next = clean(s, replicas);
      if (!unclean || (next ?? s).leader !== NO_LEADER) return next;
      const u = uncleanLeaderState(s, replicas, live, this.epoch);
      if (typeof u === 'string') return next;
      this.o.log.warn(`controller: unclean election of ${name}-${p}: broker ${u.leader} leads from outside the ISR [${s.isr.join(',')}]; what only the ISR had is lost`);
      return u;
    });
  }

  /** unclean.leader.election.enable for `name`: its override, else this broker's value. */
  private async uncleanAllowed(name: string): Promise<boolean> {
    const override = (await this.o.kzk.topicConfig(name))['unclean.leader.election.enable'];
    return override === undefined ? (this.o.uncleanDefault?.() ?? false) : override.trim().toLowerCase() === 'true';
  }

  /**
   * A topic's config (or, null, the brokers' defaults) changed: partitions
   * left without a leader are elected again, so turning unclean election on
   * brings them back at once (Kafka's TopicUncleanLeaderElectionEnable).
   */
  configChanged(topic: string | null): void {
    void this.enqueue('config changed', async () => {
      const changed: string[] = [];
      if (topic === null) changed.push(...(await this.electAll(this.electable())));
      else {
        const t = this.topics.get(topic);
        if (t !== undefined && !this.deleting.has(topic)) changed.push(...(await this.electTopic(topic, t, this.electable())));
      }
      if (changed.length > 0) await this.sendAll([], new Set(changed));
    });
  }

  /** Writes each partition's state as `next` computes it (null: unchanged) in one conditional write; returns the keys of those written. */
  private async rewriteStates(name: string, t: TopicState, next: (partition: number, s: PartitionStateWithVersion, replicas: readonly number[]) => PartitionState | null): Promise<string[]> {
    // A conditional write that lost to another writer is read again and recomputed, a bounded number of times.
    for (let attempt = 0; attempt < 3; attempt++) {
      const updates = new Map<number, { state: PartitionState; zkVersion: number }>();
      for (const [p, s] of t.states) {
        const n = next(p, s, t.replicas.get(p) ?? []);
        if (n !== null) updates.set(p, { state: n, zkVersion: s.zkVersion });
      }
      if (updates.size === 0) return [];
      try {
        await this.o.kzk.updatePartitionStates(this.o.fence, name, updates);
      } catch (err) {
        if (!(err instanceof ZkMultiError && err.code === 'BAD_VERSION')) throw err;
        for (const p of t.states.keys()) {
          const s = await this.o.kzk.partitionState(name, p);
          if (s !== null) t.states.set(p, s);
        }
        continue;
      }
      for (const [p, u] of updates) t.states.set(p, { ...u.state, zkVersion: u.zkVersion + 1 });
      return [...updates.keys()].map((p) => key(name, p));
    }
    throw new Error(`partition states of ${name} kept changing under the controller`);
  }

  // ---- requests to brokers

  private peers(): Map<number, { endpoint: Endpoint; epoch: bigint }> {
    const out = new Map<number, { endpoint: Endpoint; epoch: bigint }>();
    for (const [id, b] of this.live) {
      const endpoint = b.endpoints.find((e) => e.listener === this.o.interBrokerListener) ?? b.endpoints[0];
      if (endpoint !== undefined) out.set(id, { endpoint, epoch: b.epoch });
    }
    return out;
  }

  /**
   * LeaderAndIsr to `full` brokers for all their replicas and to the replicas
   * of `changed` partitions, then UpdateMetadata (the whole cluster) to every
   * live broker. Queued, not awaited (Kafka's ControllerChannelManager): the
   * channel keeps each broker's requests in order, and a broker that does
   * not answer (paused, cut off) must not stall the controller's events
   * until its session expires.
   */
  private async sendAll(full: readonly number[], changed: ReadonlySet<string> = new Set(), former: ReadonlyMap<string, readonly number[]> = new Map()): Promise<void> {
    for (const id of this.live.keys()) {
      const all = full.includes(id);
      const body = this.leaderAndIsr(id, (name, p) => all || changed.has(key(name, p)), former);
      if (body !== null) void this.checked(id, 'LeaderAndIsr', this.o.channel.send(id, 4, LEADER_AND_ISR_VERSION, body));
    }
    const metadata = this.updateMetadata();
    for (const id of this.live.keys()) void this.checked(id, 'UpdateMetadata', this.o.channel.send(id, 6, UPDATE_METADATA_VERSION, { ...metadata, brokerEpoch: this.o.channel.epochOf(id) }));
  }

  private async checked(id: number, what: string, answer: Promise<{ errorCode: number } | null>): Promise<void> {
    try {
      const r = await answer;
      if (r !== null && r.errorCode !== 0) this.o.log.warn(`controller: ${what} to broker ${id} answered error ${r.errorCode}`);
    } catch (err) {
      this.o.log.warn(`controller: ${what} to broker ${id} failed: ${(err as Error).message}`);
    }
  }

  /** `former`: brokers that were replicas of a changed partition until now, told too (they stop following or leading it). */
  private leaderAndIsr(brokerId: number, wanted: (topic: string, partition: number) => boolean, former: ReadonlyMap<string, readonly number[]> = new Map()) {
    const topicStates = [];
    const leaders = new Set<number>();
    for (const [name, t] of this.topics) {
      if (this.deleting.has(name)) continue;
      const partitionStates = [];
      for (const [p, s] of t.states) {
        const replicas = t.replicas.get(p) ?? [];
        if (!(replicas.includes(brokerId) || (former.get(key(name, p))?.includes(brokerId) ?? false)) || !wanted(name, p)) continue;
        const moving = t.reassigning.get(p);
        if (s.leader >= 0) leaders.add(s.leader);
        partitionStates.push({
          topicName: name as TopicName,
          partitionIndex: p,
          controllerEpoch: this.epoch,
          leader: s.leader as BrokerId,
          leaderEpoch: s.leaderEpoch,
          isr: s.isr as BrokerId[],
          partitionEpoch: s.zkVersion,
          replicas: replicas as BrokerId[],
          addingReplicas: (moving?.adding ?? []) as BrokerId[],
          removingReplicas: (moving?.removing ?? []) as BrokerId[],
          isNew: false,
          leaderRecoveryState: 0,
        });
      }
      if (partitionStates.length > 0) topicStates.push({ topicName: name as TopicName, topicId: t.id as Uuid, partitionStates });
    }
    if (topicStates.length === 0) return null;
    const liveLeaders = [...leaders].flatMap((id) => {
      const e = this.peers().get(id)?.endpoint;
      return e === undefined ? [] : [{ brokerId: id as BrokerId, hostName: e.host, port: e.port }];
    });
    return { controllerId: this.o.brokerId as BrokerId, isKRaftController: false, controllerEpoch: this.epoch, brokerEpoch: this.o.channel.epochOf(brokerId), type: 0, ungroupedPartitionStates: [], topicStates, liveLeaders };
  }

  private updateMetadata() {
    const live = new Set(this.live.keys());
    const topicStates = [...this.topics].map(([name, t]) => ({
      topicName: name as TopicName,
      topicId: t.id as Uuid,
      partitionStates: [...t.states].map(([p, s]) => {
        const replicas = t.replicas.get(p) ?? [];
        return {
          topicName: name as TopicName,
          partitionIndex: p,
          controllerEpoch: s.controllerEpoch,
          leader: (this.deleting.has(name) ? LEADER_DURING_DELETE : s.leader) as BrokerId,
          leaderEpoch: s.leaderEpoch,
          isr: s.isr as BrokerId[],
          zkVersion: s.zkVersion,
          replicas: replicas as BrokerId[],
          offlineReplicas: replicas.filter((r) => !live.has(r)) as BrokerId[],
        };
      }),
    }));
    const liveBrokers = [...this.live.values()].map((b) => ({
      id: b.id as BrokerId,
      endpoints: b.endpoints.map((e) => ({ port: e.port, host: e.host, listener: e.listener, securityProtocol: SECURITY_PROTOCOLS[e.securityProtocol] ?? 0 })),
      rack: b.rack,
    }));
    return { controllerId: this.o.brokerId as BrokerId, isKRaftController: false, type: 0, controllerEpoch: this.epoch, ungroupedPartitionStates: [], topicStates, liveBrokers };
  }

  /** StopReplica deleting `partitions` of `name` on one broker; returns the partitions it confirmed. */
  private async stopReplicas(id: number, name: string, partitions: readonly number[], leaderEpoch = EPOCH_DURING_DELETE): Promise<number[]> {
    const r = await this.o.channel.send(id, 5, STOP_REPLICA_VERSION, {
      controllerId: this.o.brokerId as BrokerId,
      isKRaftController: false,
      controllerEpoch: this.epoch,
      brokerEpoch: this.o.channel.epochOf(id),
      deletePartitions: false,
      ungroupedPartitions: [],
      topics: [],
      topicStates: [{ topicName: name as TopicName, partitionStates: partitions.map((p) => ({ partitionIndex: p, leaderEpoch, deletePartition: true })) }],
    });
    if (r === null) return [];
    if (r.errorCode !== 0) {
      this.o.log.warn(`controller: StopReplica of ${name} to broker ${id} answered error ${r.errorCode}`);
      return [];
    }
    const failed = new Set(r.partitionErrors.filter((e) => e.errorCode !== 0).map((e) => e.partitionIndex));
    if (failed.size > 0) this.o.log.warn(`controller: broker ${id} could not delete ${name} partition(s) ${[...failed].join(',')}`);
    return partitions.filter((p) => !failed.has(p));
  }
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

const sameMembers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
