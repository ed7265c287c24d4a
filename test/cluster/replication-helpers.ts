/** What the replication tests ask a running test cluster: partition state as brokers describe it, and the bytes each replica holds. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaConnection } from '../../protocol/client/connection.js';
import type { TopicName } from '../../protocol/index.js';
import type { TestCluster } from '../../testing.js';
import { waitFor } from './zookeeper-helpers.js';

export interface PartitionInfo {
  p: number;
  errorCode: number;
  leader: number;
  epoch: number;
  isr: number[];
  /** In assignment order. */
  replicas: number[];
}

/** A topic's partitions as a running broker (`from`, or any) describes them. */
export async function describe(c: TestCluster, topic: string, from?: number): Promise<PartitionInfo[]> {
  for (const id of from === undefined ? c.cluster.brokerIds : [from]) {
    const b = c.cluster.broker(id);
    if (b === undefined) continue;
    try {
      const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: b.port, connectTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
      const r = await conn.request(3, 12, { topics: [{ name: topic as TopicName, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' as never }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      conn.close();
      // A broker just started knows no topics until the controller's metadata reaches it: ask the next.
      if (r.topics[0] === undefined || r.topics[0].errorCode !== 0 || r.topics[0].partitions.length === 0) continue;
      return r.topics[0]!.partitions.map((p) => ({ p: p.partitionIndex, errorCode: p.errorCode, leader: p.leaderId, epoch: p.leaderEpoch, isr: [...p.isrNodes].map(Number).sort(), replicas: [...p.replicaNodes].map(Number) })).sort((a, b) => a.p - b.p);
    } catch {
      // the next broker
    }
  }
  throw new Error('no broker answered');
}

/** The bytes of a replica's log: its segments in order (segment boundaries may differ between replicas; the batches may not). */
export function logBytes(c: TestCluster, brokerId: number, topic: string, partition: number): Buffer {
  const dir = join(c.cluster.broker(brokerId)!.dataDir, `${topic}-${partition}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
}

/** Waits until the replicas (`ids`, default every broker) hold the same bytes; returns the byte count, or -1. */
export async function replicasAgree(c: TestCluster, topic: string, partition: number, timeoutMs = 20_000, ids = c.cluster.brokerIds): Promise<number> {
  let size = -1;
  const took = await waitFor(() => {
    const [a, ...rest] = ids.map((id) => logBytes(c, id, topic, partition));
    size = a!.length;
    return rest.every((b) => b.equals(a!));
  }, timeoutMs);
  return took === -1 ? -1 : size;
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
