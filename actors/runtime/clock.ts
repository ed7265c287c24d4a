// Time as the runtime sees it. Every timer in the runtime (ask timeouts,
// restart backoff, scheduled messages) goes through a Clock so tests can drive
// time by hand instead of sleeping.

export type TimerHandle = unknown;

export interface Clock {
  /** milliseconds; only differences are meaningful */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Node fires a timer longer than 2^31-1 ms after 1 ms. Delays come from the wire (a Produce
 * timeout plus a margin, a rebalance timeout...): they are capped, never turned into "now".
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, Math.min(delayMs, MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  id: number;
  dueMs: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. Timers fire inside advance(), in due
 * order (ties in creation order), including timers set by timers that fall
 * inside the same advance. Workers of an ActorSystem started with a ManualClock
 * mirror it: each advance is forwarded to them in order with other messages.
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #nextId = 1;
  #timers: ManualTimer[] = [];
  #listeners: Array<(nowMs: number) => void> = [];

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.#nextId++, dueMs: this.#nowMs + Math.max(0, delayMs), fn };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.#timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** number of timers not yet fired */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  advance(ms: number): void {
    this.advanceTo(this.#nowMs + ms);
  }

  advanceTo(targetMs: number): void {
    if (targetMs < this.#nowMs) throw new RangeError(`clock cannot go back: ${targetMs} < ${this.#nowMs}`);
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.#timers) {
        if (t.dueMs <= targetMs && (!next || t.dueMs < next.dueMs || (t.dueMs === next.dueMs && t.id < next.id))) next = t;
      }
      if (!next) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#nowMs = next.dueMs;
      next.fn();
    }
    this.#nowMs = targetMs;
    for (const l of this.#listeners) l(targetMs);
  }

  /** called after every advance with the new time */
  onAdvance(listener: (nowMs: number) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }
}
