/** `samsa start`: run a broker in the foreground until SIGTERM, SIGINT or SIGHUP. */
import { resolve } from 'node:path';
import { Broker } from '../actors/broker/broker.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { pinoLogger, type LogFormat, type LogLevel } from '../actors/runtime/index.js';
import { standardExtensions } from '../actors/standard-extensions.js';
import { onlyOptions, option, UsageError, type ParsedArgs } from './args.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function logLevel(value: string): LogLevel {
  if (!(LEVELS as readonly string[]).includes(value)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got ${value}`);
  return value as LogLevel;
}

/** Unset: pretty on a terminal, JSON otherwise. */
function logFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined) return undefined;
  if (value !== 'json' && value !== 'pretty') throw new UsageError(`--log-format must be json or pretty, got ${value}`);
  return value;
}
import { START_OPTIONS, startConfig } from './start-config.js';
import { startHttpListener } from '../http/http-listener.js';

export async function startCommand(args: ParsedArgs): Promise<void> {
  onlyOptions(args, START_OPTIONS);
  const config = startConfig(args, process.env);
  const logger = pinoLogger({ level: logLevel(option(args, 'log-level') ?? process.env.SAMSA_LOG_LEVEL ?? 'info'), format: logFormat(option(args, 'log-format') ?? process.env.SAMSA_LOG_FORMAT) });
  for (const w of config.warnings) logger.warn(`config ${w.property}: ${w.message}`);
  const t0 = performance.now();
  // With zookeeper.connect the broker joins that cluster; without, it is the single node.
  const node = config.get('zookeeper.connect') === null ? null : await ClusterNode.start({ config, logger, extensions: standardExtensions() });
  const broker = node?.broker ?? (await Broker.start({ config, logger, extensions: standardExtensions() }));
  const address = config.get('samsa.http.listener') as string | null;
  const http = address ? await startHttpListener(broker, address, logger) : null;
  const stop = async () => {
    await http?.close();
    await (node !== null ? node.stop() : broker.stop());
  };
  const ms = (performance.now() - t0).toFixed(0);
  process.stdout.write(
    `samsa broker ${broker.brokerId} listening on ${broker.boundPorts.map((p, i) => `${config.listeners[i]!.replace(/:\d+$/, '')}:${p}`).join(', ')} ` +
      `(advertised ${broker.advertised.host}:${broker.advertised.port}${node !== null ? `, cluster ${broker.controller.clusterId} via ${config.get('zookeeper.connect')}` : ''}, data ${resolve(config.logDir)}, workers ${config.workers}${http ? `, console and metrics at ${http.url}` : ''}, started in ${ms} ms)\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // After a hangup the terminal may be gone: a failed log write must not cut the graceful stop short.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    logger.info(`${signal}: shutting down`);
    stop().then(
      () => {
        process.stdout.write('samsa broker stopped\n');
        process.exit(0);
      },
      (err) => {
        logger.error(`shutdown failed: ${(err as Error).stack ?? err}`);
        process.exit(1);
      },
    );
  };
  // SIGHUP too (a closed terminal or ssh session): Node's default for it is to die on the spot,
  // without the checkpoints; Kafka's broker stops gracefully on all three.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
}
