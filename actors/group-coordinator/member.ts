/** One member of a classic group, as the coordinator tracks it between requests. */

export interface JoinProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

const EMPTY = Buffer.alloc(0);

export class Member {
  assignment: Buffer = EMPTY;
  /** request id of a JoinGroup parked until the rebalance completes */
  joinWaiter: number | null = null;
  /** request id of a SyncGroup parked until the leader's assignment arrives */
  syncWaiter: number | null = null;
  /** joined in the rebalance under way and has not yet been part of a completed one */
  isNew = false;
  /** the member is dropped when this passes without a heartbeat (and it is not parked in a rebalance) */
  sessionDeadlineMs = 0;
  /** when this member's live session timer fires (null: none queued); it re-arms itself while heartbeats move the deadline */
  sessionTimerAtMs: number | null = null;
  /** the join being answered supports JoinGroup v9's skipAssignment */
  supportsSkipAssignment = false;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocolType: string,
    public protocols: readonly JoinProtocol[],
  ) {}

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null;
  }

  metadataFor(protocol: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocol);
    return p === undefined ? EMPTY : p.metadata;
  }

  /** Same protocols, same order, same metadata bytes: a rejoin that needs no rebalance. */
  matches(protocols: readonly JoinProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's most preferred protocol among the candidates (Kafka's MemberMetadata.vote). */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }
}
