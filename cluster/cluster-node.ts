/**
 * One broker of a ZooKeeper-mode cluster: the single-node Broker of the
 * actors layer with a ClusterCatalog for its topics and leadership, the
 * inter-broker API handlers, its registration under /brokers/ids and its
 * part in the controller election.
 *
 * Start: ZooKeeper session -> persistent paths, cluster id (checked against
 * the data directory's meta.properties) -> broker id (generated if -1) ->
 * broker listening -> /brokers/ids/<id> -> controller election.
 * A session that expires (the broker was cut off for longer than
 * zookeeper.session.timeout.ms) is replaced: the broker registers again, and
 * a controller among them is elected again; meanwhile it keeps serving the
 * partitions it leads, as Kafka does, unless it was stalled (stall-fence.ts).
 * Stop: resign and leave (the session closes, so /brokers/ids/<id> and a
 * /controller of this broker go at once), then the broker stops.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Broker, type BrokerExtension } from '../actors/broker/broker.js';
import type { BrokerConfig } from '../actors/config/index.js';
import { ConfigError, parseListener } from '../actors/config/index.js';
import { writeMetaProperties } from '../actors/controller/metadata-file.js';
import { newUuid } from '../actors/controller/topic-names.js';
import { childLogger, type Logger } from '../actors/runtime/index.js';
import { ClusterCatalog } from './broker/cluster-catalog.js';
import { StallFence } from './broker/stall-fence.js';
import { ReplicaFetchers } from './broker/replica-fetcher.js';
import { interBrokerHandlers } from './broker/inter-broker-handlers.js';
import { clusterElectLeaders } from './broker/elect-leaders-handler.js';
import { clusterReassignmentHandlers } from './broker/reassignment-handlers.js';
import type { ApiHandler, ApiKey } from '../actors/broker/handler.js';
import { ClusterController } from './controller/cluster-controller.js';
import { ControllerChannel } from './controller/controller-channel.js';
import { ControllerElection } from './controller/election.js';
import { BrokerIdInUseError, KafkaZk } from './kafka-zk.js';
import { KafkaConnection } from '../protocol/client/connection.js';
import type { BrokerId } from '../protocol/index.js';
import { ZkSession } from './zookeeper/session.js';
import type { Endpoint } from './zookeeper/znodes.js';

export const INTER_BROKER_LISTENER = 'PLAINTEXT';
const REREGISTER_BACKOFF_MS = 1_000;
const REREGISTER_ATTEMPTS = 600;
const REGISTER_RETRY_MS = 250;
/** A stalled broker asks ZooKeeper whether its session lives this often, for up to 10 minutes. */
const PROBE_RETRY_MS = 500;
const PROBE_ATTEMPTS = 1_200;
/** Bounds the wait for an old registration to expire, whatever the session timeout. */
const REGISTER_ATTEMPTS = 2_000;

export interface ClusterNodeOptions {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly extensions?: readonly BrokerExtension[];
}

export class ClusterNode {
  private controller: ClusterController | null = null;
  private stopping = false;
  private isrTimer: NodeJS.Timeout | null = null;
  private fence: StallFence | null = null;
  private probing = false;
  /** The broker epoch of this broker's registration now (its znode's creation zxid). */
  private brokerEpoch = -1n;
  private constructor(
    readonly broker: Broker,
    readonly kzk: KafkaZk,
    readonly catalog: ClusterCatalog,
    readonly election: ControllerElection,
    private readonly channel: ControllerChannel,
    private readonly connect: string,
    private readonly sessionOptions: { sessionTimeoutMs: number; connectionTimeoutMs: number },
    private readonly log: Logger,
  ) {}

  static async start(o: ClusterNodeOptions): Promise<ClusterNode> {
    const connect = o.config.get('zookeeper.connect') as string | null;
    if (connect === null) throw new ConfigError('zookeeper.connect', 'a cluster broker needs zookeeper.connect');
    const sessionOptions = { sessionTimeoutMs: (o.config.get('zookeeper.session.timeout.ms') as number), connectionTimeoutMs: (o.config.get('zookeeper.connection.timeout.ms') as number) };
    const session = await ZkSession.connect(connect, sessionOptions);
    try {
      const kzk = new KafkaZk(session);
      await kzk.ensurePersistentPaths();
      const meta = readMetaProperties(o.config.logDir);
      const clusterId = await kzk.getOrCreateClusterId(meta?.clusterId ?? newUuid());
      if (meta !== null && meta.clusterId !== clusterId) {
        throw new ConfigError('zookeeper.connect', `the data directory ${o.config.logDir} belongs to cluster ${meta.clusterId}, but ZooKeeper at ${connect} holds cluster ${clusterId}: a wrong zookeeper.connect or log.dir`);
      }
      let config = o.config;
      if (config.brokerId < 0) {
        if (meta !== null && meta.brokerId >= 0) config = config.withStatic('broker.id', meta.brokerId);
        else if (config.get('broker.id.generation.enable') === true) config = config.withStatic('broker.id', await kzk.generateBrokerId((config.get('reserved.broker.max.id') as number)));
        else throw new ConfigError('broker.id', '-1 needs broker.id.generation.enable=true');
      } else if (meta !== null && meta.brokerId !== config.brokerId) {
        throw new ConfigError('broker.id', `the data directory ${o.config.logDir} is broker ${meta.brokerId}'s, not broker ${config.brokerId}'s`);
      } else if (config.brokerId > (config.get('reserved.broker.max.id') as number) && config.get('broker.id.generation.enable') === true && meta === null) {
        throw new ConfigError('broker.id', `${config.brokerId} is above reserved.broker.max.id (${(config.get('reserved.broker.max.id') as number)}), where generated ids live`);
      }
      const brokerId = config.brokerId;
      const log = childLogger(o.logger, { component: 'cluster', broker: brokerId });
      let election!: ControllerElection;
      let catalog!: ClusterCatalog;
      const controllerLog = childLogger(log, { component: 'controller' });
      const channel = new ControllerChannel(`samsa-controller-${brokerId}`, (m) => controllerLog.warn(m));
      const listenerName = (config.get('inter.broker.listener.name') as string | null) ?? (config.get('security.inter.broker.protocol') as string);
      let node: ClusterNode | undefined;
      const fence = new StallFence({
        stallMs: Math.floor(sessionOptions.sessionTimeoutMs / 2),
        reregisteredBoundMs: 2 * sessionOptions.sessionTimeoutMs,
        onStall: () => void node?.probeSession(),
        log: (m) => log.warn(`broker ${brokerId} ${m}`),
      });
      const spoke = (api: 'LeaderAndIsr' | 'UpdateMetadata', epoch: bigint) => {
        // Sent to this registration, after the roles it carried were taken.
        if (node === undefined || epoch !== node.brokerEpoch) return;
        if (api === 'LeaderAndIsr' || !catalog.leadsAny) fence.controllerSpoke();
      };
      const interBroker: BrokerExtension = { attach: () => [...interBrokerHandlers(catalog, kzk, listenerName, () => node?.activeController ?? null, spoke), clusterElectLeaders(catalog, () => node?.activeController ?? null) as unknown as ApiHandler<ApiKey>, ...(clusterReassignmentHandlers(() => node?.activeController ?? null) as unknown as Array<ApiHandler<ApiKey>>)] };
      const broker = await Broker.start({
        config,
        logger: o.logger,
        extensions: [...(o.extensions ?? []), interBroker],
        catalog: async (ctx) => {
          catalog = new ClusterCatalog({ kzk, brokerId, clusterId, config: ctx.config, host: ctx.host, dataDir: ctx.dataDir, log: ctx.log, isController: () => election?.active ?? false, fenced: () => fence.fenced });
          return catalog;
        },
      });
      writeMetaProperties(config.logDir, clusterId, brokerId);
      node = new ClusterNode(broker, kzk, catalog, undefined as never, channel, connect, sessionOptions, log);
      node.fence = fence;
      election = new ControllerElection({
        kzk,
        brokerId,
        log,
        onElected: (fence) => node!.becomeController(fence),
        onResigned: () => node!.resignController(),
      });
      (node as { election: ControllerElection }).election = election;
      const started = node;
      const fetchers = new ReplicaFetchers(
        {
          brokerId,
          maxWaitMs: config.get('replica.fetch.wait.max.ms') as number,
          minBytes: config.get('replica.fetch.min.bytes') as number,
          partitionMaxBytes: config.get('replica.fetch.max.bytes') as number,
          responseMaxBytes: config.get('replica.fetch.response.max.bytes') as number,
          backoffMs: config.get('replica.fetch.backoff.ms') as number,
        },
        broker.partitions,
        log,
      );
      catalog.onConfigChange((type, name) => started.activeController?.configChanged(type === 'topics' ? name : null));
      catalog.attachReplication(fetchers, {
        highWatermark: (k, hw, isrSize, leaderEpoch) => {
          broker.ackWaits.advance(k, hw, isrSize, leaderEpoch);
          broker.fetchWatch.notify(k);
        },
        abandoned: (k) => broker.ackWaits.abandon(k),
        deleted: (k) => broker.ackWaits.forget(k),
      });
      const lagMaxMs = config.get('replica.lag.time.max.ms') as number;
      // Kafka checks every half lag time, so a follower is out within 1.5x of it.
      started.isrTimer = setInterval(() => void catalog.checkIsr(lagMaxMs).catch((err) => log.warn(`ISR check: ${(err as Error).message}`)), Math.max(100, Math.floor(lagMaxMs / 2)));
      started.isrTimer.unref();
      try {
        await catalog.reloadBrokerConfig();
        await started.register();
        await catalog.watchConfigChanges();
        await election.start();
        started.watchSession(session);
      } catch (err) {
        await started.stop();
        throw err;
      }
      return started;
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  get brokerId(): number {
    return this.broker.brokerId;
  }

  /** The controller this broker runs now, if it is the active one. */
  get activeController(): ClusterController | null {
    return this.election.active ? this.controller : null;
  }

  /** The endpoints this broker registers: its advertised listener (the bound port when advertised 0). */
  private endpoints(): Endpoint[] {
    const listeners = (this.broker.config.advertisedListeners.length > 0 ? this.broker.config.advertisedListeners : this.broker.config.listeners).map(parseListener);
    return listeners.map((l, i) => ({ listener: INTER_BROKER_LISTENER, host: i === 0 ? this.broker.advertised.host : l.host, port: i === 0 ? this.broker.advertised.port : l.port, securityProtocol: 'PLAINTEXT' })).slice(0, 1);
  }

  /**
   * /brokers/ids/<id>. A registration of another session may be this broker's
   * own from before a crash, which lasts until that session expires: it is
   * tried again, REGISTER_RETRY_MS apart, for up to the session timeout and as
   * long again; still taken then, another broker has this id.
   */
  private async register(): Promise<void> {
    const registration = { id: this.brokerId, endpoints: this.endpoints(), rack: this.broker.config.get('broker.rack') as string | null, timestamp: Date.now() };
    const deadline = Date.now() + 2 * this.sessionOptions.sessionTimeoutMs;
    let epoch: bigint;
    for (let attempt = 1; ; attempt++) {
      try {
        epoch = await this.kzk.registerBroker(registration);
        break;
      } catch (err) {
        if (!(err instanceof BrokerIdInUseError) || Date.now() >= deadline || attempt >= REGISTER_ATTEMPTS || this.stopping) throw err;
        if (attempt === 1) this.log.warn(`broker ${this.brokerId}: /brokers/ids/${this.brokerId} belongs to another session (this broker before a crash?); waiting for it to expire`);
        await new Promise((res) => setTimeout(res, REGISTER_RETRY_MS));
      }
    }
    this.brokerEpoch = epoch;
    this.fence?.registered();
    this.log.info(`broker ${this.brokerId} registered in ZooKeeper (broker epoch ${epoch})`);
  }

  private async becomeController(fence: { epoch: number; epochZkVersion: number }): Promise<void> {
    this.controller = await ClusterController.start({
      kzk: this.kzk,
      brokerId: this.brokerId,
      fence,
      channel: this.channel,
      interBrokerListener: INTER_BROKER_LISTENER,
      log: childLogger(this.log, { component: 'controller' }),
      onMoved: () => void this.election.start(),
      leaderRebalance: {
        enabled: this.broker.config.get('auto.leader.rebalance.enable') === true,
        intervalMs: (this.broker.config.get('leader.imbalance.check.interval.seconds') as number) * 1_000,
        imbalancePercent: this.broker.config.get('leader.imbalance.per.broker.percentage') as number,
      },
      uncleanDefault: () => this.catalog.uncleanElectionDefault(),
    });
  }

  private async resignController(): Promise<void> {
    const c = this.controller;
    this.controller = null;
    await c?.stop();
    this.channel.close();
  }

  private watchSession(session: ZkSession): void {
    session.once('expired', () => void this.renewSession());
  }

  /**
   * After a stall: asks ZooKeeper in the current session until it answers
   * (the session lives: the fence lifts) or the session is found expired
   * (renewSession takes over). Bounded; one probe at a time.
   */
  private async probeSession(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      for (let attempt = 0; attempt < PROBE_ATTEMPTS && !this.stopping && this.fence?.current === 'stalled'; attempt++) {
        const zk = this.kzk.zk;
        const answered = await zk.exists(`/brokers/ids/${this.brokerId}`).then(() => true, () => false);
        if (answered && !zk.expired && zk === this.kzk.zk) {
          this.fence.sessionAlive();
          return;
        }
        if (zk.expired) return;
        await new Promise((r) => setTimeout(r, PROBE_RETRY_MS));
      }
    } finally {
      this.probing = false;
    }
  }

  /** A new session after expiry: register again and rejoin the election; bounded retries while ZooKeeper is unreachable. */
  private async renewSession(): Promise<void> {
    if (this.stopping) return;
    this.log.warn(`broker ${this.brokerId}: ZooKeeper session expired; registering again`);
    this.fence?.sessionExpired();
    await this.election.sessionLost();
    const old = this.kzk.zk;
    await old.close();
    for (let attempt = 0; attempt < REREGISTER_ATTEMPTS && !this.stopping; attempt++) {
      try {
        const session = await ZkSession.connect(this.connect, this.sessionOptions);
        if (this.stopping) {
          await session.close();
          return;
        }
        this.kzk.zk = session;
        await this.register();
        await this.catalog.watchConfigChanges();
        await this.election.start();
        this.watchSession(session);
        return;
      } catch (err) {
        this.log.warn(`broker ${this.brokerId}: rejoining the cluster failed (${(err as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, REREGISTER_BACKOFF_MS));
      }
    }
  }

  /**
   * Asks the controller to move this broker's leaderships away before it
   * stops (Kafka's controlled shutdown): bounded retries while partitions
   * remain. The broker stops either way.
   */
  private async controlledShutdown(): Promise<void> {
    const retries = this.broker.config.get('controlled.shutdown.max.retries') as number;
    const backoffMs = this.broker.config.get('controlled.shutdown.retry.backoff.ms') as number;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const id = await this.kzk.controllerId();
      const brokers = await this.kzk.brokers();
      const me = brokers.get(this.brokerId);
      const target = id === null ? undefined : brokers.get(id)?.endpoints[0];
      if (me === undefined || target === undefined) return;
      const conn = await KafkaConnection.connect({ host: target.host, port: target.port, clientId: `samsa-broker-${this.brokerId}`, connectTimeoutMs: 5_000, requestTimeoutMs: 30_000 });
      try {
        const r = await conn.request(7, 3, { brokerId: this.brokerId as BrokerId, brokerEpoch: me.epoch });
        if (r.errorCode === 0 && r.remainingPartitions.length === 0) return;
        this.log.info(`controlled shutdown: ${r.errorCode === 0 ? `${r.remainingPartitions.length} partitions still led here` : `error ${r.errorCode}`}; ${attempt < retries ? 'asking again' : 'stopping anyway'}`);
      } finally {
        conn.close();
      }
      if (attempt < retries) await new Promise((res) => setTimeout(res, backoffMs));
    }
  }

  /** Leaves the cluster (resigning as controller, closing the session), then stops the broker. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.broker.config.get('controlled.shutdown.enable') === true) await this.controlledShutdown().catch((err) => this.log.warn(`controlled shutdown: ${(err as Error).message}`));
    if (this.isrTimer !== null) clearInterval(this.isrTimer);
    this.fence?.stop();
    await this.catalog.closeReplication().catch(() => undefined);
    await this.election?.stop().catch(() => undefined);
    await this.kzk.zk.close();
    await this.broker.stop();
  }
}

function readMetaProperties(dir: string): { clusterId: string; brokerId: number } | null {
  const path = join(dir, 'meta.properties');
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const cluster = /^cluster\.id=(.+)$/m.exec(text);
  const broker = /^broker\.id=(-?\d+)$/m.exec(text);
  if (cluster === null || broker === null) return null;
  return { clusterId: cluster[1]!.trim(), brokerId: Number(broker[1]) };
}
