/** `samsa start`: run a broker in the foreground until SIGTERM, SIGINT or SIGHUP. */
import { resolve } from 'node:path';
import { Broker } from '../actors/broker/broker.js';
import { consoleLogger, type LogLevel } from '../actors/runtime/index.js';
import { standardExtensions } from '../actors/standard-extensions.js';
import { onlyOptions, option, type ParsedArgs } from './args.js';
import { START_OPTIONS, startConfig } from './start-config.js';

export async function startCommand(args: ParsedArgs): Promise<void> {
  onlyOptions(args, START_OPTIONS);
  const config = startConfig(args, process.env);
  const logger = consoleLogger((option(args, 'log-level') ?? process.env.SAMSA_LOG_LEVEL ?? 'info') as LogLevel);
  for (const w of config.warnings) logger.warn(`config ${w.property}: ${w.message}`);
  const t0 = performance.now();
  const broker = await Broker.start({ config, logger, extensions: standardExtensions() });
  const ms = (performance.now() - t0).toFixed(0);
  process.stdout.write(
    `samsa broker ${broker.brokerId} listening on ${broker.boundPorts.map((p, i) => `${config.listeners[i]!.replace(/:\d+$/, '')}:${p}`).join(', ')} ` +
      `(advertised ${broker.advertised.host}:${broker.advertised.port}, data ${resolve(config.logDir)}, workers ${config.workers}, started in ${ms} ms)\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // After a hangup the terminal may be gone: a failed log write must not cut the graceful stop short.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    logger.info(`${signal}: shutting down`);
    broker.stop().then(
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
