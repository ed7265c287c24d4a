/**
 * The broker configuration `samsa start` runs with. Later layers win:
 * defaults < --config server.properties < SAMSA_* environment < flags
 * (--port, --data-dir, --listeners, --advertised-listeners, --workers,
 * --broker-id, --http-listener) < --override key=value.
 */
import { readFileSync } from 'node:fs';
import { BrokerConfig, parseProperties } from '../actors/config/index.js';
import { option, UsageError, type ParsedArgs } from './args.js';

export const START_OPTIONS = ['config', 'port', 'data-dir', 'listeners', 'advertised-listeners', 'workers', 'broker-id', 'http-listener', 'override', 'log-level', 'log-format'];

/** SAMSA_LOG_RETENTION_MS=1 -> log.retention.ms; SAMSA_DATA_DIR and SAMSA_PORT as the flags. */
export function environmentProperties(env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SAMSA_') || value === undefined) continue;
    const key = name.slice('SAMSA_'.length).toLowerCase().replace(/_/g, '.');
    if (key === 'data.dir') out.set('log.dir', value);
    else if (key === 'port') out.set('listeners', `PLAINTEXT://127.0.0.1:${value}`);
    else if (key === 'native.addon' || key === 'log.level' || key === 'log.format') continue;
    else out.set(key, value);
  }
  return out;
}

export function flagProperties(args: ParsedArgs): Map<string, string> {
  const out = new Map<string, string>();
  const port = option(args, 'port');
  if (port !== undefined) out.set('listeners', `PLAINTEXT://127.0.0.1:${port}`);
  const listeners = option(args, 'listeners');
  if (listeners !== undefined) out.set('listeners', listeners);
  const advertised = option(args, 'advertised-listeners');
  if (advertised !== undefined) out.set('advertised.listeners', advertised);
  const dataDir = option(args, 'data-dir');
  if (dataDir !== undefined) {
    out.set('log.dir', dataDir);
    out.set('log.dirs', dataDir);
  }
  const workers = option(args, 'workers');
  if (workers !== undefined) out.set('workers', workers);
  const http = option(args, 'http-listener');
  if (http !== undefined) out.set('samsa.http.listener', http);
  const brokerId = option(args, 'broker-id');
  if (brokerId !== undefined) out.set('broker.id', brokerId);
  return out;
}

export function overrideProperties(args: ParsedArgs): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of args.options.get('override') ?? []) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new UsageError(`--override expects key=value, got ${o}`);
    out.set(o.slice(0, eq).trim(), o.slice(eq + 1).trim());
  }
  return out;
}

export function startConfig(args: ParsedArgs, env: NodeJS.ProcessEnv): BrokerConfig {
  const file = option(args, 'config');
  const fileProps = file !== undefined ? parseProperties(readFileSync(file, 'utf8')) : undefined;
  const envProps = environmentProperties(env);
  // A data dir given by flag or env beats log.dirs from the file.
  if (envProps.has('log.dir')) envProps.set('log.dirs', envProps.get('log.dir')!);
  return BrokerConfig.from(fileProps, envProps, flagProperties(args), overrideProperties(args));
}
