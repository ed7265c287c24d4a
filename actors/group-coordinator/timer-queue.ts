/**
 * Deadlines of one shard in a binary min-heap. Entries are never removed
 * early: each names what it is for and is checked when it fires (a stale one
 * is ignored), so arming is O(log n) and nothing has to find old entries.
 * Ties fire in the order they were armed.
 */

export type TimerTarget =
  | { readonly type: 'session'; readonly groupId: string; readonly memberId: string; readonly atMs: number }
  | { readonly type: 'pending'; readonly groupId: string; readonly memberId: string }
  | { readonly type: 'join'; readonly groupId: string; readonly epoch: number }
  | { readonly type: 'sync'; readonly groupId: string; readonly epoch: number }
  | { readonly type: 'offsetsExpiry' };

interface Entry {
  readonly atMs: number;
  readonly seq: number;
  readonly target: TimerTarget;
}

export class TimerQueue {
  #heap: Entry[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  arm(atMs: number, target: TimerTarget): void {
    const h = this.#heap;
    h.push({ atMs, seq: this.#seq++, target });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  nextAtMs(): number | null {
    return this.#heap.length === 0 ? null : this.#heap[0]!.atMs;
  }

  /** Removes and returns the earliest entry due at nowMs, or null. */
  popDue(nowMs: number): TimerTarget | null {
    const h = this.#heap;
    if (h.length === 0 || h[0]!.atMs > nowMs) return null;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.target;
  }

  clear(): void {
    this.#heap = [];
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
