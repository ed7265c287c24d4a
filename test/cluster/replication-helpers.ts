/** What the replication tests ask a running test cluster: partition state as brokers describe it, and the bytes each replica holds. */
import { join } from 'node:path';
import { KafkaConnection } from '../../protocol/client/connection.js';
import type { TopicName } from '../../protocol/index.js';
import type { TestCluster } from '../../testing.js';
import { logBytesIn, logsAgree } from './replica-logs.js';
import { waitFor } from './wait-for.js';

export interface PartitionInfo {
  p: number;
  errorCode: number;
  leader: number;
  epoch: number;
  isr: number[];
  /** In assignment order. */
  replicas: number[];
}

export interface ClusterView {
  brokers: number[];
  controllerId: number;
  /** Topics the broker answered without error, their partitions in order. */
  topics: Map<string, PartitionInfo[]>;
}

/** One Metadata round trip (v12) to the broker at `address`: null topics ask for all, [] for none. */
export async function metadataFrom(address: { host: string; port: number }, topics: readonly string[] | null): Promise<ClusterView> {
  const conn = await KafkaConnection.connect({ ...address, connectTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
  try {
    const r = await conn.request(3, 12, {
      topics: topics === null ? null : topics.map((name) => ({ name: name as TopicName, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' as never })),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    const out = new Map<string, PartitionInfo[]>();
    for (const t of r.topics) {
      if (t.errorCode !== 0 || t.name === null) continue;
      const ps = t.partitions.map((p) => ({ p: p.partitionIndex, errorCode: p.errorCode, leader: p.leaderId, epoch: p.leaderEpoch, isr: [...p.isrNodes].map(Number).sort(), replicas: [...p.replicaNodes].map(Number) }));
      out.set(t.name, ps.sort((a, b) => a.p - b.p));
    }
    return { brokers: r.brokers.map((b) => b.nodeId as number).sort((a, b) => a - b), controllerId: r.controllerId, topics: out };
  } finally {
    conn.close();
  }
}

/** A topic's partitions as a running broker (`from`, or any) describes them. */
export async function describe(c: TestCluster, topic: string, from?: number): Promise<PartitionInfo[]> {
  for (const id of from === undefined ? c.cluster.brokerIds : [from]) {
    const b = c.cluster.broker(id);
    if (b === undefined) continue;
    const ps = (await metadataFrom({ host: '127.0.0.1', port: b.port }, [topic]).catch(() => null))?.topics.get(topic);
    // A broker just started knows no topics until the controller's metadata reaches it: ask the next.
    if (ps !== undefined && ps.length > 0) return ps;
  }
  throw new Error('no broker answered');
}

/** The bytes of a replica's log, as replica-logs.ts reads them. */
export function logBytes(c: TestCluster, brokerId: number, topic: string, partition: number): Buffer {
  return logBytesIn(join(c.cluster.broker(brokerId)!.dataDir, `${topic}-${partition}`));
}

/** Waits until the replicas (`ids`, default every broker) hold the same bytes; returns the byte count, or -1. */
export function replicasAgree(c: TestCluster, topic: string, partition: number, timeoutMs = 20_000, ids = c.cluster.brokerIds): Promise<number> {
  return logsAgree(ids.map((id) => join(c.cluster.broker(id)!.dataDir, `${topic}-${partition}`)), timeoutMs);
}

/** True once every partition of `topic` is served and has all of `ids` in its ISR. */
export const inIsr = (c: TestCluster, topic: string, ids: number[]) => async (): Promise<boolean> => {
  const ps = await describe(c, topic).catch(() => null);
  return ps !== null && ps.every((p) => p.errorCode === 0 && ids.every((id) => p.isr.includes(id)));
};

/** The controller as a running broker's Metadata names it. */
export async function controllerId(c: TestCluster): Promise<number> {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.cluster.broker(c.cluster.brokerIds.find((id) => c.cluster.broker(id) !== undefined)!)!.port });
  try {
    return (await conn.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).controllerId;
  } finally {
    conn.close();
  }
}

/** The broker coordinating `group` (FindCoordinator v3, asked of any running broker). */
export async function groupCoordinator(c: TestCluster, group: string): Promise<number> {
  for (const id of c.cluster.brokerIds) {
    const b = c.cluster.broker(id);
    if (b === undefined) continue;
    try {
      const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: b.port, connectTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
      try {
        const r = await conn.request(10, 3, { key: group, keyType: 0 });
        if (r.errorCode === 0) return r.nodeId;
      } finally {
        conn.close();
      }
    } catch {
      // the next broker
    }
  }
  return -1;
}
