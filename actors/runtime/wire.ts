// Messages on the MessagePort between the main thread and one pool worker.
// Everything is plain data plus transferred ArrayBuffers. A delivery carries
// every message for that worker from one request; its asks are answered with
// one outcomes message once all of them have settled.
import type { KindSpec } from './kinds.js';
import type { LogLevel } from './logger.js';
import type { WireError } from './errors.js';
import type { MailboxStats } from './actor-host.js';

/** Index of the main thread where a worker index is expected. */
export const MAIN = -1;

export interface WireDelivery {
  kind: string;
  key: string;
  msg: unknown;
  /** 0 for a tell; otherwise unique per asking thread */
  reqId: number;
}

export type WireOutcome = { reqId: number; ok: true; value: unknown } | { reqId: number; ok: false; error: WireError };

export type ToWorker =
  | { t: 'register'; spec: KindSpec }
  /** from: the asking thread (MAIN or a worker index), where the outcomes go */
  | { t: 'deliver'; from: number; items: WireDelivery[] }
  | { t: 'outcomes'; outcomes: WireOutcome[] }
  | { t: 'clock'; nowMs: number }
  | { t: 'close'; kind: string; opId: number }
  | { t: 'mailboxes'; opId: number }
  | { t: 'shutdown' };

export type FromWorker =
  | { t: 'ready'; threadId: number }
  /** deliveries for actors not on this worker; the main thread routes them */
  | { t: 'deliver'; from: number; items: WireDelivery[] }
  | { t: 'outcomes'; to: number; outcomes: WireOutcome[] }
  | { t: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> }
  | { t: 'deadLetters'; count: number }
  | { t: 'closed'; opId: number }
  | { t: 'mailboxes'; opId: number; mailboxes: MailboxStats[] };

/** Arguments of the long-lived host task started once per worker. */
export interface HostTaskArgs {
  port: import('node:worker_threads').MessagePort;
  workerIndex: number;
  workers: number;
  systemId: string;
  kinds: KindSpec[];
  clock: { mode: 'real' } | { mode: 'manual'; nowMs: number };
  askTimeoutMs: number;
  maxActorsPerHost: number;
}

export interface JobTaskArgs {
  moduleUrl: string;
  exportName: string;
  args: unknown;
}
