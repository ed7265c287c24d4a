/**
 * The broker's fetch sessions, bounded by max.incremental.fetch.session.cache.slots.
 * When full, a new session takes the slot of (Kafka's rules, in this order):
 * 1. the least recently used session, if unused for longer than the eviction time;
 * 2. else the least valuable evictable session, if the new one is worth more:
 *    privileged (follower) beats not, then more partitions beat fewer. A
 *    session younger than the eviction time can only be taken by a
 *    privileged newcomer, and a privileged one only once it is that old.
 * Otherwise no session is created and the fetcher gets a sessionless answer.
 * Sessions only leave by being closed, emptied or evicted, as in Kafka.
 */
import { FetchSession, INVALID_SESSION_ID, INITIAL_EPOCH, nextEpoch } from './fetch-session.js';

/** Kafka's MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS (not configurable there either). */
export const MIN_EVICTION_MS = 120_000;

export interface SessionCacheOptions {
  readonly slots: number;
  readonly evictionMs?: number;
  readonly now?: () => number;
  /** Source of candidate ids, for tests; default a uniform random int32 in [1, 2^31-1). */
  readonly randomId?: () => number;
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  private readonly slots: number;
  private readonly evictionMs: number;
  readonly now: () => number;
  private readonly randomId: () => number;
  private partitions = 0;
  evictions = 0;

  constructor(opts: SessionCacheOptions) {
    this.slots = opts.slots;
    this.evictionMs = opts.evictionMs ?? MIN_EVICTION_MS;
    this.now = opts.now ?? Date.now;
    this.randomId = opts.randomId ?? (() => 1 + Math.floor(Math.random() * 0x7ffffffe));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Partitions cached over all sessions, as of each session's last touch. */
  get totalPartitions(): number {
    return this.partitions;
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id);
  }

  /**
   * A new session filled by `fill`, or undefined when there is no slot for
   * one of this size. The session starts at the epoch after the initial one.
   */
  maybeCreate(privileged: boolean, size: number, usesTopicIds: boolean, fill: (s: FetchSession) => void): FetchSession | undefined {
    const now = this.now();
    if (this.sessions.size >= this.slots && !this.tryEvict(privileged, size, now)) return undefined;
    const session = new FetchSession(this.newId(), privileged, usesTopicIds, now, now, nextEpoch(INITIAL_EPOCH));
    fill(session);
    this.sessions.set(session.id, session);
    this.touch(session, now);
    return session;
  }

  remove(id: number): FetchSession | undefined {
    const s = this.sessions.get(id);
    if (s === undefined) return undefined;
    this.sessions.delete(id);
    this.partitions -= s.cachedSize;
    s.cachedSize = -1;
    return s;
  }

  /** Marks a session used now and refreshes its size and evictability. */
  touch(s: FetchSession, now = this.now()): void {
    if (!this.sessions.has(s.id)) return;
    s.lastUsedMs = now;
    if (s.cachedSize !== -1) this.partitions -= s.cachedSize;
    s.cachedSize = s.size;
    this.partitions += s.cachedSize;
    const old = now - s.creationMs > this.evictionMs;
    s.evictableByPrivileged = !s.privileged || old;
    s.evictableByAll = old;
  }

  private newId(): number {
    for (;;) {
      const id = this.randomId() | 0;
      if (id > INVALID_SESSION_ID && !this.sessions.has(id)) return id;
    }
  }

  private tryEvict(privileged: boolean, size: number, now: number): boolean {
    let lru: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (lru === undefined || s.lastUsedMs < lru.lastUsedMs || (s.lastUsedMs === lru.lastUsedMs && s.id < lru.id)) lru = s;
    }
    if (lru === undefined) return false;
    if (now - lru.lastUsedMs > this.evictionMs) {
      this.evict(lru);
      return true;
    }
    let least: FetchSession | undefined;
    for (const s of this.sessions.values()) {
      if (!(privileged ? s.evictableByPrivileged : s.evictableByAll)) continue;
      if (least === undefined || compareValue(s.privileged, s.cachedSize, s.id, least.privileged, least.cachedSize, least.id) < 0) least = s;
    }
    // The newcomer counts with id 0: on equal rank the incumbent stays.
    if (least === undefined || compareValue(privileged, size, 0, least.privileged, least.cachedSize, least.id) < 0) return false;
    this.evict(least);
    return true;
  }

  private evict(s: FetchSession): void {
    this.remove(s.id);
    this.evictions++;
  }
}

function compareValue(aPriv: boolean, aSize: number, aId: number, bPriv: boolean, bSize: number, bId: number): number {
  if (aPriv !== bPriv) return aPriv ? 1 : -1;
  if (aSize !== bSize) return aSize - bSize;
  return aId - bId;
}
