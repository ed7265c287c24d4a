/**
 * One incremental fetch session (KIP-227): the partitions a fetcher reads and,
 * per partition, what it last asked for and what it was last told, so that an
 * incremental answer can leave out every partition nothing happened to.
 * Plain data, no I/O; the cache (session-cache.ts) owns the lifetimes.
 */

/** Session id of no session (a sessionless answer, or a request starting none). */
export const INVALID_SESSION_ID = 0;
/** Epoch of a full request that starts a session. */
export const INITIAL_EPOCH = 0;
/** Epoch of a full request that wants no session (closing the one it names). */
export const FINAL_EPOCH = -1;

/** The epoch that must follow `epoch`; it wraps to 1, never back to 0. */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH;
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}

/** What a request says about one partition. */
export interface PartitionRequest {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
  /** The epoch of the fetcher's last batch (v12+, a follower's divergence check); -1 when unknown. */
  readonly lastFetchedEpoch?: number;
}

/** What an answer says about one partition (the fields that decide whether it is sent). */
export interface PartitionAnswer {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
  readonly records: readonly Uint8Array[];
  /** A follower's answer may name where its log diverges instead of records (KIP-320). */
  readonly divergingEpoch?: { readonly epoch: number; readonly endOffset: bigint };
}

/** What reads a partition's log start and end offsets without asking its actor (an attached log handle); throws once the log is closed. */
export interface OffsetsProbe {
  startAndEndOffsets(): [logStartOffset: number, logEndOffset: number];
}

/**
 * A partition the fetcher was last told is caught up: it fetches from the log
 * end, its high watermark and last stable offset are that end, and nothing was
 * in the log to send. While `log` still shows the same start and end, the
 * answer would be empty and unchanged, so an incremental fetch need not read
 * or answer it at all. `key` is its partitionKey, for a long poll to wake on.
 */
export interface QuietMark {
  readonly log: OffsetsProbe;
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export class CachedPartition {
  /** Set while the partition is caught up and the fetcher knows it; any change to what it asks clears it. */
  quiet: QuietMark | undefined = undefined;
  lastFetchedEpoch = -1;

  constructor(
    readonly topic: string,
    readonly topicId: string,
    readonly partition: number,
    public fetchOffset: bigint,
    public maxBytes: number,
    public currentLeaderEpoch: number,
    public highWatermark = -1n,
    public logStartOffset = -1n,
    public lastStableOffset = -1n,
  ) {}

  updateRequest(p: PartitionRequest): void {
    this.quiet = undefined;
    this.fetchOffset = p.fetchOffset;
    this.maxBytes = p.partitionMaxBytes;
    this.currentLeaderEpoch = p.currentLeaderEpoch;
    this.lastFetchedEpoch = p.lastFetchedEpoch ?? -1;
  }

  /**
   * Whether the fetcher must be told about this partition now, remembering
   * what it is told. An error forgets the high watermark, so the partition is
   * sent again once the error clears.
   */
  mustRespond(a: PartitionAnswer): boolean {
    let must = recordsSize(a) > 0;
    if (this.highWatermark !== a.highWatermark) {
      must = true;
      this.highWatermark = a.highWatermark;
    }
    if (this.logStartOffset !== a.logStartOffset) {
      must = true;
      this.logStartOffset = a.logStartOffset;
    }
    if (this.lastStableOffset !== a.lastStableOffset) {
      must = true;
      this.lastStableOffset = a.lastStableOffset;
    }
    // An error, or a diverging epoch, is always told, and forgets the high watermark so the partition is told again once it clears.
    if (a.errorCode !== 0 || (a.divergingEpoch !== undefined && (a.divergingEpoch.epoch >= 0 || a.divergingEpoch.endOffset >= 0n))) {
      this.quiet = undefined;
      this.highWatermark = -1n;
      must = true;
    }
    return must;
  }
}

export function recordsSize(a: PartitionAnswer): number {
  let n = 0;
  for (const r of a.records) n += r.byteLength;
  return n;
}

/**
 * Partitions are keyed by topic id when the session uses ids (v13+), else by
 * name: a session never mixes the two (FETCH_SESSION_TOPIC_ID_ERROR).
 * Topic names never contain ':' (Kafka's legal characters), ids are base64.
 */
export function partitionKeyOf(usesTopicIds: boolean, topic: string, topicId: string, partition: number): string {
  return `${usesTopicIds ? topicId : topic}:${partition}`;
}

export class FetchSession {
  /** Partitions in the order they are read: one that returned records moves to the back, so a byte budget serves all in turn. */
  readonly partitions = new Map<string, CachedPartition>();
  /** Size and evictability as of the last touch (Kafka's cache keys its trees by these). */
  cachedSize = -1;
  evictableByAll = false;
  evictableByPrivileged = false;

  constructor(
    readonly id: number,
    readonly privileged: boolean,
    readonly usesTopicIds: boolean,
    readonly creationMs: number,
    public lastUsedMs: number,
    public epoch: number,
  ) {}

  get size(): number {
    return this.partitions.size;
  }

  key(topic: string, topicId: string, partition: number): string {
    return partitionKeyOf(this.usesTopicIds, topic, topicId, partition);
  }

  /** Adds or updates the partitions a request names, then drops the ones it forgets. */
  update(
    topics: ReadonlyArray<{ topic: string; topicId: string; partitions: readonly PartitionRequest[] }>,
    forgotten: ReadonlyArray<{ topic: string; topicId: string; partitions: readonly number[] }>,
  ): { added: number; updated: number; removed: number } {
    let added = 0;
    let updated = 0;
    let removed = 0;
    for (const t of topics) {
      for (const p of t.partitions) {
        const k = this.key(t.topic, t.topicId, p.partition);
        const cached = this.partitions.get(k);
        if (cached === undefined) {
          const c = new CachedPartition(t.topic, t.topicId, p.partition, p.fetchOffset, p.partitionMaxBytes, p.currentLeaderEpoch);
          c.lastFetchedEpoch = p.lastFetchedEpoch ?? -1;
          this.partitions.set(k, c);
          added++;
        } else {
          cached.updateRequest(p);
          updated++;
        }
      }
    }
    for (const t of forgotten) {
      for (const p of t.partitions) {
        if (this.partitions.delete(this.key(t.topic, t.topicId, p))) removed++;
      }
    }
    return { added, updated, removed };
  }

  /**
   * Marks a partition caught up, if what the fetcher was last told agrees
   * with `mark`: asked from the end, told that end as high watermark and last
   * stable offset and the same log start. Otherwise the next fetch reads it.
   */
  markQuiet(k: string, mark: QuietMark): void {
    const c = this.partitions.get(k);
    if (c === undefined) return;
    const end = BigInt(mark.end);
    const agrees = c.fetchOffset === end && c.highWatermark === end && c.lastStableOffset === end && c.logStartOffset === BigInt(mark.start);
    c.quiet = agrees ? mark : undefined;
  }

  /** A partition that returned records goes to the back of the read order. */
  moveToBack(k: string, cached: CachedPartition): void {
    this.partitions.delete(k);
    this.partitions.set(k, cached);
  }
}
