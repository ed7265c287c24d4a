/**
 * Where parked answers arrive: an inline actor on the asking thread that hands
 * each delivery to the promise waiting under its token. Every wait has a
 * deadline, so a coordinator that restarts (and forgets what it parked) costs
 * the client one retriable error, not a request hanging forever.
 */
import { realClock, type Behaviour, type Clock, type TimerHandle } from '../runtime/index.js';
import type { CoordinatorAnswer, ParkedDelivery } from './actor-messages.js';
import { ErrorCode } from '../../protocol/index.js';

/** Waits open at once per thread; beyond it a request is refused rather than queued. */
export const MAX_PARKED_WAITS = 100_000;

interface Wait {
  resolve(a: CoordinatorAnswer): void;
  timer: TimerHandle;
}

export class ParkedReplies {
  #waits = new Map<number, Wait>();
  #next = 1;

  constructor(private readonly clock: Clock = realClock) {}

  get size(): number {
    return this.#waits.size;
  }

  /** A token and the promise its delivery resolves; null when MAX_PARKED_WAITS are open. */
  open(deadlineMs: number): { token: number; answer: Promise<CoordinatorAnswer> } | null {
    if (this.#waits.size >= MAX_PARKED_WAITS) return null;
    const token = this.#next++;
    const answer = new Promise<CoordinatorAnswer>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.#waits.delete(token);
        resolve({ t: 'error', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: 'the coordinator did not answer a parked request in time' });
      }, deadlineMs);
      (timer as { unref?: () => void }).unref?.();
      this.#waits.set(token, { resolve, timer });
    });
    return { token, answer };
  }

  deliver(d: ParkedDelivery): void {
    const w = this.#waits.get(d.token);
    if (w === undefined) return;
    this.#waits.delete(d.token);
    this.clock.clearTimeout(w.timer);
    w.resolve(d.answer);
  }

  /** The request was answered through its ask: nothing will be delivered. */
  close(token: number): void {
    const w = this.#waits.get(token);
    if (w === undefined) return;
    this.#waits.delete(token);
    this.clock.clearTimeout(w.timer);
  }
}

/** The inbox behaviour; register inline with `factory: () => new ReplyInbox(registry)`. */
export class ReplyInbox implements Behaviour<ParkedDelivery, void> {
  constructor(private readonly replies: ParkedReplies) {}

  handle(msg: ParkedDelivery): void {
    this.replies.deliver(msg);
  }
}
