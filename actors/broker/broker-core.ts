/** The broker state handlers see. One instance per running broker. */
import type { ApiSurfaceEntry } from '../../protocol/index.js';
import type { BrokerConfig } from '../config/index.js';
import type { Logger } from '../runtime/index.js';
import type { TopicCatalog } from '../controller/catalog.js';
import type { TopicRecord } from '../controller/controller.js';
import type { FetchWatch } from './fetch/fetch-watch.js';
import type { AckWaits } from './ack-waits.js';
import type { FetchSessionCache } from './fetch/session-cache.js';
import type { PartitionRouter } from './partition-router.js';
import type { LogCleaner } from './log-cleaner.js';
import type { GroupsView } from './groups-view.js';
import type { BrokerMetrics } from './metrics/broker-metrics.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export type BrokerLog = Logger;

export interface BrokerCore {
  readonly brokerId: number;
  /** Topics, brokers and leadership: the single node's Controller, or a cluster's catalog. */
  readonly controller: TopicCatalog;
  /** Current configuration (static plus dynamic overrides). */
  readonly config: BrokerConfig;
  /** What Metadata and FindCoordinator give clients. */
  readonly advertised: Endpoint;
  readonly dataDir: string;
  readonly partitions: PartitionRouter;
  readonly fetchWatch: FetchWatch;
  /** acks=-1 produces waiting for the high watermark. */
  readonly ackWaits: AckWaits;
  /** Incremental fetch sessions (KIP-227), kept on the broker thread. */
  readonly fetchSessions: FetchSessionCache;
  readonly surface: readonly ApiSurfaceEntry[];
  readonly log: BrokerLog;
  /** Prometheus metrics (metrics/broker-metrics.ts); its hooks do nothing with samsa.metrics.enable=false. */
  readonly metrics: BrokerMetrics;
  /** The log cleaner; null when log.cleaner.enable=false or log.cleaner.threads=0. */
  readonly cleaner: Pick<LogCleaner, 'describe'> | null;
  /** Set by the group coordinator's extension when it attaches: the broker core cannot import the coordinator it lies under. */
  groupsView?: GroupsView | null;
  now(): number;
  /** Writes the log start (and recovery point) checkpoints now; rejects when they could not be written. */
  checkpointLogStartOffsets(): Promise<void>;
  /** The topic, created with the broker defaults when auto-creation is on; null when unknown. */
  topicOrAutoCreate(name: string, allowAutoCreate: boolean): Promise<TopicRecord | { error: string; message: string } | null>;
}
