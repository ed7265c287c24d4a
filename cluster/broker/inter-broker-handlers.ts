/**
 * The requests a ZooKeeper-mode controller sends brokers: LeaderAndIsr (4),
 * StopReplica (5) and UpdateMetadata (6), at the versions that carry topic
 * ids; ControlledShutdown (7), which a stopping broker sends the
 * controller, and AlterPartition (56), which a leader sends it to change an ISR. A request is taken only from the controller ZooKeeper names now, at
 * the current controller epoch (STALE_CONTROLLER_EPOCH otherwise): without
 * authorisation this is what keeps a client from steering the broker.
 */
import type { ApiHandler, ApiKey } from '../../actors/broker/handler.js';
import { defineHandler } from '../../actors/broker/handler.js';
import { code, type ErrorName } from '../../actors/broker/errors.js';
import type { BrokerView, PartitionView } from '../../actors/controller/catalog.js';
import type { BrokerId, TopicName, Uuid } from '../../protocol/index.js';
import type { KafkaZk } from '../kafka-zk.js';
import type { ClusterCatalog, SnapshotTopic } from './cluster-catalog.js';

/** Kafka's LeaderAndIsr.LeaderDuringDelete: a partition of a topic being deleted. */
const LEADER_DURING_DELETE = -2;
/** How long a request of a new controller epoch waits for ZooKeeper to confirm it: 100 reads, 100 ms apart. */
const CONFIRM_ATTEMPTS = 100;
const CONFIRM_RETRY_MS = 100;

/** What ControlledShutdown and AlterPartition ask of the active controller (null when this broker is not it). */
export type ControlledShutdownTarget = () => {
  controlledShutdown(brokerId: number, brokerEpoch: bigint): Promise<{ error: string | null; remaining: Array<{ topic: string; partition: number }> }>;
  alterPartition(brokerId: number, brokerEpoch: bigint, topicId: string, topicName: string, partition: number, leaderEpoch: number, newIsr: readonly number[], partitionEpoch: number): Promise<{ error: string | null; leader: number; leaderEpoch: number; isr: readonly number[]; partitionEpoch: number }>;
} | null;

/** Told after the controller's LeaderAndIsr or UpdateMetadata was taken, with the broker epoch it was sent to. */
export type ControllerSpoke = (api: 'LeaderAndIsr' | 'UpdateMetadata', brokerEpoch: bigint) => void;

export function interBrokerHandlers(catalog: ClusterCatalog, kzk: KafkaZk, listener: string, controller: ControlledShutdownTarget, spoke: ControllerSpoke = () => undefined): ReadonlyArray<ApiHandler<ApiKey>> {
  /** The newest controller this broker has taken requests from. */
  let known = { id: -1, epoch: -1 };
  /**
   * Null when the request comes from the current controller, else the error
   * to answer with. An older epoch than one already taken is stale (Kafka's
   * rule); a newer one is taken once ZooKeeper confirms it, read again for a
   * while since this broker's ZooKeeper server may lag, or its session be
   * renewing, just when a new controller speaks.
   */
  async function fromController(controllerId: number, controllerEpoch: number): Promise<number | null> {
    if (controllerEpoch < known.epoch) return code('STALE_CONTROLLER_EPOCH');
    if (controllerEpoch === known.epoch) return controllerId === known.id ? null : code('STALE_CONTROLLER_EPOCH');
    for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
      try {
        const [id, epoch] = await Promise.all([kzk.controllerId(), kzk.controllerEpoch()]);
        if (epoch !== null && epoch.epoch > controllerEpoch) return code('STALE_CONTROLLER_EPOCH');
        if (id === controllerId && epoch !== null && epoch.epoch === controllerEpoch) {
          if (controllerEpoch > known.epoch) known = { id: controllerId, epoch: controllerEpoch };
          return null;
        }
      } catch {
        // the session is being renewed: read again
      }
      await new Promise((r) => setTimeout(r, CONFIRM_RETRY_MS));
    }
    return code('STALE_CONTROLLER_EPOCH');
  }

  const leaderAndIsr = defineHandler({
    apiKey: 4,
    advertised: { min: 5, max: 7 },
    accepts: { min: 5, max: 7 },
    async handle(_ctx, req) {
      const refused = await fromController(req.controllerId, req.controllerEpoch);
      if (refused === null) for (const l of req.liveLeaders) catalog.noteLeaderEndpoint(l.brokerId, l.hostName, l.port);
      const topics = await Promise.all(
        req.topicStates.map(async (t) => ({
          topicId: t.topicId,
          partitionErrors: await Promise.all(
            t.partitionStates.map(async (p) => ({
              topicName: '' as TopicName,
              partitionIndex: p.partitionIndex,
              errorCode: refused ?? errorCode(await catalog.applyPartitionState({ topic: t.topicName, topicId: t.topicId, partition: p.partitionIndex, leader: p.leader, leaderEpoch: p.leaderEpoch, isr: p.isr, replicas: p.replicas, partitionEpoch: p.partitionEpoch })),
            })),
          ),
        })),
      );
      if (refused === null) spoke('LeaderAndIsr', req.brokerEpoch);
      return { errorCode: refused ?? 0, partitionErrors: [], topics };
    },
    errorResponse: (req, errorCode) => ({ errorCode, topics: req.topicStates.map((t) => ({ topicId: t.topicId, partitionErrors: t.partitionStates.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) }),
  });

  const stopReplica = defineHandler({
    apiKey: 5,
    advertised: { min: 3, max: 4 },
    accepts: { min: 3, max: 4 },
    async handle(_ctx, req) {
      const refused = await fromController(req.controllerId, req.controllerEpoch);
      if (refused !== null) return { errorCode: refused, partitionErrors: [] };
      const partitionErrors = [];
      for (const t of req.topicStates) {
        for (const p of t.partitionStates) {
          partitionErrors.push({ topicName: t.topicName, partitionIndex: p.partitionIndex, errorCode: errorCode(await catalog.stopReplica(t.topicName, p.partitionIndex, p.deletePartition)) });
        }
      }
      return { errorCode: 0, partitionErrors };
    },
    errorResponse: (_req, errorCode) => ({ errorCode, partitionErrors: [] }),
  });

  const updateMetadata = defineHandler({
    apiKey: 6,
    advertised: { min: 7, max: 8 },
    accepts: { min: 7, max: 8 },
    async handle(_ctx, req) {
      const refused = await fromController(req.controllerId, req.controllerEpoch);
      if (refused !== null) return { errorCode: refused };
      const brokers = new Map<number, BrokerView>();
      for (const b of req.liveBrokers) {
        const e = b.endpoints.find((x) => x.listener === listener) ?? b.endpoints[0];
        if (e !== undefined) brokers.set(b.id, { id: b.id, host: e.host, port: e.port, rack: b.rack });
      }
      const topics = new Map<string, SnapshotTopic>();
      const deleting = new Set<string>();
      for (const t of req.topicStates) {
        const partitions = new Map<number, PartitionView>();
        for (const p of t.partitionStates) {
          if (p.leader === LEADER_DURING_DELETE) {
            deleting.add(`${t.topicName}-${p.partitionIndex}`);
            continue;
          }
          partitions.set(p.partitionIndex, { leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr, offline: p.offlineReplicas });
        }
        if (partitions.size > 0) topics.set(t.topicName, { id: t.topicId as Uuid, partitions });
      }
      const taken = await catalog.applyMetadata({ controllerId: req.controllerId, controllerEpoch: req.controllerEpoch, brokers, topics, deleting });
      if (taken) spoke('UpdateMetadata', req.brokerEpoch);
      return { errorCode: taken ? 0 : code('STALE_CONTROLLER_EPOCH') };
    },
    errorResponse: (_req, errorCode) => ({ errorCode }),
  });

  const controlledShutdown = defineHandler({
    apiKey: 7,
    advertised: { min: 2, max: 3 },
    accepts: { min: 2, max: 3 },
    async handle(_ctx, req) {
      const c = controller();
      if (c === null) return { errorCode: code('NOT_CONTROLLER'), remainingPartitions: [] };
      const r = await c.controlledShutdown(req.brokerId, req.brokerEpoch);
      return { errorCode: r.error === null ? 0 : code(r.error as ErrorName), remainingPartitions: r.remaining.map((p) => ({ topicName: p.topic as TopicName, partitionIndex: p.partition })) };
    },
    errorResponse: (_req, errorCode) => ({ errorCode, remainingPartitions: [] }),
  });

  const alterPartition = defineHandler({
    apiKey: 56,
    advertised: { min: 0, max: 3 },
    accepts: { min: 0, max: 3 },
    async handle(ctx, req) {
      const c = controller();
      if (c === null) return { throttleTimeMs: 0, errorCode: code('NOT_CONTROLLER'), topics: [] };
      const v3 = ctx.header.apiVersion >= 3;
      const topics = await Promise.all(
        req.topics.map(async (t) => ({
          topicName: t.topicName,
          topicId: t.topicId,
          partitions: await Promise.all(
            t.partitions.map(async (p) => {
              const isr = v3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : p.newIsr;
              const r = await c.alterPartition(req.brokerId, req.brokerEpoch, t.topicId, t.topicName, p.partitionIndex, p.leaderEpoch, isr, p.partitionEpoch);
              return { partitionIndex: p.partitionIndex, errorCode: errorCode(r.error), leaderId: r.leader as BrokerId, leaderEpoch: r.leaderEpoch, isr: r.isr as BrokerId[], leaderRecoveryState: 0, partitionEpoch: r.partitionEpoch };
            }),
          ),
        })),
      );
      return { throttleTimeMs: 0, errorCode: 0, topics };
    },
    errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, topics: [] }),
  });

  return [leaderAndIsr, stopReplica, updateMetadata, controlledShutdown, alterPartition] as unknown as ReadonlyArray<ApiHandler<ApiKey>>;
}

const errorCode = (name: string | null): number => (name === null ? 0 : code(name as ErrorName));
