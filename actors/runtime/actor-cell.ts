// One running actor: its mailbox, the one-message-at-a-time loop, and its
// supervisor (crash -> stop -> backoff -> start again from durable state, or
// failed past the restart intensity).
import { formatAddress, type ActorAddress } from './address.js';
import { instantiate, isTransferReply, type ActorContext, type Behaviour, type BehaviourFactory, type Cancellable } from './behaviour.js';
import { BoundedQueue } from './bounded-queue.js';
import type { Clock, TimerHandle } from './clock.js';
import { ActorFailedError, ActorStoppedError, MailboxFullError, isOperational } from './errors.js';
import type { KindSpec } from './kinds.js';
import type { Logger } from './logger.js';
import { RestartTracker } from './restart-policy.js';
import type { ReplySink } from './reply-sink.js';
import type { Router } from './router.js';

interface Envelope {
  msg: unknown;
  sink: ReplySink | null;
}

export interface CellEnv {
  clock: Clock;
  log: Logger;
  router: Router;
  workerIndex: number;
  /** identity of the ActorSystem this cell belongs to (the same on its workers) */
  systemId: string;
  deadLetter(address: ActorAddress, reason: string): void;
}

type CellState = 'starting' | 'running' | 'backoff' | 'failed' | 'stopped';

export class ActorCell {
  readonly address: ActorAddress;
  #spec: KindSpec;
  #env: CellEnv;
  #load: () => Promise<BehaviourFactory>;
  #mailbox: BoundedQueue<Envelope>;
  #tracker: RestartTracker;
  #state: CellState = 'starting';
  #closing = false;
  #looping = false;
  #behaviour: Behaviour | null = null;
  #ctx: ActorContext;
  #timers = new Set<TimerHandle>();
  #backoffTimer: TimerHandle | null = null;
  #idleWaiters: Array<() => void> = [];
  #failure: Error | null = null;
  /** restarts so far, for observability */
  restarts = 0;

  constructor(address: ActorAddress, spec: KindSpec, env: CellEnv, load: () => Promise<BehaviourFactory>) {
    this.address = address;
    this.#spec = spec;
    this.#env = env;
    this.#load = load;
    this.#mailbox = new BoundedQueue(spec.mailboxCapacity);
    this.#tracker = new RestartTracker(spec.restart);
    this.#ctx = this.#makeContext();
    void this.#activate();
  }

  get state(): CellState {
    return this.#state;
  }

  get queued(): number {
    return this.#mailbox.size;
  }

  /** Queues a message; a refusal is answered at once through the sink (or as a dead letter). */
  enqueue(msg: unknown, sink: ReplySink | null): void {
    let refusal: Error | null = null;
    if (this.#closing || this.#state === 'stopped') refusal = new ActorStoppedError(`${formatAddress(this.address)} is stopping`);
    else if (this.#state === 'failed') refusal = this.#failedError();
    else if (!this.#mailbox.push({ msg, sink })) {
      refusal = new MailboxFullError(`${formatAddress(this.address)} mailbox full (${this.#spec.mailboxCapacity} messages)`);
    }
    if (refusal) {
      if (sink) sink.reject(refusal);
      else this.#env.deadLetter(this.address, refusal.message);
      return;
    }
    if (this.#state === 'running' && !this.#looping) {
      this.#looping = true;
      queueMicrotask(() => void this.#loop());
    }
  }

  /**
   * Stops accepting, lets queued messages finish (unless the actor is waiting
   * out a backoff or has failed: those are rejected), then calls stop().
   */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#closing = true;
    if (this.#state === 'starting' || this.#state === 'running') {
      await new Promise<void>((resolve) => {
        if (this.#isIdle()) resolve();
        else this.#idleWaiters.push(resolve);
      });
    }
    if (this.#backoffTimer !== null) this.#env.clock.clearTimeout(this.#backoffTimer);
    this.#backoffTimer = null;
    this.#rejectQueued(new ActorStoppedError(`${formatAddress(this.address)} stopped`));
    this.#cancelTimers();
    const b = this.#behaviour;
    this.#behaviour = null;
    this.#state = 'stopped';
    if (b?.stop) await this.#stopQuietly(b, 'actor stop failed');
  }

  #isIdle(): boolean {
    return this.#state === 'running' && !this.#looping && this.#mailbox.size === 0;
  }

  async #activate(): Promise<void> {
    this.#state = 'starting';
    try {
      const factory = await this.#load();
      const b = instantiate(factory, this.address);
      // stop() is owed only to a behaviour whose start() completed (as OTP's terminate after init)
      if (b.start) await b.start(this.#ctx);
      this.#behaviour = b;
    } catch (err) {
      this.#crash(err);
      return;
    }
    this.#state = 'running';
    this.#looping = true;
    await this.#loop();
  }

  async #loop(): Promise<void> {
    this.#looping = true;
    try {
      for (;;) {
        if (this.#state !== 'running') return;
        const env = this.#mailbox.shift();
        if (!env) break;
        let result: unknown;
        try {
          result = this.#behaviour!.handle(env.msg, this.#ctx);
          if (result instanceof Promise) result = await result;
        } catch (err) {
          if (env.sink) env.sink.reject(toError(err));
          if (isOperational(err)) continue;
          this.#looping = false;
          this.#crash(err);
          return;
        }
        if (env.sink) {
          try {
            if (isTransferReply(result)) env.sink.resolve(result.value, result.transfer);
            else env.sink.resolve(result);
          } catch (err) {
            // the reply could not be moved (e.g. a transfer of a detached buffer): the asker gets the error
            env.sink.reject(toError(err));
          }
        }
      }
    } finally {
      this.#looping = false;
    }
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Synchronous up to the backoff timer, so the restart is scheduled at the
   * crash's clock time whatever the old behaviour's stop() awaits.
   */
  #crash(err: unknown): void {
    const actor = formatAddress(this.address);
    this.#cancelTimers();
    const b = this.#behaviour;
    this.#behaviour = null;
    const stopped = b?.stop ? this.#stopQuietly(b, 'actor stop after crash failed') : Promise.resolve();
    const backoffMs = this.#tracker.onCrash(this.#env.clock.now());
    if (backoffMs === null || this.#closing) {
      this.#state = 'failed';
      this.#failure = toError(err);
      this.#env.log.error('actor failed', { actor, restarts: this.restarts, err: describe(err) });
      this.#rejectQueued(this.#failedError());
      this.#wakeIdleWaiters();
      return;
    }
    this.#state = 'backoff';
    this.#env.log.warn('actor crashed; restarting', { actor, backoffMs, err: describe(err) });
    this.#backoffTimer = this.#env.clock.setTimeout(() => {
      this.#backoffTimer = null;
      this.restarts++;
      void stopped.then(() => this.#activate());
    }, backoffMs);
  }

  async #stopQuietly(b: Behaviour, what: string): Promise<void> {
    try {
      await b.stop!(this.#ctx);
    } catch (err) {
      this.#env.log.error(what, { actor: formatAddress(this.address), err: describe(err) });
    }
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #failedError(): ActorFailedError {
    const cause = this.#failure ? `: ${this.#failure.message}` : '';
    return new ActorFailedError(`${formatAddress(this.address)} failed after ${this.restarts} restarts${cause}`);
  }

  #rejectQueued(err: Error): void {
    for (let env = this.#mailbox.shift(); env; env = this.#mailbox.shift()) {
      if (env.sink) env.sink.reject(err);
      else this.#env.deadLetter(this.address, err.message);
    }
  }

  #cancelTimers(): void {
    for (const t of this.#timers) this.#env.clock.clearTimeout(t);
    this.#timers.clear();
  }

  #makeContext(): ActorContext {
    const env = this.#env;
    const address = this.address;
    const cell = this;
    const actor = formatAddress(address);
    const log: Logger = {
      debug: (m, f) => env.log.debug(m, { actor, ...f }),
      info: (m, f) => env.log.info(m, { actor, ...f }),
      warn: (m, f) => env.log.warn(m, { actor, ...f }),
      error: (m, f) => env.log.error(m, { actor, ...f }),
    };
    return {
      address,
      self: env.router.ref(address.kind, address.key),
      clock: env.clock,
      log,
      workerIndex: env.workerIndex,
      systemId: env.systemId,
      ref: (kind, key) => env.router.ref(kind, key),
      askMany: (items, opts) => env.router.askMany(items, opts),
      schedule(delayMs: number, msg: unknown): Cancellable {
        const handle: TimerHandle = env.clock.setTimeout(() => {
          cell.#timers.delete(handle);
          cell.enqueue(msg, null);
        }, delayMs);
        cell.#timers.add(handle);
        return {
          cancel() {
            if (cell.#timers.delete(handle)) env.clock.clearTimeout(handle);
          },
        };
      },
    };
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(`non-Error thrown: ${String(err)}`);
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
