// The piscina pool and one MessagePort link per worker. Each worker runs one
// long-lived host task; a custom load balancer puts each host task on a worker
// that has none yet, and sends ordinary jobs to the least busy worker with a
// free job slot.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DeliveryOutbox } from './outbox.js';
import type { FromWorker, HostTaskArgs, JobTaskArgs, ToWorker, WireDelivery } from './wire.js';

export interface WorkerPoolOptions {
  workers: number;
  /** ordinary jobs (runJob) that may run at once on one worker, beside its host task */
  jobsPerWorker: number;
  hostArgs(workerIndex: number, port: MessagePort): HostTaskArgs;
  onMessage(workerIndex: number, m: FromWorker): void;
  /** the host task of a worker ended while the pool was running (the worker died) */
  onHostLost(workerIndex: number, err: unknown): void;
  onUndeliverable(items: WireDelivery[], err: unknown): void;
}

const hostTaskName = 'host';
const jobTaskName = 'runJob';
/** restarts of one worker's host before the pool gives up on that worker */
export const maxHostRestarts = 5;

interface Link {
  port: MessagePort;
  threadId: number;
  ready: Promise<void>;
  done: Promise<void>;
  restarts: number;
}

export interface JobQueueStats {
  readonly queued: number;
  /** Tasks piscina finished (the long-lived host tasks end only at shutdown). */
  readonly completed: number;
  readonly waitP50Ms: number;
  readonly waitP99Ms: number;
  readonly waitMaxMs: number;
}

export class WorkerPool {
  readonly size: number;
  #o: WorkerPoolOptions;
  #piscina: Piscina;
  #links: Link[] = [];
  #outboxes: DeliveryOutbox[] = [];
  #hostedThreadIds = new Set<number>();
  #stopping = false;
  /** postMessage calls per worker, for tests and metrics */
  readonly posted: number[];

  constructor(opts: WorkerPoolOptions) {
    this.size = opts.workers;
    this.#o = opts;
    this.posted = new Array<number>(opts.workers).fill(0);
    const maxUsage = 1 + opts.jobsPerWorker;
    this.#piscina = new Piscina({
      filename: new URL('./host.js', import.meta.url).href,
      minThreads: opts.workers,
      maxThreads: opts.workers,
      idleTimeout: Infinity,
      // piscina's default idle Atomics.wait blocks the worker's event loop, which
      // would stall the host task's MessagePort and timers
      atomics: 'disabled',
      concurrentTasksPerWorker: maxUsage,
      loadBalancer: (task, workers) => {
        if (task.name === hostTaskName) {
          for (const w of workers) {
            if (w.terminating || w.destroyed || this.#hostedThreadIds.has(w.id)) continue;
            this.#hostedThreadIds.add(w.id);
            return w;
          }
          return null;
        }
        let best: (typeof workers)[number] | null = null;
        for (const w of workers) {
          if (w.terminating || w.destroyed || w.currentUsage >= maxUsage) continue;
          if (!best || w.currentUsage < best.currentUsage) best = w;
        }
        return best;
      },
    });
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.size; i++) {
      this.#outboxes.push(new DeliveryOutbox((from, items, transfer) => this.#postNow(i, { t: 'deliver', from, items }, transfer), this.#o.onUndeliverable));
      this.#links.push(this.#startHost(i, 0));
    }
    await Promise.all(this.#links.map((l) => l.ready));
  }

  #startHost(i: number, restarts: number): Link {
    const { port1, port2 } = new MessageChannel();
    let markReady!: () => void;
    const link: Link = { port: port1, threadId: -1, ready: new Promise((r) => (markReady = r)), done: Promise.resolve(), restarts };
    port1.on('message', (m: FromWorker) => {
      if (m.t === 'ready') {
        link.threadId = m.threadId;
        markReady();
        return;
      }
      this.#o.onMessage(i, m);
    });
    link.done = this.#piscina.run(this.#o.hostArgs(i, port2), { name: hostTaskName, transferList: [port2] }).then(
      () => this.#hostEnded(i, link, null),
      (err: unknown) => this.#hostEnded(i, link, err ?? new Error('host task ended')),
    );
    return link;
  }

  #hostEnded(i: number, link: Link, err: unknown): void {
    this.#hostedThreadIds.delete(link.threadId);
    link.port.close();
    if (this.#stopping) return;
    this.#o.onHostLost(i, err ?? new Error(`worker ${i} host ended unexpectedly`));
    if (link.restarts >= maxHostRestarts) return;
    // messages posted from now on queue on the new port until the new host reads them
    this.#links[i] = this.#startHost(i, link.restarts + 1);
  }

  /** Queues a delivery; deliveries to a worker in the same microtask share one message. */
  deliver(i: number, from: number, items: WireDelivery[], transfer: readonly ArrayBuffer[]): void {
    this.#outboxes[i]!.add(from, items, transfer);
  }

  post(i: number, m: ToWorker, transfer: readonly ArrayBuffer[] = []): void {
    this.#outboxes[i]!.flush();
    this.#postNow(i, m, transfer);
  }

  #postNow(i: number, m: ToWorker, transfer: readonly ArrayBuffer[]): void {
    this.posted[i]!++;
    this.#links[i]!.port.postMessage(m, transfer as ArrayBuffer[]);
  }

  threadIdOf(i: number): number {
    return this.#links[i]!.threadId;
  }

  jobQueue(): JobQueueStats {
    const wait = this.#piscina.histogram.waitTime;
    return { queued: this.#piscina.queueSize, completed: this.#piscina.completed, waitP50Ms: wait?.p50 ?? 0, waitP99Ms: wait?.p99 ?? 0, waitMaxMs: wait?.max ?? 0 };
  }

  runJob<T>(args: JobTaskArgs, transfer: ArrayBuffer[] = []): Promise<T> {
    return this.#piscina.run(args, { name: jobTaskName, transferList: transfer }) as Promise<T>;
  }

  /** Ends every host task (they stop their actors first), then destroys the pool. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    for (let i = 0; i < this.#links.length; i++) this.post(i, { t: 'shutdown' });
    await Promise.all(this.#links.map((l) => l.done));
    await this.#piscina.destroy();
  }
}
