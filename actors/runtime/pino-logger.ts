/**
 * The broker's structured logger: pino, JSON lines on stderr by default,
 * pretty (pino-pretty, synchronous) when asked or when stderr is a terminal.
 * Wrapped in the runtime's Logger interface (message first, then fields), so
 * an embedding user's own logger fits the same seam.
 */
import { pino, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';
import type { Logger, LogLevel } from './logger.js';

export type LogFormat = 'json' | 'pretty';

export interface PinoLoggerOptions {
  readonly level?: LogLevel;
  /** Default: pretty when stderr is a terminal, else json. */
  readonly format?: LogFormat;
  /** Where lines go; default stderr (fd 2). */
  readonly destination?: NodeJS.WritableStream;
}

export function pinoLogger(o: PinoLoggerOptions = {}): Logger {
  const format = o.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const options = { level: o.level ?? 'info', base: { pid: process.pid }, serializers: { err: pino.stdSerializers.err } };
  const stream =
    format === 'pretty'
      ? pretty({ colorize: o.destination === undefined && process.stderr.isTTY === true, sync: true, destination: o.destination ?? 2, ignore: 'pid,hostname' })
      : (o.destination ?? pino.destination({ fd: 2, sync: true }));
  return wrap(pino(options, stream));
}

/** bigints (offsets) are written as decimal strings: JSON has no bigint. */
function plain(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (fields === undefined) return {};
  let copy: Record<string, unknown> | null = null;
  for (const k in fields) {
    if (typeof fields[k] === 'bigint') (copy ??= { ...fields })[k] = String(fields[k]);
  }
  return copy ?? fields;
}

function wrap(p: Pino): Logger {
  return {
    debug: (msg, fields) => p.debug(plain(fields), msg),
    info: (msg, fields) => p.info(plain(fields), msg),
    warn: (msg, fields) => p.warn(plain(fields), msg),
    error: (msg, fields) => p.error(plain(fields), msg),
    child: (bindings) => wrap(p.child(plain(bindings))),
  };
}
