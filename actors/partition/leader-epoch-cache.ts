/**
 * Leader epoch cache of one partition: (epoch, start offset) pairs, ascending,
 * persisted in `leader-epoch-checkpoint` in the partition directory as Kafka
 * writes it: a version line `0`, a count line, then `epoch startOffset` lines.
 * Written atomically (temporary file, fsync, rename).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../controller/metadata-file.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
const MAX_ENTRIES = 10_000;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

export class LeaderEpochCache {
  private entries: EpochEntry[];

  private constructor(
    private readonly dir: string,
    entries: EpochEntry[],
  ) {
    this.entries = entries;
  }

  static load(dir: string): LeaderEpochCache {
    const path = join(dir, LEADER_EPOCH_CHECKPOINT);
    if (!existsSync(path)) return new LeaderEpochCache(dir, []);
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
    if (lines[0] !== '0') throw new Error(`${path}: unknown checkpoint version ${lines[0]}`);
    const count = Number(lines[1]);
    if (!Number.isInteger(count) || count < 0 || count > MAX_ENTRIES || lines.length !== count + 2) throw new Error(`${path}: malformed`);
    const entries = lines.slice(2).map((l) => {
      const [e, o] = l.split(' ');
      return { epoch: Number(e), startOffset: BigInt(o!) };
    });
    return new LeaderEpochCache(dir, entries);
  }

  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1;
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  /** Records that `epoch` starts at `startOffset` (the LEO when leadership begins). */
  assign(epoch: number, startOffset: bigint): void {
    const last = this.entries.at(-1);
    if (last !== undefined && last.epoch >= epoch) return;
    this.entries.push({ epoch, startOffset });
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    this.persist();
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= `requested` and the offset where
   * the epoch after it starts (LEO for the latest). Unknown: [-1, -1].
   */
  endOffsetFor(requested: number, logEndOffset: bigint): { epoch: number; endOffset: bigint } {
    let i = this.entries.length - 1;
    while (i >= 0 && this.entries[i]!.epoch > requested) i--;
    if (i < 0) return { epoch: -1, endOffset: -1n };
    const next = this.entries[i + 1];
    return { epoch: this.entries[i]!.epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** Drops entries past a truncation point (a log truncated to `endOffset`). */
  truncateFromEnd(endOffset: bigint): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.startOffset < endOffset || e === this.entries[0]);
    if (this.entries.length !== before) this.persist();
  }

  /** A follower's truncation (Kafka's truncateFromEnd): epochs starting at or after `endOffset` go. */
  truncateTo(endOffset: bigint): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.startOffset < endOffset);
    if (this.entries.length !== before) this.persist();
  }

  /** A follower emptied to restart at its leader's log start. */
  clear(): void {
    if (this.entries.length === 0) return;
    this.entries = [];
    this.persist();
  }

  private persist(): void {
    const text = `0\n${this.entries.length}\n${this.entries.map((e) => `${e.epoch} ${e.startOffset}`).join('\n')}${this.entries.length ? '\n' : ''}`;
    const path = join(this.dir, LEADER_EPOCH_CHECKPOINT);
    writeFileAtomic(this.dir, `${path}.tmp`, path, text);
  }
}
