/**
 * Leads nothing while its leaderships may have moved without it knowing: a
 * broker stalled (SIGSTOP, a VM or GC pause) for half its ZooKeeper session
 * or longer may have lost its session, and the controller may have elected
 * other leaders meanwhile. Woken, it would still answer as the leader, from
 * a log the new leader has moved past: consumers without KIP-320's leader
 * epoch are told their offset is out of range and rewind, and idempotent
 * producers are refused an out-of-order sequence, which librdkafka takes as
 * fatal. Fenced, it answers NOT_LEADER_OR_FOLLOWER (and Metadata shows no
 * leader of its own), which every client retries after asking elsewhere.
 *
 * The stall is seen at once on waking, before any timer has run: the clock
 * is compared with the last tick of a short interval. The fence lifts when
 * ZooKeeper answers in the same session (nothing can have moved for want of
 * this broker), or, when the session expired, once the controller has told
 * the broker registered again what it leads (LeaderAndIsr), or has told it
 * anything while it leads nothing, or a bound after it registered again.
 * A broker cut off from ZooKeeper but running is not fenced: it cannot tell
 * that from ZooKeeper being down for everyone, when Kafka keeps serving.
 */

const TICK_MS = 100;

export type FenceState = 'open' | 'stalled' | 'expired' | 'registered';

export interface StallFenceOptions {
  /** A gap between ticks this long is a stall (half the ZooKeeper session timeout). */
  readonly stallMs: number;
  /** After registering again, the fence lifts at the latest this long after (the controller said nothing). */
  readonly reregisteredBoundMs: number;
  /** A stall was seen: ask ZooKeeper whether the session lives (and call `sessionAlive` when it does). */
  readonly onStall: (stalledMs: number) => void;
  readonly log: (message: string) => void;
  readonly now?: () => number;
}

export class StallFence {
  private lastTick: number;
  private state: FenceState = 'open';
  private registeredAt = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly o: StallFenceOptions) {
    this.now = o.now ?? Date.now;
    this.lastTick = this.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Whether this broker must not answer as a leader now. */
  get fenced(): boolean {
    this.tick();
    if (this.state === 'registered' && this.now() - this.registeredAt >= this.o.reregisteredBoundMs) this.lift('no word from the controller since registering again');
    return this.state !== 'open';
  }

  get current(): FenceState {
    return this.state;
  }

  /** ZooKeeper answered in the session the broker had before the stall. */
  sessionAlive(): void {
    if (this.state === 'stalled') this.lift('its ZooKeeper session lives');
  }

  /** The session expired: leaderships may have moved. */
  sessionExpired(): void {
    if (this.state !== 'expired') this.o.log(`fenced: the ZooKeeper session expired; leading nothing until the controller says what this broker leads`);
    this.state = 'expired';
  }

  /** Registered again in a new session: the controller will send what this broker leads. */
  registered(): void {
    if (this.state === 'open') return;
    this.state = 'registered';
    this.registeredAt = this.now();
  }

  /** The controller's LeaderAndIsr (or, when it leads nothing, UpdateMetadata) reached the broker registered again. */
  controllerSpoke(): void {
    if (this.state === 'registered') this.lift('the controller said what this broker leads');
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const now = this.now();
    const gap = now - this.lastTick;
    this.lastTick = now;
    if (gap < this.o.stallMs) return;
    // A stall on top of an expiry already known changes nothing: the controller is still to be heard.
    if (this.state === 'open') {
      this.state = 'stalled';
      this.o.log(`fenced: stalled for ${gap} ms (half the ZooKeeper session or more); leading nothing until ZooKeeper answers`);
    }
    this.o.onStall(gap);
  }

  private lift(why: string): void {
    this.state = 'open';
    this.o.log(`fence lifted: ${why}`);
  }
}
