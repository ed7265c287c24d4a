/**
 * The broker's log cleaner (Kafka's LogCleaner and LogCleanerManager): every
 * log.cleaner.backoff.ms it asks the open partitions what they could clean,
 * takes the dirtiest that are due (max.compaction.lag.ms overdue first, then
 * by dirty ratio) up to log.cleaner.threads at once, runs each cleaning on a
 * thread of its own (piscina, created on the first cleaning), has the
 * partition swap the result in, and keeps where each log is clean in the data
 * directory's cleaner-offset-checkpoint (Kafka's file and format).
 */
import { join } from 'node:path';
import type { Piscina } from 'piscina';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from '../../native/index.js';
import type { Logger } from '../runtime/index.js';
import type { CleanArgs, CleanOutcome } from '../partition/cleaner/clean-job.js';
import type { CleanPlan, CleanerSettings } from '../partition/cleaner/clean-plan.js';
import { partitionKey, type SwapCleanedResult } from '../partition/messages.js';
import type { PartitionRouter } from './partition-router.js';

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

export interface LogCleanerOptions {
  readonly dataDir: string;
  readonly partitions: PartitionRouter;
  readonly threads: number;
  /** shared by the threads, as Kafka divides it */
  readonly dedupeBufferBytes: number;
  readonly ioMaxBytesPerSecond: number;
  /** the cleaner threads' nice value (log.cleaner.thread.nice) */
  readonly threadNice: number;
  readonly backoffMs: number;
  readonly log: Logger;
}

/** What one partition's last cleaning did and how dirty its log is, for describe and tests. */
export interface CleanerPartitionStats {
  readonly dirtyRatio: number;
  readonly cleanedUpTo: number;
  readonly cleanings: number;
  /** epoch ms the last cleaning finished, -1 if none since start */
  readonly lastCleanedMs: number;
  readonly lastCleaning: Omit<CleanOutcome, 'groups'> & { readonly swapped: number; readonly refused: number } | null;
}

/** A compacted partition as DescribeLogDirs shows it. */
export interface CleanerPartitionState {
  readonly dirtyRatio: number;
  readonly dirtyBytes: number;
  readonly firstDirtyOffset: number;
  readonly cleanings: number;
  readonly lastCleanedMs: number;
}

export class LogCleaner {
  #pool: Piscina | null = null;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  readonly #running = new Map<string, Promise<void>>();
  readonly #stats = new Map<string, CleanerPartitionStats>();
  #checkpointWrite: Promise<void> = Promise.resolve();
  #stopped = false;

  private constructor(
    private readonly o: LogCleanerOptions,
    private readonly checkpoint: Map<string, number>,
  ) {}

  static async start(o: LogCleanerOptions): Promise<LogCleaner> {
    const entries = await readOffsetCheckpoint(join(o.dataDir, CLEANER_OFFSET_CHECKPOINT));
    const cleaner = new LogCleaner(o, new Map(entries.map((e) => [partitionKey(e.topic, e.partition), e.offset])));
    cleaner.#timer = setInterval(() => void cleaner.tick(), o.backoffMs);
    cleaner.#timer.unref();
    return cleaner;
  }

  get settings(): CleanerSettings {
    return { dedupeBufferBytes: Math.floor(this.o.dedupeBufferBytes / this.o.threads), ioMaxBytesPerSecond: this.o.ioMaxBytesPerSecond };
  }

  stats(topic: string, partition: number): CleanerPartitionStats | undefined {
    return this.#stats.get(partitionKey(topic, partition));
  }

  /** How dirty each open compacted log is now, with what the cleaner has done to it (samsa's DescribeLogDirs field). */
  async describe(): Promise<Map<string, CleanerPartitionState>> {
    const open = [...this.o.partitions.open.values()];
    const settings = this.settings;
    const outcomes = await this.o.partitions.askMany<CleanPlan | null>(
      open.map((p) => ({ ...p, msg: { t: 'cleanPlan' as const, firstDirtyOffset: this.checkpoint.get(partitionKey(p.topic, p.partition)) ?? 0, settings, peek: true } })),
    );
    const out = new Map<string, CleanerPartitionState>();
    outcomes.forEach((o, i) => {
      if (!o.ok || o.value === null) return;
      const key = partitionKey(open[i]!.topic, open[i]!.partition);
      const stats = this.#stats.get(key);
      out.set(key, { dirtyRatio: o.value.dirtyRatio, dirtyBytes: o.value.dirtyBytes, firstDirtyOffset: o.value.args.firstDirtyOffset, cleanings: stats?.cleanings ?? 0, lastCleanedMs: stats?.lastCleanedMs ?? -1 });
    });
    return out;
  }

  /** One look for logs to clean; resolves when the cleanings it started are done. Overlapping calls share one look. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = null));
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const free = this.o.threads - this.#running.size;
    if (free <= 0) return;
    const open = [...this.o.partitions.open.values()].filter((p) => !this.#running.has(partitionKey(p.topic, p.partition)));
    if (open.length === 0) return;
    const settings = this.settings;
    const outcomes = await this.o.partitions.askMany<CleanPlan | null>(
      open.map((p) => ({ ...p, msg: { t: 'cleanPlan' as const, firstDirtyOffset: this.checkpoint.get(partitionKey(p.topic, p.partition)) ?? 0, settings } })),
    );
    const due: Array<{ topic: string; partition: number; plan: CleanPlan }> = [];
    outcomes.forEach((o, i) => {
      if (!o.ok || o.value === null) return;
      const p = open[i]!;
      const key = partitionKey(p.topic, p.partition);
      const before = this.#stats.get(key);
      this.#stats.set(key, { dirtyRatio: o.value.dirtyRatio, cleanedUpTo: this.checkpoint.get(key) ?? 0, cleanings: before?.cleanings ?? 0, lastCleanedMs: before?.lastCleanedMs ?? -1, lastCleaning: before?.lastCleaning ?? null });
      if (o.value.due) due.push({ ...p, plan: o.value });
    });
    due.sort((a, b) => Number(b.plan.overdue) - Number(a.plan.overdue) || b.plan.dirtyRatio - a.plan.dirtyRatio);
    const started = due.slice(0, free).map((d) => {
      const key = partitionKey(d.topic, d.partition);
      const run = this.#clean(d.topic, d.partition, d.plan).finally(() => this.#running.delete(key));
      this.#running.set(key, run);
      return run;
    });
    await Promise.all(started);
  }

  async #clean(topic: string, partition: number, plan: CleanPlan): Promise<void> {
    const key = partitionKey(topic, partition);
    try {
      const outcome = await (await this.#cleaners()).run({ ...plan.args, threadNice: this.o.threadNice } satisfies CleanArgs, { name: 'cleanLog' }) as CleanOutcome;
      let swap: SwapCleanedResult = { swapped: 0, refused: 0, logStartOffset: -1, sizeBytes: -1, swapMs: 0 };
      if (outcome.groups.length > 0) {
        const [answer] = await this.o.partitions.askMany<SwapCleanedResult>([{ topic, partition, msg: { t: 'swapCleaned', groups: outcome.groups } }]);
        if (!answer!.ok) throw answer!.error;
        swap = answer!.value;
      }
      // A refused group is cleaned again from the same checkpoint next time.
      if (swap.refused === 0 && outcome.cleanedUpTo > plan.args.firstDirtyOffset) this.checkpoint.set(key, outcome.cleanedUpTo);
      if (outcome.cleanedUpTo === plan.args.firstDirtyOffset) this.o.log.warn(`log cleaner: ${key} has more dirty keys in one batch than log.cleaner.dedupe.buffer.size / log.cleaner.threads (${this.settings.dedupeBufferBytes} bytes) can map; it is not cleaned`);
      const { groups: _groups, ...figures } = outcome;
      const before = this.#stats.get(key);
      this.#stats.set(key, { dirtyRatio: 0, cleanedUpTo: this.checkpoint.get(key) ?? 0, cleanings: (before?.cleanings ?? 0) + 1, lastCleanedMs: Date.now(), lastCleaning: { ...figures, swapped: swap.swapped, refused: swap.refused } });
      this.o.log.info(
        `log cleaner: ${key} (dirty ratio ${plan.dirtyRatio.toFixed(2)}${plan.overdue ? ', past max.compaction.lag.ms' : ''}) cleaned to ${outcome.cleanedUpTo}: ${outcome.recordsRemoved} of ${outcome.recordsRead} records removed, ${outcome.bytesRead} bytes read, ${outcome.bytesWritten} written, ${swap.swapped} segment groups swapped in ${outcome.elapsedMs} ms (swap ${swap.swapMs} ms, ${outcome.throttledMs} ms throttled${outcome.threadNice === null ? '' : `, thread at nice ${outcome.threadNice}`})`,
      );
      await this.#writeCheckpoint();
    } catch (err) {
      if (!this.#stopped) this.o.log.warn(`log cleaner: cleaning ${key} failed: ${(err as Error).message}`);
    }
  }

  async #cleaners(): Promise<Piscina> {
    if (this.#pool === null) {
      // Loaded on the first cleaning: a broker with no compacted log starts no thread.
      const { Piscina: Pool } = await import('piscina');
      this.#pool = new Pool({
        filename: new URL('../partition/cleaner/clean-job.js', import.meta.url).href,
        minThreads: 0,
        maxThreads: this.o.threads,
        idleTimeout: 60_000,
      });
    }
    return this.#pool;
  }

  /** Replaces the file with the checkpoints of the open partitions (a deleted topic's entry goes with it). */
  #writeCheckpoint(): Promise<void> {
    const write = async (): Promise<void> => {
      const open = this.o.partitions.open;
      const entries = [...this.checkpoint].filter(([k]) => open.has(k)).map(([k, offset]) => ({ ...open.get(k)!, offset }));
      await writeOffsetCheckpoint(join(this.o.dataDir, CLEANER_OFFSET_CHECKPOINT), entries);
    };
    this.#checkpointWrite = this.#checkpointWrite.then(write, write);
    return this.#checkpointWrite;
  }

  /** Forgets a deleted partition's checkpoint: a topic made again under its name starts dirty from its log start. */
  forget(key: string): void {
    this.checkpoint.delete(key);
    this.#stats.delete(key);
  }

  /** Stops looking, waits for cleanings under way (their swaps are all or nothing), stops the threads. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    await Promise.allSettled([this.#ticking, ...this.#running.values()]);
    await this.#checkpointWrite.catch(() => undefined);
    await this.#pool?.destroy();
    this.#pool = null;
  }
}
