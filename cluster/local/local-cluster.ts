/**
 * A whole cluster on this machine, of real processes: a ZooKeeper ensemble
 * (1 server, or 3 for a quorum) and N `samsa start` brokers joined to it
 * under one chroot, each with its own data directory under `dir`. For
 * `samsa cluster up` and samsa/testing's startTestCluster.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { freePorts } from '../free-ports.js';
import { Ensemble } from '../zookeeper/ensemble.js';
import { BrokerProcess } from './broker-process.js';

export interface LocalClusterOptions {
  readonly dir: string;
  readonly brokers: number;
  /** ZooKeeper servers: 1 (standalone, default) or an odd number up to 7. */
  readonly zookeepers?: number;
  /** zookeeper.session.timeout.ms of the brokers: how soon a dead broker is noticed. Default 6000. */
  readonly sessionTimeoutMs?: number;
  /** More broker properties, for every broker. */
  readonly overrides?: Readonly<Record<string, string | number | boolean>>;
  readonly workers?: number;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Racks by broker index (0-based), for rack-aware placement. */
  readonly racks?: readonly string[];
}

export const CLUSTER_CHROOT = '/samsa';
const READY_TIMEOUT_MS = 60_000;

export class LocalCluster {
  private readonly running = new Map<number, BrokerProcess>();

  private constructor(
    readonly ensemble: Ensemble,
    private readonly o: LocalClusterOptions,
    private readonly ports: ReadonlyMap<number, number>,
  ) {}

  static async start(o: LocalClusterOptions): Promise<LocalCluster> {
    if (!Number.isInteger(o.brokers) || o.brokers < 1 || o.brokers > 64) throw new RangeError(`brokers: 1 to 64, got ${o.brokers}`);
    mkdirSync(o.dir, { recursive: true });
    // A short tick lets brokers ask for session timeouts of a few seconds.
    const ensemble = await Ensemble.start({ dir: join(o.dir, 'zookeeper'), size: o.zookeepers ?? 1, tickTimeMs: 500, minSessionTimeoutMs: 1_000 });
    const ports = await freePorts(o.brokers);
    const cluster = new LocalCluster(ensemble, o, new Map(ports.map((p, i) => [i + 1, p])));
    try {
      await Promise.all(Array.from({ length: o.brokers }, (_, i) => cluster.startBroker(i + 1)));
      await cluster.ready();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** ZooKeeper connect string of the cluster, chroot included. */
  get zookeeperConnect(): string {
    return `${this.ensemble.connectString}${CLUSTER_CHROOT}`;
  }

  /** host:port of every broker that runs, for clients' bootstrap.servers. */
  get bootstrap(): string {
    return [...this.running.values()].map((b) => b.bootstrap).join(',');
  }

  get brokerIds(): number[] {
    return [...this.ports.keys()];
  }

  broker(id: number): BrokerProcess | undefined {
    return this.running.get(id);
  }

  /** Starts broker `id` (again), on its data directory and port. */
  async startBroker(id: number): Promise<BrokerProcess> {
    const port = this.ports.get(id);
    if (port === undefined) throw new RangeError(`no broker ${id} in this cluster`);
    if (this.running.get(id)?.alive) throw new Error(`broker ${id} is running`);
    const rack = this.o.racks?.[id - 1];
    const b = await BrokerProcess.start({
      dataDir: join(this.o.dir, `broker-${id}`),
      port,
      workers: this.o.workers ?? 0,
      logLevel: this.o.logLevel ?? 'warn',
      overrides: {
        'zookeeper.connect': this.zookeeperConnect,
        'broker.id': id,
        'zookeeper.session.timeout.ms': this.o.sessionTimeoutMs ?? 6_000,
        // As Kafka's own test clusters: __consumer_offsets replicated as far as the cluster allows.
        'offsets.topic.replication.factor': Math.min(3, this.o.brokers),
        ...(rack === undefined ? {} : { 'broker.rack': rack }),
        ...this.o.overrides,
      },
    });
    this.running.set(id, b);
    return b;
  }

  /** SIGKILL of a broker. */
  async killBroker(id: number): Promise<void> {
    await this.running.get(id)?.kill9();
    this.running.delete(id);
  }

  async stopBroker(id: number): Promise<void> {
    await this.running.get(id)?.stop();
    this.running.delete(id);
  }

  /** What a live broker's Metadata says: the brokers and the controller (-1 when none is known). */
  async metadata(): Promise<{ brokers: number[]; controllerId: number }> {
    let last: unknown;
    for (const b of this.running.values()) {
      try {
        const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: b.port, connectTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
        try {
          const r = await conn.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
          return { brokers: r.brokers.map((x) => x.nodeId as number).sort((a, c) => a - c), controllerId: r.controllerId };
        } finally {
          conn.close();
        }
      } catch (err) {
        last = err;
      }
    }
    throw new Error(`no broker answered Metadata: ${(last as Error)?.message ?? 'none running'}`);
  }

  /** Resolves once a broker's Metadata shows every running broker and a controller among them. */
  async ready(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      const want = [...this.running.keys()].sort((a, b) => a - b);
      const m = await this.metadata().catch(() => null);
      if (m !== null) {
        seen = JSON.stringify(m);
        if (m.brokers.join() === want.join() && want.includes(m.controllerId)) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`cluster not ready within ${timeoutMs} ms (last Metadata: ${seen || 'none'})`);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((b) => b.stop()));
    this.running.clear();
    await this.ensemble.stop();
  }
}
