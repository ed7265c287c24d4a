/**
 * Where a shard's records live: its `__consumer_offsets` partition. The
 * coordinator only appends whole batches and reads everything back on load,
 * so that is the whole contract; the broker backs it with the partition's
 * actor, tests and benchmarks with memory.
 */

export interface AppendedRange {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  /** The partition's high watermark right after the append: below lastOffset + 1, the ISR does not have it all yet. */
  readonly highWatermark: bigint;
  readonly isrSize: number;
  /** min.insync.replicas in force. */
  readonly minIsr: number;
  /** The leader epoch of the append (-1 where there is none). */
  readonly leaderEpoch: number;
}

export interface OffsetsLog {
  /** Appends one record batch; resolves once it is in the log, rejects if it is not. */
  append(batch: Buffer): Promise<AppendedRange>;
  /** Every stored batch from the start of the log, in offset order. */
  readAll(): AsyncIterable<Buffer>;
}

/** Batches in memory, with offsets assigned as a log would; `failNext` makes appends fail for fault tests. */
export class MemoryOffsetsLog implements OffsetsLog {
  readonly batches: Buffer[] = [];
  #next = 0n;
  /** appends still to fail */
  failNext = 0;

  async append(batch: Buffer): Promise<AppendedRange> {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('injected append failure'), { kafkaError: 'NOT_ENOUGH_REPLICAS' });
    }
    const count = batch.readInt32BE(57);
    const copy = Buffer.from(batch);
    const baseOffset = this.#next;
    copy.writeBigInt64BE(baseOffset, 0);
    this.batches.push(copy);
    this.#next += BigInt(count);
    return { baseOffset, lastOffset: this.#next - 1n, highWatermark: this.#next, isrSize: 1, minIsr: 1, leaderEpoch: -1 };
  }

  async *readAll(): AsyncIterable<Buffer> {
    for (const b of [...this.batches]) yield b;
  }
}
