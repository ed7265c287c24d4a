/**
 * What a partition leader knows of its followers (Kafka's Partition and
 * Replica state): each follower's log end offset as its fetches report it,
 * when it was last caught up, the ISR and the partition epoch (the state
 * znode's version, which an ISR change must name). From these come the high
 * watermark (the smallest log end offset in the ISR), the followers that
 * may join the ISR, and the members that have fallen behind for longer than
 * replica.lag.time.max.ms.
 */

export interface FollowerState {
  /** -1n until the follower's first fetch in this leader epoch. */
  leo: bigint;
  lastCaughtUpMs: number;
  lastFetchMs: number;
  /** The leader's log end offset at the follower's previous fetch. */
  lastFetchLeaderLeo: bigint;
}

/**
 * How long a proposed ISR addition counts toward the high watermark without
 * an answer. The AlterPartition is sent again for about ten seconds (20 x 500
 * ms) and a committed change reaches the leader as the state written; past
 * this bound the proposal is taken as refused, so a follower that died meanwhile
 * cannot hold the high watermark back for good.
 */
export const PENDING_ISR_ADD_MAX_MS = 30_000;

export class LeaderReplicaState {
  private readonly followers = new Map<number, FollowerState>();
  /**
   * Followers proposed for the ISR and not yet answered: Kafka's maximal ISR.
   * ZooKeeper may hold the larger ISR before this leader hears of it (an
   * answer lost or late), and the controller may elect any member of it, so
   * the high watermark must not pass what they have either.
   */
  private readonly pendingAdds = new Map<number, number>();

  constructor(
    readonly selfId: number,
    public replicas: readonly number[],
    public isr: readonly number[],
    public partitionEpoch: number,
    nowMs: number,
  ) {
    this.resetFollowers(nowMs);
  }

  /** A new leader epoch: every follower's offset is unknown again; ISR members count as caught up now (Kafka's makeLeader). */
  resetFollowers(nowMs: number): void {
    this.followers.clear();
    for (const r of this.replicas) {
      if (r === this.selfId) continue;
      this.followers.set(r, { leo: -1n, lastCaughtUpMs: this.isr.includes(r) ? nowMs : 0, lastFetchMs: 0, lastFetchLeaderLeo: -1n });
    }
  }

  /** The same leader epoch with a new ISR or assignment (AlterPartition answered, a LeaderAndIsr of this epoch). */
  update(replicas: readonly number[], isr: readonly number[], partitionEpoch: number, nowMs: number): void {
    this.pendingAdds.clear();
    this.replicas = replicas;
    this.isr = isr;
    this.partitionEpoch = partitionEpoch;
    for (const r of replicas) {
      if (r !== this.selfId && !this.followers.has(r)) this.followers.set(r, { leo: -1n, lastCaughtUpMs: 0, lastFetchMs: 0, lastFetchLeaderLeo: -1n });
    }
    for (const r of [...this.followers.keys()]) if (!replicas.includes(r)) this.followers.delete(r);
    for (const r of isr) {
      const f = this.followers.get(r);
      // A member just added is caught up by definition; one whose clock is older would be dropped at once.
      if (f !== undefined && f.lastCaughtUpMs === 0) f.lastCaughtUpMs = nowMs;
    }
  }

  isReplica(id: number): boolean {
    return this.followers.has(id);
  }

  /**
   * A follower fetched at `fetchOffset`: everything below it is on the
   * follower. Caught up when it fetched at the leader's end, or at least at
   * the end the leader had when it fetched last (Kafka's rule, so a busy
   * partition's follower is not out of sync for merely being one fetch behind).
   */
  onFetch(id: number, fetchOffset: bigint, leaderLeo: bigint, nowMs: number): void {
    const f = this.followers.get(id);
    if (f === undefined) return;
    f.leo = fetchOffset;
    if (fetchOffset >= leaderLeo) f.lastCaughtUpMs = nowMs;
    else if (f.lastFetchLeaderLeo >= 0n && fetchOffset >= f.lastFetchLeaderLeo) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.lastFetchLeaderLeo = leaderLeo;
    f.lastFetchMs = nowMs;
  }

  /** The leader proposed adding `id` to the ISR (AlterPartition sent): it counts toward the high watermark until answered. */
  proposedAdd(id: number, nowMs: number): void {
    if (!this.isr.includes(id) && !this.pendingAdds.has(id)) this.pendingAdds.set(id, nowMs);
  }

  /** The smallest log end offset in the maximal ISR (the ISR, this leader and proposed additions); -1n while a member's is unknown. */
  isrMinimum(leaderLeo: bigint, nowMs = Date.now()): bigint {
    let min = leaderLeo;
    const members = [...this.isr];
    for (const [id, since] of this.pendingAdds) {
      if (nowMs - since > PENDING_ISR_ADD_MAX_MS) this.pendingAdds.delete(id);
      else if (!members.includes(id)) members.push(id);
    }
    for (const id of members) {
      if (id === this.selfId) continue;
      const f = this.followers.get(id);
      if (f === undefined || f.leo < 0n) return -1n;
      if (f.leo < min) min = f.leo;
    }
    return min;
  }

  /** A follower outside the ISR that has everything up to the high watermark and this epoch's start may join it. */
  joinable(id: number, highWatermark: bigint, epochStartOffset: bigint): boolean {
    if (this.isr.includes(id)) return false;
    const f = this.followers.get(id);
    return f !== undefined && f.leo >= highWatermark && f.leo >= epochStartOffset;
  }

  /** ISR members (not this leader) not caught up within `lagMaxMs`. */
  lagging(nowMs: number, lagMaxMs: number): number[] {
    return this.isr.filter((id) => {
      if (id === this.selfId) return false;
      const f = this.followers.get(id);
      return f === undefined || nowMs - f.lastCaughtUpMs > lagMaxMs;
    });
  }
}
