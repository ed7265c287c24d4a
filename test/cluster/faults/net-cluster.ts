/**
 * A cluster whose every member is its own host: 3 ZooKeeper servers and N
 * brokers, each a real process in its own network namespace (network.ts),
 * so faults can kill, pause or cut any of them while clients in the root
 * namespace keep reaching whoever is still reachable.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerProcess } from '../../../cluster/local/broker-process.js';
import { ZooKeeperServer } from '../../../cluster/zookeeper/server-process.js';
import { metadataFrom, type ClusterView } from '../replication-helpers.js';
import { Network } from './network.js';

const BROKER_PORT = 9092;
const ZK_PORT = 2181;
const CHROOT = '/samsa';

export interface NetClusterOptions {
  readonly dir: string;
  readonly brokers: number;
  readonly zookeepers: number;
  readonly sessionTimeoutMs: number;
  readonly overrides?: Readonly<Record<string, string | number | boolean>>;
}

export const brokerHost = (id: number) => `b${id}`;
export const zkHost = (id: number) => `zk${id}`;

export class NetCluster {
  private readonly running = new Map<number, BrokerProcess>();
  private readonly paused = new Set<string>();

  private constructor(
    readonly net: Network,
    readonly zookeepers: readonly ZooKeeperServer[],
    private readonly o: NetClusterOptions,
  ) {}

  static async start(o: NetClusterOptions): Promise<NetCluster> {
    const names = [...Array.from({ length: o.zookeepers }, (_, i) => zkHost(i + 1)), ...Array.from({ length: o.brokers }, (_, i) => brokerHost(i + 1))];
    const net = Network.create(names);
    mkdirSync(o.dir, { recursive: true });
    const peers = o.zookeepers === 1 ? [] : Array.from({ length: o.zookeepers }, (_, i) => ({ id: i + 1, quorumPort: 2888, electionPort: 3888, host: net.host(zkHost(i + 1)).ip }));
    const zookeepers = Array.from({ length: o.zookeepers }, (_, i) => {
      const dir = join(o.dir, `zk-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      return new ZooKeeperServer({ dir, id: i + 1, clientPort: ZK_PORT, host: net.host(zkHost(i + 1)).ip, peers, wrap: net.wrap(zkHost(i + 1)), tickTimeMs: 500, minSessionTimeoutMs: 1_000, heapMb: 128 });
    });
    const cluster = new NetCluster(net, zookeepers, o);
    try {
      await Promise.all(zookeepers.map((z) => z.start(60_000)));
      await Promise.all(cluster.brokerIds.map((id) => cluster.startBroker(id)));
      await cluster.ready(90_000);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get brokerIds(): number[] {
    return Array.from({ length: this.o.brokers }, (_, i) => i + 1);
  }

  get zookeeperConnect(): string {
    return `${this.zookeepers.map((z) => z.address).join(',')}${CHROOT}`;
  }

  /** Every broker's address, running or not (clients find the live ones). */
  get bootstrap(): string {
    return this.brokerIds.map((id) => `${this.net.host(brokerHost(id)).ip}:${BROKER_PORT}`).join(',');
  }

  address(id: number): { host: string; port: number } {
    return { host: this.net.host(brokerHost(id)).ip, port: BROKER_PORT };
  }

  broker(id: number): BrokerProcess | undefined {
    return this.running.get(id);
  }

  dataDir(id: number): string {
    return join(this.o.dir, `broker-${id}`);
  }

  isPaused(host: string): boolean {
    return this.paused.has(host);
  }

  async startBroker(id: number): Promise<void> {
    if (this.running.get(id)?.alive) throw new Error(`broker ${id} is running`);
    const host = brokerHost(id);
    const b = await BrokerProcess.start({
      dataDir: this.dataDir(id),
      host: this.net.host(host).ip,
      port: BROKER_PORT,
      wrap: this.net.wrap(host),
      logLevel: 'info',
      stderrFile: join(this.o.dir, `broker-${id}.log`),
      overrides: {
        'zookeeper.connect': this.zookeeperConnect,
        'broker.id': id,
        'zookeeper.session.timeout.ms': this.o.sessionTimeoutMs,
        'offsets.topic.replication.factor': Math.min(3, this.o.brokers),
        ...this.o.overrides,
      },
    });
    this.running.set(id, b);
  }

  async killBroker(id: number): Promise<void> {
    const b = this.running.get(id);
    if (b === undefined) return;
    this.paused.delete(brokerHost(id));
    await b.kill9();
    this.running.delete(id);
  }

  pauseBroker(id: number): void {
    this.running.get(id)?.signal('SIGSTOP');
    this.paused.add(brokerHost(id));
  }

  resumeBroker(id: number): void {
    this.running.get(id)?.signal('SIGCONT');
    this.paused.delete(brokerHost(id));
  }

  zookeeper(id: number): ZooKeeperServer {
    return this.zookeepers[id - 1]!;
  }

  /** The brokers that died on their own (not killed by a fault): each one a defect. */
  crashed(): number[] {
    return [...this.running].filter(([, b]) => !b.alive).map(([id]) => id);
  }

  /** One Metadata round trip to broker `id` (bounded by a short timeout). */
  metadata(id: number, topics: readonly string[] | null = []): Promise<ClusterView> {
    return metadataFrom(this.address(id), topics);
  }

  /** Metadata from the first running, unpaused broker that answers. */
  async anyMetadata(topics: readonly string[] | null = []): Promise<ClusterView | null> {
    for (const id of this.running.keys()) {
      if (this.paused.has(brokerHost(id))) continue;
      const m = await this.metadata(id, topics).catch(() => null);
      if (m !== null) return m;
    }
    return null;
  }

  /** Once every running broker is registered and a controller is among them. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      const want = [...this.running.keys()].sort((a, b) => a - b);
      const m = await this.anyMetadata();
      if (m !== null) {
        seen = JSON.stringify({ brokers: m.brokers, controller: m.controllerId });
        if (m.brokers.join() === want.join() && want.includes(m.controllerId)) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`cluster not ready within ${timeoutMs} ms (last Metadata: ${seen || 'none'})`);
  }

  async stop(): Promise<void> {
    for (const id of this.running.keys()) this.resumeBroker(id);
    for (const z of this.zookeepers) z.signal('SIGCONT');
    await Promise.all([...this.running.values()].map((b) => b.stop(5_000)));
    this.running.clear();
    await Promise.all(this.zookeepers.map((z) => z.stop()));
    this.net.destroy();
  }
}
