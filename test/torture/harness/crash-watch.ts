/** A logger for in-process brokers that keeps what the actor runtime says about crashes (inline and pool workers alike). */
import type { Logger } from '../../../actors/runtime/index.js';

export function crashWatch(): { logger: Logger; crashes: string[] } {
  const crashes: string[] = [];
  const keep = (msg: string, fields?: Record<string, unknown>) => {
    if (/actor (crashed|failed)/.test(msg)) crashes.push(`${msg} ${JSON.stringify(fields, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  };
  return { logger: { debug: () => undefined, info: () => undefined, warn: keep, error: keep }, crashes };
}
