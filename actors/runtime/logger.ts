// Structured logging seam. The runtime logs through the Logger given to
// ActorSystem.start; actors on workers log through a proxy that forwards each
// record to the main thread's logger.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function consoleLogger(minLevel: LogLevel = 'warn'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return;
    process.stderr.write(`${level} ${msg}${fields ? ' ' + safeJson(fields) : ''}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

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
