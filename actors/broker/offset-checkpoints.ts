/**
 * The data directory's recovery-point, log-start and (a cluster's)
 * replication-offset checkpoints, as the broker sees them: the entries read
 * at start (for the partitions opened then), and the one-at-a-time writes
 * that replace the files whole.
 *
 * A deleted topic's entries go at once, durably, before the deletion is
 * answered (Kafka rewrites its checkpoints without a deleted log): a topic
 * created later under the same name must start at offset 0, not at the old
 * topic's log start.
 */
import { existsSync } from 'node:fs';
import {
  checkpointPaths,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
  type PartitionOffset,
} from '../../native/index.js';

export interface PartitionCheckpoint {
  readonly topic: string;
  readonly partition: number;
  readonly recoveryPoint: number;
  readonly logStartOffset: number;
}

export class OffsetCheckpoints {
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly paths: { recoveryPoint: string; logStartOffset: string; highWatermark: string },
    private recovery: Map<string, bigint>,
    private starts: Map<string, bigint>,
    private watermarks: Map<string, bigint>,
  ) {}

  static async load(dataDir: string): Promise<OffsetCheckpoints> {
    const paths = checkpointPaths(dataDir);
    return new OffsetCheckpoints(paths, indexed(await readOffsetCheckpoint(paths.recoveryPoint)), indexed(await readOffsetCheckpoint(paths.logStartOffset)), indexed(await readOffsetCheckpoint(paths.highWatermark)));
  }

  /** A replica's high watermark when it last checkpointed it; -1n when unknown. */
  highWatermark(topic: string, partition: number): bigint {
    return this.watermarks.get(`${topic} ${partition}`) ?? -1n;
  }

  /** Replaces replication-offset-checkpoint with `entries` (offset: the high watermark) once the writes queued before are done. */
  writeHighWatermarks(entries: () => Promise<readonly PartitionOffset[]>): Promise<void> {
    return this.#serial(async () => {
      const list = await entries();
      // Kept current in memory too: a partition opened again later in this process starts from the newest.
      this.watermarks = indexed([...list]);
      await writeOffsetCheckpoint(this.paths.highWatermark, list);
    });
  }

  /** From the files as read at start; -1n when unknown. */
  recoveryPoint(topic: string, partition: number): bigint {
    return this.recovery.get(`${topic} ${partition}`) ?? -1n;
  }

  logStartOffset(topic: string, partition: number): bigint {
    return this.starts.get(`${topic} ${partition}`) ?? -1n;
  }

  /**
   * Every partition listed in the metadata is open (`open` holds their
   * `topic partition` keys): any later open is a new partition, which must not
   * pick up an entry of a topic deleted just before a crash. Entries of such
   * topics still in the files are dropped from them now, durably, before a
   * topic of the same name can be created again.
   */
  async startupDone(open: ReadonlySet<string>): Promise<void> {
    const stale = [...this.recovery.keys(), ...this.starts.keys()].some((k) => !open.has(k));
    this.recovery = new Map();
    this.starts = new Map();
    if (!stale) return;
    await this.#serial(async () => {
      for (const path of [this.paths.recoveryPoint, this.paths.logStartOffset]) {
        await writeOffsetCheckpoint(path, (await readOffsetCheckpoint(path)).filter((e) => open.has(`${e.topic} ${e.partition}`)));
      }
    });
  }

  /** Replaces both files with `entries` once the writes queued before are done. Rejects on failure. */
  write(entries: () => Promise<readonly PartitionCheckpoint[]>): Promise<void> {
    return this.#serial(async () => {
      const list = await entries();
      await writeOffsetCheckpoint(this.paths.recoveryPoint, list.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.recoveryPoint })));
      await writeOffsetCheckpoint(this.paths.logStartOffset, list.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.logStartOffset })));
    });
  }

  /** Drops a deleted topic's entries from memory and from both files (fsync'd) before resolving. */
  forgetTopic(topic: string): Promise<void> {
    // keys are `topic partition`; topic names hold no space
    for (const m of [this.recovery, this.starts, this.watermarks]) for (const k of [...m.keys()]) if (k.slice(0, k.lastIndexOf(' ')) === topic) m.delete(k);
    return this.#serial(async () => {
      for (const path of [this.paths.recoveryPoint, this.paths.logStartOffset, this.paths.highWatermark]) {
        // A single node has no replication-offset-checkpoint: none is made here.
        if (path === this.paths.highWatermark && !existsSync(path)) continue;
        const kept = (await readOffsetCheckpoint(path)).filter((e) => e.topic !== topic);
        await writeOffsetCheckpoint(path, kept);
      }
    });
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }
}

function indexed(entries: PartitionOffset[]): Map<string, bigint> {
  return new Map(entries.map((e) => [`${e.topic} ${e.partition}`, BigInt(e.offset)]));
}
