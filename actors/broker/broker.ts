/**
 * BrokerActor: the single-node broker's main-thread side. Owns the listeners
 * and connections, the request dispatcher, the controller, the long-poll
 * watch and the maintenance timers; partitions are actors on the runtime
 * (inline, or on the pool with `workers` > 0).
 *
 * Start: data dir (and its lock) -> checkpoints -> actor system -> controller
 * (opens every partition) -> listeners. Stop, in reverse: stop accepting,
 * answer requests already read, flush partitions, write checkpoints, stop the
 * actors, release the lock.
 */
import { mkdirSync } from 'node:fs';
import { DirLock, type PartitionOffset } from '../../native/index.js';
import type { ApiSurfaceEntry } from '../../protocol/index.js';
import { BrokerConfig, ConfigError, parseListener } from '../config/index.js';
import type { TopicCatalog } from '../controller/catalog.js';
import { Controller, type TopicRecord } from '../controller/controller.js';
import { PARTITION_KIND, partitionKey } from '../partition/messages.js';
import { ActorSystem, childLogger, pinoLogger, type Logger } from '../runtime/index.js';
import type { BrokerCore, Endpoint } from './broker-core.js';
import type { GroupsView } from './groups-view.js';
import { Dispatcher } from './dispatch.js';
import { FetchWatch } from './fetch/fetch-watch.js';
import { AckWaits } from './ack-waits.js';
import { FetchSessionCache } from './fetch/session-cache.js';
import type { ApiHandler, ApiKey } from './handler.js';
import { handlerTable, servedSurface } from './handlers/index.js';
import { NetworkServer } from './net/server.js';
import { OffsetCheckpoints, type PartitionCheckpoint } from './offset-checkpoints.js';
import { PartitionRouter } from './partition-router.js';
import { setAsideStrayPartitions } from './stray-partitions.js';
import { removeLeftoverDeletedDirs } from '../partition/deleted-dirs.js';
import { WriterPool } from './writer-pool.js';
import { rateLimitedLog } from './net/rate-limited-log.js';
import { LogCleaner } from './log-cleaner.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import { registerBrokerGauges } from './metrics/broker-gauges.js';

/** How long shutdown waits for requests already read before closing connections. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Kafka's log.flush.offset.checkpoint.interval.ms. */
const CHECKPOINT_INTERVAL_MS = 60_000;
/** Partition maintenance (flush.ms, producer expiry) tick; retention runs every log.retention.check.interval.ms. */
const MAINTENANCE_TICK_MS = 1_000;
const ASK_TIMEOUT_MS = 30_000;

/**
 * A piece that plugs into the broker before it listens: it may register actor
 * kinds on the broker's actor system and returns API handlers that replace or
 * add to the built-in ones (and so what ApiVersions advertises).
 */
export interface BrokerExtension {
  attach(broker: BrokerCore, system: ActorSystem): ReadonlyArray<ApiHandler<ApiKey>> | Promise<ReadonlyArray<ApiHandler<ApiKey>>>;
}

/** What a catalog other than the single node's is made from (the cluster layer's). */
export interface CatalogContext {
  readonly dataDir: string;
  readonly config: BrokerConfig;
  readonly host: PartitionRouter;
  readonly log: Logger;
}

export interface BrokerStartOptions {
  readonly config: BrokerConfig;
  readonly logger?: Logger;
  readonly extensions?: readonly BrokerExtension[];
  /**
   * Where topics and leadership come from; default: the single node's
   * Controller over its metadata file, which opens every partition at start.
   * Another catalog opens partitions as it learns this broker leads them, so
   * the start-up sweep of partitions nobody opened is left to it.
   */
  readonly catalog?: (ctx: CatalogContext) => Promise<TopicCatalog>;
}

export class Broker implements BrokerCore {
  readonly fetchWatch = new FetchWatch();
  readonly ackWaits = new AckWaits();
  readonly fetchSessions: FetchSessionCache;
  readonly metrics: BrokerMetrics;
  private handlers = handlerTable();
  surface: readonly ApiSurfaceEntry[] = servedSurface(this.handlers);
  private net: NetworkServer | null = null;
  private timers: NodeJS.Timeout[] = [];
  private lastRetentionMs: number;
  private stopping: Promise<void> | null = null;
  /** The log cleaner; null with log.cleaner.enable=false. */
  cleaner: LogCleaner | null = null;
  groupsView: GroupsView | null = null;
  advertised: Endpoint = { host: '127.0.0.1', port: 0 };
  boundPorts: number[] = [];

  private constructor(
    readonly dataDir: string,
    readonly log: Logger,
    readonly system: ActorSystem,
    readonly partitions: PartitionRouter,
    readonly controller: TopicCatalog,
    private readonly checkpoints: OffsetCheckpoints,
    private readonly dirLock: DirLock,
  ) {
    this.lastRetentionMs = Date.now();
    this.fetchSessions = new FetchSessionCache({ slots: controller.config.fetchSessionSlots, now: () => this.now() });
    this.metrics = new BrokerMetrics(controller.config.get('samsa.metrics.enable') === true);
    registerBrokerGauges(this);
  }

  /** Live client connections. */
  get connectionCount(): number {
    return this.net?.connectionCount ?? 0;
  }

  static async start(opts: BrokerStartOptions): Promise<Broker> {
    const config = opts.config;
    const log = childLogger(opts.logger ?? pinoLogger(), { component: 'broker', broker: config.brokerId });
    const dataDir = config.logDir;
    if (config.brokerId < 0 && opts.catalog === undefined) throw new ConfigError('broker.id', `${config.brokerId}: a generated broker id (-1) needs zookeeper.connect`);
    mkdirSync(dataDir, { recursive: true });
    // Two brokers on one directory would write the same partitions at the same offsets.
    const dirLock = DirLock.acquire(dataDir);
    try {
      return await Broker.startLocked(opts, log, dirLock);
    } catch (err) {
      dirLock.release();
      throw err;
    }
  }

  private static async startLocked(opts: BrokerStartOptions, log: Logger, dirLock: DirLock): Promise<Broker> {
    const config = opts.config;
    const dataDir = config.logDir;
    const checkpoints = await OffsetCheckpoints.load(dataDir);
    void removeLeftoverDeletedDirs(dataDir, (err) => log.warn(`removing a deleted partition's directory: ${err.message}`)).then((gone) => {
      if (gone.length > 0) log.info(`removed ${gone.length} deleted partitions' directories a crash left behind`);
    });
    const system = await ActorSystem.start({ workers: config.workers, logger: childLogger(log, { component: 'actors' }), askTimeoutMs: ASK_TIMEOUT_MS });
    system.register(PARTITION_KIND, {
      module: new URL('../partition/partition-actor.js', import.meta.url),
      exportName: 'PartitionActor',
      placement: 'pool',
      // a topic's partitions take turns over the workers (keys are `<topic>-<n>`)
      placementRule: 'spread',
      mailboxCapacity: 4096,
    });
    const router = new PartitionRouter(system, dataDir, checkpoints, ASK_TIMEOUT_MS);
    let controller: TopicCatalog;
    try {
      if (opts.catalog !== undefined) controller = await opts.catalog({ dataDir, config, host: router, log });
      else {
        controller = await Controller.open(dataDir, config, router, (m) => log.warn(m));
        const open = [...router.open.values()];
        await checkpoints.startupDone(new Set(open.map((o) => `${o.topic} ${o.partition}`)));
        setAsideStrayPartitions(dataDir, new Set(open.map((o) => `${o.topic}-${o.partition}`)), log);
      }
    } catch (err) {
      await system.stop();
      throw err;
    }
    const broker = new Broker(dataDir, log, system, router, controller, checkpoints, dirLock);
    router.dataDeleted.push((topic) => broker.metrics.topicDeleted(topic));
    try {
      for (const ext of opts.extensions ?? []) {
        for (const h of await ext.attach(broker, system)) broker.handlers.set(h.apiKey, h);
      }
      broker.surface = servedSurface(broker.handlers);
      await broker.listen();
    } catch (err) {
      await system.stop();
      throw err;
    }
    broker.startTimers();
    if (config.get('log.cleaner.enable') === true && (config.get('log.cleaner.threads') as number) > 0) {
      broker.cleaner = await LogCleaner.start({
        dataDir,
        partitions: router,
        threads: config.get('log.cleaner.threads') as number,
        dedupeBufferBytes: config.get('log.cleaner.dedupe.buffer.size') as number,
        ioMaxBytesPerSecond: config.get('log.cleaner.io.max.bytes.per.second') as number,
        threadNice: config.get('log.cleaner.thread.nice') as number,
        backoffMs: Math.max(1, config.get('log.cleaner.backoff.ms') as number),
        log: childLogger(log, { component: 'log-cleaner' }),
      });
      router.dataDeleted.push((topic, partition) => broker.cleaner?.forget(partitionKey(topic, partition)));
    }
    return broker;
  }

  get config(): BrokerConfig {
    return this.controller.config;
  }

  get brokerId(): number {
    return this.config.brokerId;
  }

  now(): number {
    return Date.now();
  }

  private async listen(): Promise<void> {
    const config = this.config;
    const dispatcher = new Dispatcher(this, this.handlers, new WriterPool());
    const network = childLogger(this.log, { component: 'network' });
    this.net = new NetworkServer({
      maxFrameBytes: config.requestMaxBytes,
      maxInFlight: config.queuedMaxRequests,
      maxConnections: config.maxConnections,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
      idleMs: config.connectionsMaxIdleMs,
      handle: (frame, conn, arrivedMs) => dispatcher.handle(frame, conn, arrivedMs),
      onConnection: (event) => (event === 'opened' ? this.metrics.connectionOpened() : this.metrics.connectionClosed()),
      log: rateLimitedLog((m, fields) => network.warn(m, fields), Date.now),
      now: () => Date.now(),
    });
    const bound = await this.net.listen(config.listeners.map(parseListener));
    this.boundPorts = bound.map((b) => b.boundPort);
    const advertised = config.advertisedListeners.map(parseListener)[0];
    const first = bound[0]!;
    // An advertised port of 0 means "whatever was bound" (useful with ephemeral listeners).
    this.advertised = advertised ? { host: advertised.host, port: advertised.port || first.boundPort } : { host: first.host, port: first.boundPort };
  }

  private startTimers(): void {
    const tick = setInterval(() => void this.maintain(), MAINTENANCE_TICK_MS);
    const checkpoint = setInterval(() => void this.checkpoint(false), CHECKPOINT_INTERVAL_MS);
    tick.unref();
    checkpoint.unref();
    this.timers.push(tick, checkpoint);
    if (this.config.get('zookeeper.connect') !== null) {
      const hw = setInterval(() => void this.checkpointHighWatermarks(), this.config.get('replica.high.watermark.checkpoint.interval.ms') as number);
      hw.unref();
      this.timers.push(hw);
    }
  }

  /** A cluster's replication-offset-checkpoint: every open replica's high watermark, so a restarted replica starts from it (Kafka's ReplicaManager checkpoint); failures are logged. */
  checkpointHighWatermarks(): Promise<void> {
    return this.checkpoints
      .writeHighWatermarks(async () => {
        const described = await this.partitions.broadcast<{ highWatermark: bigint }>({ t: 'describe' });
        const list: PartitionOffset[] = [];
        for (const r of described) if (r.outcome.ok && r.outcome.value.highWatermark >= 0n) list.push({ topic: r.topic, partition: r.partition, offset: Number(r.outcome.value.highWatermark) });
        return list;
      })
      .catch((err) => this.log.error(`high watermark checkpoint failed: ${(err as Error).message}`));
  }

  private async maintain(): Promise<void> {
    const now = Date.now();
    const retention = now - this.lastRetentionMs >= this.config.retentionCheckIntervalMs;
    if (retention) this.lastRetentionMs = now;
    const results = await this.partitions.broadcast({ t: 'maintain', producerIdExpirationMs: this.config.producerIdExpirationMs, retention });
    for (const r of results) if (!r.outcome.ok) this.log.warn(`maintenance of ${r.topic}-${r.partition} failed: ${r.outcome.error.message}`);
  }

  /** Writes recovery-point and log-start checkpoints for every open partition (after flushing them when `flush`); failures are logged. */
  checkpoint(flush: boolean): Promise<void> {
    return this.writeCheckpoints(flush).catch((err) => this.log.error(`checkpoint failed: ${(err as Error).message}`));
  }

  /** DeleteRecords is answered only once its new log start offsets are on disk: a crash cannot undo it. */
  checkpointLogStartOffsets(): Promise<void> {
    return this.writeCheckpoints(false);
  }

  /** One checkpoint of both files, after those queued before it (the files are replaced whole); rejects when they could not be written. */
  private writeCheckpoints(flush: boolean): Promise<void> {
    const entries = async (): Promise<PartitionCheckpoint[]> => {
      type Offsets = { recoveryPoint: number; logStartOffset: number };
      const results = flush
        ? await this.partitions.broadcast<Offsets>({ t: 'flush' })
        : (await this.partitions.broadcast<{ recoveryPoint: bigint; logStartOffset: bigint }>({ t: 'describe' })).map((r) => ({
            ...r,
            outcome: r.outcome.ok ? { ok: true as const, value: { recoveryPoint: Number(r.outcome.value.recoveryPoint), logStartOffset: Number(r.outcome.value.logStartOffset) } } : r.outcome,
          }));
      const list: PartitionCheckpoint[] = [];
      for (const r of results) {
        if (!r.outcome.ok) continue;
        list.push({ topic: r.topic, partition: r.partition, recoveryPoint: r.outcome.value.recoveryPoint, logStartOffset: r.outcome.value.logStartOffset });
      }
      return list;
    };
    return this.checkpoints.write(entries);
  }

  async topicOrAutoCreate(name: string, allowAutoCreate: boolean): Promise<TopicRecord | { error: string; message: string } | null> {
    const existing = this.controller.topic(name);
    if (existing !== undefined) return existing;
    if (!allowAutoCreate || !this.config.autoCreateTopics) return null;
    const created = await this.controller.createTopic({ name, partitions: -1, replicationFactor: -1 });
    if (created.ok) return created.topic;
    if (created.error === 'TOPIC_ALREADY_EXISTS') return this.controller.topic(name) ?? null;
    return { error: created.error, message: created.message };
  }

  /** Graceful stop: idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Parked fetches answer now with what they have, so connections drain quickly.
    const closing = this.net?.close(SHUTDOWN_GRACE_MS);
    this.fetchWatch.close();
    this.ackWaits.close();
    await closing;
    await this.cleaner?.stop();
    await this.checkpoint(true);
    if (this.config.get('zookeeper.connect') !== null) await this.checkpointHighWatermarks();
    await this.system.stop();
    this.partitions.logs.clear();
    this.dirLock.release();
  }
}
