// The ActorSystem: kinds, placement, refs, jobs and the lifecycle, seen from
// the main thread. Inline actors live in the main thread's ActorHost; pool
// actors live on the worker chosen by xxhash64(key) mod workers.
import { randomUUID } from 'node:crypto';
import { formatAddress } from './address.js';
import { ActorHost, defaultMaxActorsPerHost, type MailboxStats } from './actor-host.js';
import type { ActorRef, AskManyItem, AskManyOptions, AskOutcome, BehaviourFactory } from './behaviour.js';
import { ManualClock, realClock, type Clock } from './clock.js';
import { Dispatcher, type Route } from './dispatcher.js';
import { ActorStoppedError, UnknownKindError, WorkerLostError } from './errors.js';
import { BehaviourLoader, loadExport, toKindSpec, type KindOptions, type KindSpec } from './kinds.js';
import { consoleLogger, type Logger } from './logger.js';
import { workerIndexForKey } from './placement.js';
import { MAIN, type FromWorker } from './wire.js';
import type { JobQueueStats, WorkerPool } from './worker-pool.js';

export interface ActorSystemOptions {
  /** pool workers; 0 runs every kind inline (default 0) */
  workers?: number;
  clock?: Clock;
  logger?: Logger;
  /** default timeout of ask and askMany; default 30 000 */
  askTimeoutMs?: number;
  /** actors one thread may host; activation past it rejects with ActorLimitError */
  maxActorsPerHost?: number;
  /** stateless jobs (runJob) one worker runs at once beside its actors; default 1 */
  jobsPerWorker?: number;
}

export const defaultAskTimeoutMs = 30_000;
export const maxWorkers = 256;

export interface ActorSystemStats {
  /** postMessage calls from the main thread to each worker */
  postedToWorker: number[];
  deadLetters: number;
  pendingAsks: number;
  inlineActors: number;
}

export class ActorSystem {
  readonly workers: number;
  readonly clock: Clock;
  readonly log: Logger;
  #specs = new Map<string, KindSpec>();
  #closedKinds = new Set<string>();
  #loader = new BehaviourLoader();
  #host: ActorHost;
  #dispatcher: Dispatcher;
  #pool: WorkerPool | null = null;
  #unsubscribeClock: (() => void) | null = null;
  /** Operations awaiting a worker's answer, by id. */
  #ops = new Map<number, (m: FromWorker) => void>();
  #nextOpId = 1;
  #workerDeadLetters = 0;
  #stopping: Promise<void> | null = null;
  /** Unique per system; actors key any per-thread state of theirs by it. */
  readonly id = randomUUID();

  private constructor(opts: ActorSystemOptions) {
    const workers = opts.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0 || workers > maxWorkers) throw new RangeError(`workers must be an integer in 0..${maxWorkers}, got ${workers}`);
    this.workers = workers;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? consoleLogger();
    const askTimeoutMs = opts.askTimeoutMs ?? defaultAskTimeoutMs;
    this.#host = new ActorHost(
      {
        clock: this.clock,
        log: this.log,
        workerIndex: MAIN,
        systemId: this.id,
        deadLetter: (a, reason) => this.#dispatcher.deadLetter(a, reason),
        router: { ref: (kind, key) => this.ref(kind, key), askMany: (items, o) => this.askMany(items, o) },
      },
      this.#loader,
      opts.maxActorsPerHost ?? defaultMaxActorsPerHost,
    );
    this.#dispatcher = new Dispatcher({
      selfIndex: MAIN,
      host: this.#host,
      clock: this.clock,
      askTimeoutMs,
      route: (kind, key) => this.#route(kind, key),
      routeIsStable: (kind) => this.#specs.has(kind),
      checkOpen: (kind) => {
        if (this.#closedKinds.has(kind)) throw new ActorStoppedError(`kind ${kind} is stopping`);
      },
      postDeliver: (link, from, items, transfer) => this.#pool!.deliver(link, from, items, transfer),
      postOutcomes: (to, outcomes, transfer) => this.#pool!.post(to, { t: 'outcomes', outcomes }, transfer),
    });
  }

  static async start(opts: ActorSystemOptions = {}): Promise<ActorSystem> {
    const system = new ActorSystem(opts);
    await system.#startPool(opts);
    return system;
  }

  async #startPool(opts: ActorSystemOptions): Promise<void> {
    if (this.workers === 0) return;
    // piscina is loaded only for a pool: an all-inline system (the embedding default) starts without it.
    const { WorkerPool } = await import('./worker-pool.js');
    const clock = this.clock;
    const pool = new WorkerPool({
      workers: this.workers,
      jobsPerWorker: opts.jobsPerWorker ?? 1,
      hostArgs: (workerIndex, port) => ({
        port,
        workerIndex,
        workers: this.workers,
        systemId: this.id,
        kinds: [...this.#specs.values()],
        clock: clock instanceof ManualClock ? { mode: 'manual', nowMs: clock.now() } : { mode: 'real' },
        askTimeoutMs: opts.askTimeoutMs ?? defaultAskTimeoutMs,
        maxActorsPerHost: opts.maxActorsPerHost ?? defaultMaxActorsPerHost,
      }),
      onMessage: (i, m) => this.#onWorkerMessage(i, m),
      onUndeliverable: (items, err) => this.#dispatcher.failDelivery(items, err),
      onHostLost: (i, err) => {
        this.log.error('pool worker lost; restarting its host', { worker: i, err: String(err) });
        this.#dispatcher.rejectPending(new WorkerLostError(`worker ${i} exited: ${String(err)}`), i);
      },
    });
    this.#pool = pool;
    if (clock instanceof ManualClock) {
      // workers mirror the manual clock; the advance reaches each worker in
      // order with the messages sent before and after it
      this.#unsubscribeClock = clock.onAdvance((nowMs) => {
        for (let i = 0; i < pool.size; i++) pool.post(i, { t: 'clock', nowMs });
      });
    }
    await pool.start();
  }

  #onWorkerMessage(i: number, m: FromWorker): void {
    switch (m.t) {
      case 'deliver':
        this.#dispatcher.onDeliver(m.from, m.items);
        break;
      case 'outcomes':
        if (m.to === MAIN) this.#dispatcher.onOutcomes(m.outcomes);
        else this.#pool!.post(m.to, { t: 'outcomes', outcomes: m.outcomes }, collectOutcomeBuffers(m.outcomes));
        break;
      case 'log':
        this.log[m.level](m.msg, { worker: i, ...m.fields });
        break;
      case 'deadLetters':
        this.#workerDeadLetters += m.count;
        break;
      case 'closed':
      case 'mailboxes':
        this.#ops.get(m.opId)?.(m);
        break;
      case 'ready':
        break;
    }
  }

  #route(kind: string, key: string): Route {
    const spec = this.#specs.get(kind);
    if (!spec) throw new UnknownKindError(`no actor kind ${kind} registered`);
    if (spec.placement === 'pool' && this.#pool) return { local: false, link: workerIndexForKey(key, this.workers, spec.placementRule) };
    return { local: true };
  }

  /** Declares a kind. Actors of it activate on their first message. */
  register<M, R>(kind: string, opts: KindOptions<M, R>): void {
    if (this.#stopping) throw new ActorStoppedError('actor system is stopping');
    if (this.#specs.has(kind)) throw new TypeError(`actor kind ${kind} is already registered`);
    const spec = toKindSpec(kind, opts as KindOptions);
    if (opts.factory) this.#loader.setInlineFactory(kind, opts.factory as BehaviourFactory);
    this.#specs.set(kind, spec);
    this.#host.addKind(spec);
    if (this.#pool) for (let i = 0; i < this.#pool.size; i++) this.#pool.post(i, { t: 'register', spec });
  }

  ref<M, R = unknown>(kind: string, key: string): ActorRef<M, R> {
    return this.#dispatcher.ref<M, R>(kind, key);
  }

  /**
   * Asks many actors in one go: one postMessage per destination worker (and
   * one reply message back from it), outcomes in item order. Never rejects.
   */
  askMany<R = unknown>(items: AskManyItem[], opts?: AskManyOptions): Promise<AskOutcome<R>[]> {
    return this.#dispatcher.askMany<R>(items, opts);
  }

  /** Worker index that hosts kind/key, or -1 when it runs on the main thread. */
  workerIndexOf(kind: string, key: string): number {
    const r = this.#route(kind, key);
    return r.local ? MAIN : r.link;
  }

  /**
   * Runs a stateless function exported by a module on any free worker (on the
   * main thread when there are no workers). The export receives args and may
   * be async.
   */
  async runJob<T>(module: string | URL, exportName: string, args: unknown, opts: { transfer?: ArrayBuffer[] } = {}): Promise<T> {
    if (this.#stopping) throw new ActorStoppedError('actor system is stopping');
    const moduleUrl = toKindSpec('job', { module, exportName }).moduleUrl!;
    if (!this.#pool) {
      const fn = await loadExport<(a: unknown) => unknown>(moduleUrl, exportName);
      return (await fn(opts.transfer?.length ? structuredClone(args, { transfer: opts.transfer }) : args)) as T;
    }
    return this.#pool.runJob<T>({ moduleUrl, exportName, args }, opts.transfer);
  }

  /**
   * Mailboxes by kind and thread (-1: the main thread). A worker that does not
   * answer within `timeoutMs` (busy, or lost) is left out.
   */
  async mailboxes(timeoutMs = 1_000): Promise<Array<MailboxStats & { readonly thread: number }>> {
    const out: Array<MailboxStats & { thread: number }> = this.#host.mailboxes().map((m) => ({ ...m, thread: MAIN }));
    const pool = this.#pool;
    if (pool === null || this.#stopping) return out;
    const asks: Promise<void>[] = [];
    for (let i = 0; i < pool.size; i++) {
      const opId = this.#nextOpId++;
      asks.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.#ops.delete(opId);
            resolve();
          }, timeoutMs);
          this.#ops.set(opId, (m) => {
            this.#ops.delete(opId);
            clearTimeout(timer);
            if (m.t === 'mailboxes') for (const x of m.mailboxes) out.push({ ...x, thread: i });
            resolve();
          });
        }),
      );
      pool.post(i, { t: 'mailboxes', opId });
    }
    await Promise.all(asks);
    return out;
  }

  /** The pool's stateless-job queue (null without workers): waiting tasks and piscina's wait-time summary, ms. */
  jobQueue(): JobQueueStats | null {
    return this.#pool?.jobQueue() ?? null;
  }

  stats(): ActorSystemStats {
    return {
      postedToWorker: this.#pool ? [...this.#pool.posted] : [],
      deadLetters: this.#dispatcher.deadLetters + this.#workerDeadLetters,
      pendingAsks: this.#dispatcher.pendingAsks,
      inlineActors: this.#host.size,
    };
  }

  /**
   * Stops kinds in reverse registration order (callers first, then what they
   * call): each stops accepting, drains its mailboxes and runs stop() of its
   * actors; then pending asks are rejected and the pool is destroyed.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    for (const spec of [...this.#specs.values()].reverse()) {
      this.#closedKinds.add(spec.kind);
      if (spec.placement === 'pool' && this.#pool) await this.#closeOnWorkers(spec.kind);
      else await this.#host.closeKind(spec.kind);
    }
    this.#dispatcher.rejectPending(new ActorStoppedError('actor system stopped'));
    this.#unsubscribeClock?.();
    await this.#pool?.stop();
  }

  #closeOnWorkers(kind: string): Promise<void> {
    const pool = this.#pool!;
    const closes: Promise<void>[] = [];
    for (let i = 0; i < pool.size; i++) {
      const opId = this.#nextOpId++;
      closes.push(
        new Promise<void>((resolve) => {
          this.#ops.set(opId, () => {
            this.#ops.delete(opId);
            resolve();
          });
        }),
      );
      pool.post(i, { t: 'close', kind, opId });
    }
    return Promise.all(closes).then(() => undefined);
  }

  toString(): string {
    return `ActorSystem(workers=${this.workers}, kinds=${[...this.#specs.keys()].map((k) => formatAddress({ kind: k, key: '*' })).join(',')})`;
  }
}

/** Buffers inside forwarded replies travel on transferred, not copied. */
function collectOutcomeBuffers(outcomes: { ok: boolean; value?: unknown }[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number): void => {
    if (depth > 3 || v === null || typeof v !== 'object') return;
    if (v instanceof ArrayBuffer) out.add(v);
    else if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
    } else for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x, depth + 1);
  };
  for (const o of outcomes) if (o.ok) visit(o.value, 0);
  return [...out];
}
