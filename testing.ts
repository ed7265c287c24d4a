/**
 * samsa/testing: a throwaway broker for test suites. Ephemeral port, fresh
 * temporary data directory removed on stop, silent logs.
 *
 * `workers` defaults to the SAMSA_TEST_WORKERS environment variable (else 0),
 * so a whole suite can be run once inline and once on the worker pool without
 * touching its code.
 *
 *   const broker = await startTestBroker();
 *   const kafka = new Kafka({ brokers: [broker.bootstrap] });
 *   ...
 *   await broker.stop();
 *
 * startTestCluster starts a ZooKeeper-mode cluster of real processes:
 *
 *   const c = await startTestCluster({ brokers: 3 });
 *   const kafka = new Kafka({ brokers: c.bootstrap.split(',') });
 *   await c.cluster.killBroker(2);   // SIGKILL; c.cluster.startBroker(2) brings it back
 *   await c.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from './cluster/local/local-cluster.js';
import { zookeeperMissing } from './cluster/zookeeper/server-process.js';
import { startBroker, type RunningBroker, type StartBrokerOptions } from './index.js';

export { LocalCluster };

export interface TestBroker extends RunningBroker {
  /** Stops the broker without removing its data (to start another on the same directory). */
  stopKeepingData(): Promise<void>;
}

export async function startTestBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'samsa-test-'));
  const owned = options.dataDir === undefined;
  const broker = await startBroker({ logger: 'silent', port: 0, workers: workersFromEnv(), ...options, dataDir }).catch((err) => {
    if (owned) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...broker,
    async stop() {
      await broker.stop();
      if (owned) rmSync(dataDir, { recursive: true, force: true });
    },
    stopKeepingData: () => broker.stop(),
  };
}

function workersFromEnv(): number {
  const raw = process.env.SAMSA_TEST_WORKERS;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`SAMSA_TEST_WORKERS must be a non-negative integer, got ${raw}`);
  return n;
}

export interface TestClusterOptions {
  /** Brokers (default 3). */
  readonly brokers?: number;
  /** ZooKeeper servers: 1 (default) or 3. */
  readonly zookeepers?: number;
  /** zookeeper.session.timeout.ms of the brokers (default 6000): how soon a killed broker is noticed. */
  readonly sessionTimeoutMs?: number;
  /** More broker properties. */
  readonly overrides?: Readonly<Record<string, string | number | boolean>>;
}

export interface TestCluster {
  /** host:port of every running broker. */
  readonly bootstrap: string;
  /** The real processes: kill, restart, pause brokers and ZooKeeper servers. */
  readonly cluster: LocalCluster;
  /** Stops every process and removes the data. */
  stop(): Promise<void>;
}

/**
 * A real cluster for a test suite: ZooKeeper (the Debian `zookeeper`
 * package's server) and brokers as processes, data in a temporary directory.
 * Rejects with the reason when ZooKeeper cannot run here.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const missing = zookeeperMissing();
  if (missing !== null) throw new Error(`startTestCluster: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), 'samsa-test-cluster-'));
  const cluster = await LocalCluster.start({ dir, brokers: options.brokers ?? 3, zookeepers: options.zookeepers ?? 1, sessionTimeoutMs: options.sessionTimeoutMs ?? 6_000, overrides: options.overrides ?? {}, workers: workersFromEnv() }).catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    get bootstrap() {
      return cluster.bootstrap;
    },
    cluster,
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
