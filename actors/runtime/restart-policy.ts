// Supervision policy: how often an actor may crash before it is marked failed,
// and how long to wait before each restart (Erlang/OTP intensity and period,
// plus exponential backoff).

export interface RestartPolicy {
  /** crashes tolerated within periodMs; one more marks the actor failed */
  maxRestarts: number;
  periodMs: number;
  /** delay before the first restart in a period; doubles per further restart */
  backoffMs: number;
  backoffMaxMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  maxRestarts: 3,
  periodMs: 60_000,
  backoffMs: 100,
  backoffMaxMs: 10_000,
};

export function resolveRestartPolicy(partial: Partial<RestartPolicy> | undefined): RestartPolicy {
  const p = { ...defaultRestartPolicy, ...partial };
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`restart.${k} must be a finite number >= 0, got ${v}`);
  }
  return p;
}

/** Crash history of one actor. */
export class RestartTracker {
  #crashTimesMs: number[] = [];
  constructor(private readonly policy: RestartPolicy) {}

  /**
   * Records a crash at nowMs. Returns the backoff before restarting, or null
   * when the crash exceeds the intensity and the actor must be marked failed.
   */
  onCrash(nowMs: number): number | null {
    const since = nowMs - this.policy.periodMs;
    this.#crashTimesMs = this.#crashTimesMs.filter((t) => t > since);
    this.#crashTimesMs.push(nowMs);
    const n = this.#crashTimesMs.length;
    if (n > this.policy.maxRestarts) return null;
    return Math.min(this.policy.backoffMaxMs, this.policy.backoffMs * 2 ** (n - 1));
  }
}
