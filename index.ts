/**
 * Embedding samsa: start a broker inside a Node process.
 *
 *   const broker = await startBroker({ dataDir: './data', listeners: 'PLAINTEXT://127.0.0.1:0' });
 *   // clients connect to broker.bootstrap
 *   await broker.stop();
 *
 * Options are Kafka's property names ('num.partitions') or their camelCase
 * forms (numPartitions), plus `dataDir` (log.dir), `port` (a PLAINTEXT
 * listener on 127.0.0.1) and `workers`. With `zookeeper.connect` the broker
 * joins that ZooKeeper-mode cluster; with `samsa.http.listener`
 * ('http://127.0.0.1:9644') it serves metrics, the admin API and the console.
 */
import { Broker, type BrokerExtension } from './actors/broker/broker.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { BrokerConfig } from './actors/config/index.js';
import { pinoLogger, silentLogger, type Logger, type LogLevel } from './actors/runtime/index.js';
import { standardExtensions } from './actors/standard-extensions.js';
import { startHttpListener } from './http/http-listener.js';

export { BrokerConfig, ConfigError } from './actors/config/index.js';
export type { Logger } from './actors/runtime/index.js';
export type { BrokerExtension } from './actors/broker/broker.js';

export interface StartBrokerOptions {
  /** Data directory (Kafka's log.dir). Default ./.samsa-data */
  dataDir?: string;
  /** Listen on PLAINTEXT://127.0.0.1:<port>; 0 picks a free port. Ignored when `listeners` is given. */
  port?: number;
  /** Worker threads for partition actors; 0 (default) runs everything on the calling thread. */
  workers?: number;
  /** A level for samsa's own logger (pino: JSON lines on stderr, pretty on a terminal; default 'warn'), 'silent', or your Logger (its child(), when it has one, names each component). */
  logger?: Logger | 'silent' | LogLevel;
  /** Pieces that register actors and API handlers before the broker listens, after the standard ones (consumer groups). */
  extensions?: readonly BrokerExtension[];
  /** Any broker property: Kafka names or camelCase. */
  [property: string]: unknown;
}

export interface RunningBroker {
  /** host:port for clients' bootstrap.servers */
  readonly bootstrap: string;
  readonly port: number;
  readonly dataDir: string;
  readonly config: BrokerConfig;
  /** The HTTP listener's address (metrics, admin API, console) as bound; null without samsa.http.listener. */
  readonly http: string | null;
  stop(): Promise<void>;
}

export function brokerConfigFrom(options: StartBrokerOptions): BrokerConfig {
  const { dataDir, port, logger: _logger, extensions: _extensions, ...properties } = options;
  const derived: Record<string, unknown> = {};
  if (dataDir !== undefined) derived['log.dir'] = dataDir;
  if (port !== undefined && properties.listeners === undefined) derived.listeners = `PLAINTEXT://127.0.0.1:${port}`;
  return BrokerConfig.from(derived, properties);
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const config = brokerConfigFrom(options);
  const logger = typeof options.logger === 'object' ? options.logger : options.logger === 'silent' ? silentLogger : pinoLogger({ level: options.logger ?? 'warn' });
  for (const w of config.warnings) logger.warn(`config ${w.property}: ${w.message}`);
  const extensions = [...standardExtensions(), ...(options.extensions ?? [])];
  // With zookeeper.connect the broker joins that cluster (docs/cluster.md), as `samsa start` does.
  const node = config.get('zookeeper.connect') === null ? null : await ClusterNode.start({ config, logger, extensions });
  const broker = node?.broker ?? (await Broker.start({ config, logger, extensions }));
  const stopBroker = () => (node !== null ? node.stop() : broker.stop());
  const address = config.get('samsa.http.listener') as string | null;
  const http = address ? await startHttpListener(broker, address, logger).catch(async (err) => {
    await stopBroker();
    throw err;
  }) : null;
  return {
    bootstrap: `${broker.advertised.host}:${broker.advertised.port}`,
    port: broker.boundPorts[0]!,
    dataDir: config.logDir,
    config,
    http: http?.url ?? null,
    stop: async () => {
      await http?.close();
      await stopBroker();
    },
  };
}
