// Structured logging seam. The runtime logs through the Logger given to
// ActorSystem.start; actors on workers log through a proxy that forwards each
// record to the main thread's logger.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `bindings` too (a component, a partition); optional for a user's logger. */
  child?(bindings: Record<string, unknown>): Logger;
}

/** `log` with `bindings` on every line: its own child() when it has one, else the fields merged in. */
export function childLogger(log: Logger, bindings: Record<string, unknown>): Logger {
  if (typeof log.child === 'function') return log.child(bindings);
  const merge = (fields?: Record<string, unknown>) => (fields === undefined ? bindings : { ...bindings, ...fields });
  return {
    debug: (m, f) => log.debug(m, merge(f)),
    info: (m, f) => log.info(m, merge(f)),
    warn: (m, f) => log.warn(m, merge(f)),
    error: (m, f) => log.error(m, merge(f)),
    child: (more) => childLogger(log, { ...bindings, ...more }),
  };
}

export function consoleLogger(minLevel: LogLevel = 'warn'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return;
    process.stderr.write(`${level} ${msg}${fields ? ' ' + safeJson(fields) : ''}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };

export function logAt(logger: Logger, level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  logger[level](msg, fields);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Error ? { name: x.name, message: x.message } : x));
  } catch {
    return '[unserializable fields]';
  }
}
