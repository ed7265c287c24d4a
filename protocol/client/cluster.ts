// What a client needs to know about the cluster: brokers, each partition's leader,
// and one negotiated connection per broker, opened on first use. Also the few
// admin calls the tools need: create a topic, list offsets.
import { ApiKey, ErrorCode, type BrokerId, type TopicName } from '../index.js';
import { KafkaConnection, type ConnectionOptions } from './connection.js';
import { BrokerError } from './errors.js';

export interface BrokerAddress {
  host: string;
  port: number;
}

export interface TopicLayout {
  name: string;
  /** leader broker id per partition index; -1 when leaderless */
  leaders: number[];
}

export interface ClusterOptions {
  /** host:port[,host:port...] */
  bootstrap: string;
  clientId?: string;
  requestTimeoutMs?: number;
  maxFrameBytes?: number;
}

/** Special timestamps for ListOffsets. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;

export function parseBootstrap(bootstrap: string): BrokerAddress[] {
  const out = bootstrap
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const i = s.lastIndexOf(':');
      const port = Number(s.slice(i + 1));
      if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`bootstrap address ${JSON.stringify(s)} is not host:port`);
      return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
    });
  if (out.length === 0) throw new RangeError('empty bootstrap list');
  return out;
}

export class Cluster {
  private readonly brokers = new Map<number, BrokerAddress>();
  private readonly connections = new Map<number, Promise<KafkaConnection>>();
  private readonly topics = new Map<string, TopicLayout>();

  private constructor(
    private readonly bootstrapConn: KafkaConnection,
    private readonly connOpts: Omit<ConnectionOptions, 'host' | 'port'>,
  ) {}

  /** Connects to the first reachable bootstrap broker. */
  static async connect(opts: ClusterOptions): Promise<Cluster> {
    const connOpts = { clientId: opts.clientId ?? 'samsa-lean', requestTimeoutMs: opts.requestTimeoutMs, maxFrameBytes: opts.maxFrameBytes };
    let last: unknown;
    for (const addr of parseBootstrap(opts.bootstrap)) {
      try {
        const conn = await KafkaConnection.open({ ...addr, ...connOpts });
        return new Cluster(conn, connOpts);
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  /** The bootstrap connection, for requests any broker answers. */
  get any(): KafkaConnection {
    return this.bootstrapConn;
  }

  /** Refreshes metadata for these topics; missing topics are not created. */
  async refresh(topics: readonly string[]): Promise<Map<string, TopicLayout | BrokerError>> {
    const c = this.bootstrapConn;
    const res = await c.request(ApiKey.Metadata, c.version(ApiKey.Metadata), {
      topics: topics.map((name) => ({ name: name as TopicName })),
      allowAutoTopicCreation: false,
    });
    for (const b of res.brokers) this.brokers.set(b.nodeId, { host: b.host, port: b.port });
    const out = new Map<string, TopicLayout | BrokerError>();
    for (const t of res.topics) {
      const name = t.name ?? '';
      if (t.errorCode !== 0) {
        this.topics.delete(name);
        out.set(name, new BrokerError(t.errorCode, `metadata for topic ${name}`));
        continue;
      }
      const leaders: number[] = [];
      for (const p of t.partitions) leaders[p.partitionIndex] = p.errorCode === 0 ? p.leaderId : -1;
      for (let i = 0; i < leaders.length; i++) leaders[i] ??= -1;
      const layout = { name, leaders };
      this.topics.set(name, layout);
      out.set(name, layout);
    }
    return out;
  }

  /** The topic's layout, refreshing once when unknown; throws BrokerError when it does not exist. */
  async topic(name: string): Promise<TopicLayout> {
    const known = this.topics.get(name);
    if (known) return known;
    const r = (await this.refresh([name])).get(name);
    if (r === undefined) throw new BrokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `metadata for topic ${name}`);
    if (r instanceof BrokerError) throw r;
    return r;
  }

  /**
   * Creates the topic when it does not exist and waits (bounded) until every
   * partition has a leader. An existing topic is left as it is.
   */
  async ensureTopic(name: string, partitions: number, replicationFactor = 1, waitMs = 10_000): Promise<TopicLayout> {
    const first = (await this.refresh([name])).get(name);
    if (first instanceof BrokerError && first.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw first;
    if (!(first && !(first instanceof BrokerError))) {
      const c = this.bootstrapConn;
      const res = await c.request(ApiKey.CreateTopics, c.version(ApiKey.CreateTopics), {
        topics: [{ name: name as TopicName, numPartitions: partitions, replicationFactor }],
        timeoutMs: waitMs,
      });
      const t = res.topics[0];
      if (t && t.errorCode !== 0 && t.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) throw new BrokerError(t.errorCode, `create topic ${name}`);
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const r = (await this.refresh([name])).get(name);
      if (r && !(r instanceof BrokerError) && r.leaders.length > 0 && r.leaders.every((l) => l >= 0)) return r;
      if (Date.now() > deadline) throw r instanceof BrokerError ? r : new Error(`topic ${name} has no leader for every partition after ${waitMs} ms`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  /** The negotiated connection to a broker, opened once. */
  connectionTo(nodeId: number): Promise<KafkaConnection> {
    const open = this.connections.get(nodeId);
    if (open) return open;
    const addr = this.brokers.get(nodeId);
    if (!addr) return Promise.reject(new Error(`broker ${nodeId} is not in the metadata`));
    const p = KafkaConnection.open({ ...addr, ...this.connOpts });
    p.catch(() => this.connections.delete(nodeId));
    this.connections.set(nodeId, p);
    return p;
  }

  /** The leader's connection for a partition. */
  async leaderOf(topic: string, partition: number): Promise<KafkaConnection> {
    const t = await this.topic(topic);
    const leader = t.leaders[partition];
    if (leader === undefined) throw new BrokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${partition}`);
    if (leader < 0) throw new BrokerError(ErrorCode.LEADER_NOT_AVAILABLE, `${topic}-${partition}`);
    return this.connectionTo(leader);
  }

  /** Offsets at `timestamp` (LATEST_TIMESTAMP, EARLIEST_TIMESTAMP or a time) per partition, asked of each leader. */
  async listOffsets(topic: string, partitions: readonly number[], timestamp: bigint = LATEST_TIMESTAMP): Promise<bigint[]> {
    const out: bigint[] = [];
    await Promise.all(
      partitions.map(async (p) => {
        const c = await this.leaderOf(topic, p);
        const res = await c.request(ApiKey.ListOffsets, c.version(ApiKey.ListOffsets), {
          replicaId: -1 as BrokerId,
          topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: p, timestamp, currentLeaderEpoch: -1 }] }],
        });
        const r = res.topics[0]?.partitions[0];
        if (!r) throw new Error(`ListOffsets answered nothing for ${topic}-${p}`);
        if (r.errorCode !== 0) throw new BrokerError(r.errorCode, `list offsets ${topic}-${p}`);
        out[p] = r.offset;
      }),
    );
    return partitions.map((p) => out[p]!);
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.bootstrapConn.close();
    const conns = [...this.connections.values()];
    this.connections.clear();
    for (const p of conns) {
      try {
        (await p).close();
      } catch {
        // a connection that never opened has nothing to close
      }
    }
  }
}
