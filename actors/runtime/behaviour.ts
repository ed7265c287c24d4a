// What an actor author writes (a Behaviour) and what the runtime hands it (an
// ActorContext, refs to other actors). An actor is a behaviour over its own
// state; the runtime owns the loop, the mailbox and the restarts.
import type { ActorAddress } from './address.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

export interface TellOptions {
  /** ArrayBuffers whose ownership moves to the receiver (the sender's copies are detached) */
  transfer?: ArrayBuffer[];
}

export interface AskOptions extends TellOptions {
  /** reject with AskTimeoutError if no reply within this many ms (default: the system's askTimeoutMs) */
  timeoutMs?: number;
}

/** A typed handle to an actor: M is what it accepts, R what its asks resolve to. */
export interface ActorRef<M, R = unknown> {
  readonly address: ActorAddress;
  /** fire-and-forget; a message to a full mailbox or a stopped actor is dropped and counted as a dead letter */
  tell(msg: M, opts?: TellOptions): void;
  ask(msg: M, opts?: AskOptions): Promise<R>;
}

export interface AskManyItem<M = unknown> {
  ref: ActorRef<M, unknown>;
  msg: M;
  transfer?: ArrayBuffer[];
}

export type AskOutcome<R = unknown> = { ok: true; value: R } | { ok: false; error: Error };

export interface AskManyOptions {
  timeoutMs?: number;
}

export interface Cancellable {
  cancel(): void;
}

export interface ActorContext<M = unknown> {
  readonly address: ActorAddress;
  readonly self: ActorRef<M, unknown>;
  readonly clock: Clock;
  readonly log: Logger;
  /** pool worker index hosting this actor, or -1 on the main thread */
  readonly workerIndex: number;
  /**
   * Identity of the actor system, the same on all its threads. State an actor
   * keeps outside itself (module level, per thread) must be keyed by it: one
   * process may run several systems (several embedded brokers) whose actors
   * have the same addresses.
   */
  readonly systemId: string;
  ref<M2, R2 = unknown>(kind: string, key: string): ActorRef<M2, R2>;
  /**
   * Asks several actors at once: one postMessage per destination worker,
   * one outcome per item in item order. Never rejects.
   */
  askMany<R = unknown>(items: AskManyItem[], opts?: AskManyOptions): Promise<AskOutcome<R>[]>;
  /** tells self msg after delayMs on the clock; cancelled when the actor restarts or stops */
  schedule(delayMs: number, msg: M): Cancellable;
}

const replyBrand = Symbol('samsa.reply');

/** A reply whose ArrayBuffers move to the asker instead of being copied. */
export interface TransferReply<R> {
  readonly [replyBrand]: true;
  readonly value: R;
  readonly transfer: ArrayBuffer[];
}

export function withTransfer<R>(value: R, transfer: ArrayBuffer[]): TransferReply<R> {
  return { [replyBrand]: true, value, transfer };
}

export function isTransferReply(v: unknown): v is TransferReply<unknown> {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[replyBrand] === true;
}

export type HandleResult<R> = R | TransferReply<R> | Promise<R | TransferReply<R>>;

export interface Behaviour<M = unknown, R = unknown> {
  /** loads state (open the log, replay); runs before the first message and after every restart */
  start?(ctx: ActorContext<M>): void | Promise<void>;
  /** one message at a time; the next starts only after this one (and its promise) settles */
  handle(msg: M, ctx: ActorContext<M>): HandleResult<R>;
  /** releases resources; also called before a restart, after a crash */
  stop?(ctx: ActorContext<M>): void | Promise<void>;
}

/** What a behaviour module exports: a class taking the address, or a factory function. */
export type BehaviourFactory<M = unknown, R = unknown> =
  | (new (address: ActorAddress) => Behaviour<M, R>)
  | ((address: ActorAddress) => Behaviour<M, R>);

export function instantiate<M, R>(factory: BehaviourFactory<M, R>, address: ActorAddress): Behaviour<M, R> {
  const proto = (factory as { prototype?: { handle?: unknown } }).prototype;
  if (proto && typeof proto.handle === 'function') {
    return new (factory as new (address: ActorAddress) => Behaviour<M, R>)(address);
  }
  return (factory as (address: ActorAddress) => Behaviour<M, R>)(address);
}
