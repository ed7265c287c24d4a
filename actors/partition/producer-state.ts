/**
 * Idempotent producer state of one partition: per producer id, its epoch and
 * the metadata of its last five batches (Kafka keeps five so that a client
 * with five requests in flight can retry any of them).
 *
 * `check` decides, per batch, before anything is written: append, answer as a
 * duplicate with the original offsets, or refuse with a Kafka error. `record`
 * updates the state after the write. State is rebuilt from batch headers on
 * open (`replay`), so it survives restarts without a snapshot file.
 */

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const BATCHES_KEPT = 5;
const INT32_MAX = 2147483647;
/** A limit on everything: producers tracked per partition; the least recently used is dropped past it. */
export const MAX_PRODUCERS_PER_PARTITION = 100_000;

export interface BatchIdentity {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Number of records minus one (lastOffsetDelta). */
  readonly lastOffsetDelta: number;
}

interface BatchMeta {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly timestampMs: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMeta[];
  lastUpdateMs: number;
}

export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly firstOffset: bigint; readonly lastOffset: bigint; readonly timestampMs: number }
  | { readonly kind: 'error'; readonly error: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER'; readonly message: string };

export function lastSequence(b: BatchIdentity): number {
  const last = b.baseSequence + b.lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export class ProducerStateTable {
  private readonly producers = new Map<bigint, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  check(b: BatchIdentity): SequenceCheck {
    if (b.producerId === NO_PRODUCER_ID) return { kind: 'append' };
    const entry = this.producers.get(b.producerId);
    if (entry === undefined) return { kind: 'append' };
    if (b.producerEpoch < entry.epoch) {
      return { kind: 'error', error: 'INVALID_PRODUCER_EPOCH', message: `Epoch ${b.producerEpoch} of producer ${b.producerId} is older than the current ${entry.epoch}` };
    }
    const lastSeq = lastSequence(b);
    if (b.producerEpoch === entry.epoch) {
      for (const m of entry.batches) {
        if (m.firstSeq === b.baseSequence && m.lastSeq === lastSeq) {
          return { kind: 'duplicate', firstOffset: m.firstOffset, lastOffset: m.lastOffset, timestampMs: m.timestampMs };
        }
      }
      const last = entry.batches.at(-1);
      if (last !== undefined && !inSequence(last.lastSeq, b.baseSequence)) {
        return { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `Out of order sequence number for producer ${b.producerId}: ${b.baseSequence} (incoming seq), ${last.lastSeq} (current end sequence, written at offset ${last.lastOffset})` };
      }
      return { kind: 'append' };
    }
    // A new epoch starts its sequences at zero.
    if (b.baseSequence !== 0) {
      return { kind: 'error', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER', message: `Invalid sequence number for new epoch ${b.producerEpoch} of producer ${b.producerId}: ${b.baseSequence} (request epoch), 0 (expected)` };
    }
    return { kind: 'append' };
  }

  /** Records a written batch (also used to replay the log on open). */
  record(b: BatchIdentity, firstOffset: bigint, lastOffset: bigint, timestampMs: number, nowMs: number): void {
    if (b.producerId === NO_PRODUCER_ID) return;
    let entry = this.producers.get(b.producerId);
    if (entry === undefined) {
      if (this.producers.size >= MAX_PRODUCERS_PER_PARTITION) this.evictOldest();
      entry = { epoch: b.producerEpoch, batches: [], lastUpdateMs: nowMs };
      this.producers.set(b.producerId, entry);
    } else {
      // Map order doubles as recency order for eviction.
      this.producers.delete(b.producerId);
      this.producers.set(b.producerId, entry);
    }
    if (b.producerEpoch !== entry.epoch) {
      entry.epoch = b.producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({ firstSeq: b.baseSequence, lastSeq: lastSequence(b), firstOffset, lastOffset, timestampMs });
    if (entry.batches.length > BATCHES_KEPT) entry.batches.shift();
    entry.lastUpdateMs = nowMs;
  }

  /** The last offset of each producer's newest batch: the log cleaner keeps those batches whole, so a producer's sequence survives compaction. */
  newestBatchEnds(): number[] {
    const out: number[] = [];
    for (const entry of this.producers.values()) {
      const last = entry.batches.at(-1);
      if (last !== undefined) out.push(Number(last.lastOffset));
    }
    return out;
  }

  /** Drops producers idle for longer than `producer.id.expiration.ms`. */
  expire(nowMs: number, expirationMs: number): number {
    let dropped = 0;
    for (const [id, entry] of this.producers) {
      if (nowMs - entry.lastUpdateMs > expirationMs) {
        this.producers.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Forgets batches below a new log start offset (DeleteRecords, retention). */
  truncateHead(logStartOffset: bigint): void {
    for (const [id, entry] of this.producers) {
      entry.batches = entry.batches.filter((m) => m.lastOffset >= logStartOffset);
      if (entry.batches.length === 0) this.producers.delete(id);
    }
  }

  clear(): void {
    this.producers.clear();
  }

  private evictOldest(): void {
    const first = this.producers.keys().next();
    if (!first.done) this.producers.delete(first.value);
  }
}
