// Per-thread message routing: sends tells and asks to local actors directly
// and to other threads as one delivery message per destination, keeps the
// pending asks of this thread with their timeouts, and serves deliveries that
// arrive from other threads (the main thread also forwards deliveries between
// workers).
import { formatAddress, type ActorAddress } from './address.js';
import type { ActorHost } from './actor-host.js';
import type { ActorRef, AskManyItem, AskManyOptions, AskOptions, AskOutcome, TellOptions } from './behaviour.js';
import type { Clock, TimerHandle } from './clock.js';
import { AskTimeoutError, fromWireError, toWireError } from './errors.js';
import type { ReplySink } from './reply-sink.js';
import type { Router } from './router.js';
import type { WireDelivery, WireOutcome } from './wire.js';

/** Where an address lives, seen from this thread. */
export type Route = { local: true } | { local: false; link: number };

export interface DispatcherOptions {
  /** MAIN or this worker's index; the `from` of deliveries this thread sends */
  selfIndex: number;
  host: ActorHost;
  clock: Clock;
  askTimeoutMs: number;
  /** throws an operational error (unknown kind, kind stopping) when the address cannot be reached */
  route(kind: string, key: string): Route;
  /** whether route() of this kind/key may be cached on a ref */
  routeIsStable(kind: string): boolean;
  /** throws when the kind no longer accepts messages; checked on every send, cached route or not */
  checkOpen(kind: string): void;
  /** route of a delivery that arrived from another thread (default: route) */
  routeIncoming?(kind: string, key: string): Route;
  postDeliver(link: number, from: number, items: WireDelivery[], transfer: ArrayBuffer[]): void;
  postOutcomes(to: number, outcomes: WireOutcome[], transfer: ArrayBuffer[]): void;
}

interface Pending {
  settle(outcome: AskOutcome): void;
  link: number;
}

const noTransfer: ArrayBuffer[] = [];

class Ref<M, R> implements ActorRef<M, R> {
  readonly address: ActorAddress;
  route: Route | undefined;
  #d: Dispatcher;
  constructor(d: Dispatcher, kind: string, key: string) {
    this.address = { kind, key };
    this.#d = d;
  }
  tell(msg: M, opts?: TellOptions): void {
    this.#d.tell(this, msg, opts?.transfer);
  }
  ask(msg: M, opts?: AskOptions): Promise<R> {
    return this.#d.ask(this, msg, opts) as Promise<R>;
  }
}

export class Dispatcher implements Router {
  #o: DispatcherOptions;
  #nextReqId = 1;
  #pending = new Map<number, Pending>();
  deadLetters = 0;

  constructor(opts: DispatcherOptions) {
    this.#o = opts;
  }

  get pendingAsks(): number {
    return this.#pending.size;
  }

  ref<M, R = unknown>(kind: string, key: string): ActorRef<M, R> {
    return new Ref<M, R>(this, kind, key);
  }

  #routeOf(ref: ActorRef<unknown, unknown>): Route {
    const r = ref as Ref<unknown, unknown>;
    this.#o.checkOpen(ref.address.kind);
    if (r.route) return r.route;
    const route = this.#o.route(ref.address.kind, ref.address.key);
    if (r instanceof Ref && this.#o.routeIsStable(ref.address.kind)) r.route = route;
    return route;
  }

  tell(ref: ActorRef<unknown, unknown>, msg: unknown, transfer: ArrayBuffer[] | undefined): void {
    let route: Route;
    try {
      route = this.#routeOf(ref);
    } catch (err) {
      this.deadLetter(ref.address, (err as Error).message);
      return;
    }
    const { kind, key } = ref.address;
    if (route.local) {
      this.#o.host.deliver(kind, key, moveLocally(msg, transfer), null);
    } else {
      this.#o.postDeliver(route.link, this.#o.selfIndex, [{ kind, key, msg, reqId: 0 }], transfer ?? noTransfer);
    }
  }

  ask(ref: ActorRef<unknown, unknown>, msg: unknown, opts: AskOptions | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const settle = (o: AskOutcome) => (o.ok ? resolve(o.value) : reject(o.error));
      const timeoutMs = this.#timeoutOf(opts?.timeoutMs);
      let route: Route;
      try {
        route = this.#routeOf(ref);
      } catch (err) {
        reject(err);
        return;
      }
      const { kind, key } = ref.address;
      const what = `ask to ${formatAddress(ref.address)}`;
      if (route.local) {
        let timer: TimerHandle | null = null;
        let done = false;
        const once = (o: AskOutcome) => {
          if (done) return;
          done = true;
          if (timer !== null) this.#o.clock.clearTimeout(timer);
          settle(o);
        };
        if (timeoutMs !== Infinity) {
          timer = this.#o.clock.setTimeout(() => once({ ok: false, error: new AskTimeoutError(`${what} timed out after ${timeoutMs} ms`) }), timeoutMs);
        }
        this.#o.host.deliver(kind, key, moveLocally(msg, opts?.transfer), localSink(once));
        return;
      }
      const reqId = this.#nextReqId++;
      let timer: TimerHandle | null = null;
      this.#pending.set(reqId, {
        link: route.link,
        settle: (o) => {
          if (timer !== null) this.#o.clock.clearTimeout(timer);
          settle(o);
        },
      });
      if (timeoutMs !== Infinity) {
        timer = this.#o.clock.setTimeout(() => {
          if (!this.#pending.delete(reqId)) return;
          reject(new AskTimeoutError(`${what} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.#o.postDeliver(route.link, this.#o.selfIndex, [{ kind, key, msg, reqId }], opts?.transfer ?? noTransfer);
    });
  }

  askMany<R = unknown>(items: AskManyItem[], opts?: AskManyOptions): Promise<AskOutcome<R>[]> {
    const timeoutMs = this.#timeoutOf(opts?.timeoutMs);
    const results = new Array<AskOutcome<R> | undefined>(items.length);
    let open = items.length;
    if (open === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const reqIds: number[] = [];
      let timer: TimerHandle | null = null;
      const put = (i: number, o: AskOutcome) => {
        if (results[i] !== undefined) return;
        results[i] = o as AskOutcome<R>;
        if (--open === 0) {
          if (timer !== null) this.#o.clock.clearTimeout(timer);
          resolve(results as AskOutcome<R>[]);
        }
      };
      const perLink = new Map<number, { items: WireDelivery[]; transfer: ArrayBuffer[] }>();
      items.forEach((item, i) => {
        let route: Route;
        try {
          route = this.#routeOf(item.ref);
        } catch (err) {
          put(i, { ok: false, error: err as Error });
          return;
        }
        const { kind, key } = item.ref.address;
        if (route.local) {
          this.#o.host.deliver(kind, key, moveLocally(item.msg, item.transfer), localSink((o) => put(i, o)));
          return;
        }
        const reqId = this.#nextReqId++;
        reqIds.push(reqId);
        this.#pending.set(reqId, { link: route.link, settle: (o) => put(i, o) });
        let group = perLink.get(route.link);
        if (!group) perLink.set(route.link, (group = { items: [], transfer: [] }));
        group.items.push({ kind, key, msg: item.msg, reqId });
        if (item.transfer) group.transfer.push(...item.transfer);
      });
      if (open > 0 && timeoutMs !== Infinity) {
        timer = this.#o.clock.setTimeout(() => {
          timer = null;
          for (const id of reqIds) this.#pending.delete(id);
          results.forEach((r, i) => {
            if (r === undefined) put(i, { ok: false, error: new AskTimeoutError(`askMany item ${i} (${formatAddress(items[i]!.ref.address)}) timed out after ${timeoutMs} ms`) });
          });
        }, timeoutMs);
      }
      for (const [link, g] of perLink) this.#o.postDeliver(link, this.#o.selfIndex, g.items, g.transfer);
    });
  }

  /**
   * Serves a delivery from another thread: local actors get their messages,
   * others (only on the main thread) are forwarded, one message per
   * destination. All asks handled here are answered in one outcomes message.
   */
  onDeliver(from: number, items: WireDelivery[]): void {
    let open = 0;
    const outcomes: WireOutcome[] = [];
    const transfer: ArrayBuffer[] = [];
    let sealed = false;
    const flush = () => {
      if (!sealed || open !== 0 || outcomes.length === 0) return;
      try {
        this.#o.postOutcomes(from, outcomes, transfer);
      } catch (err) {
        // a reply that cannot be cloned: the asks get the error instead
        const error = toWireError(err);
        this.#o.postOutcomes(from, outcomes.map((o) => ({ reqId: o.reqId, ok: false, error })), []);
      }
    };
    const sink = (reqId: number): ReplySink => {
      open++;
      let done = false;
      return {
        resolve: (value, t) => {
          if (done) return;
          done = true;
          outcomes.push({ reqId, ok: true, value });
          if (t) transfer.push(...t);
          open--;
          flush();
        },
        reject: (err) => {
          if (done) return;
          done = true;
          outcomes.push({ reqId, ok: false, error: toWireError(err) });
          open--;
          flush();
        },
      };
    };
    const forward = new Map<number, WireDelivery[]>();
    for (const item of items) {
      let route: Route;
      try {
        this.#o.checkOpen(item.kind);
        route = this.#o.routeIncoming ? this.#o.routeIncoming(item.kind, item.key) : this.#o.route(item.kind, item.key);
      } catch (err) {
        if (item.reqId !== 0) sink(item.reqId).reject(err as Error);
        else this.deadLetter(item, (err as Error).message);
        continue;
      }
      if (route.local) {
        this.#o.host.deliver(item.kind, item.key, item.msg, item.reqId === 0 ? null : sink(item.reqId));
        continue;
      }
      let group = forward.get(route.link);
      if (!group) forward.set(route.link, (group = []));
      group.push(item);
    }
    // transferred buffers inside forwarded messages travel on with them
    for (const [link, group] of forward) this.#o.postDeliver(link, from, group, collectArrayBuffers(group));
    sealed = true;
    flush();
  }

  /** Answers to this thread's asks. */
  onOutcomes(outcomes: WireOutcome[]): void {
    for (const o of outcomes) {
      const p = this.#pending.get(o.reqId);
      if (!p) continue; // timed out already: a late reply is dropped
      this.#pending.delete(o.reqId);
      p.settle(o.ok ? { ok: true, value: o.value } : { ok: false, error: fromWireError(o.error) });
    }
  }

  /** Items that could not be posted: their asks fail with the error, their tells become dead letters. */
  failDelivery(items: WireDelivery[], err: unknown): void {
    // postMessage throws a DOMException (DataCloneError); callers get a plain TypeError
    const error = new TypeError(`message could not be posted to another thread: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    for (const item of items) {
      if (item.reqId === 0) {
        this.deadLetter(item, error.message);
        continue;
      }
      const p = this.#pending.get(item.reqId);
      if (!p) continue;
      this.#pending.delete(item.reqId);
      p.settle({ ok: false, error });
    }
  }

  /** Rejects pending asks (all, or those sent over one link). */
  rejectPending(err: Error, link?: number): void {
    for (const [id, p] of this.#pending) {
      if (link !== undefined && p.link !== link) continue;
      this.#pending.delete(id);
      p.settle({ ok: false, error: err });
    }
  }

  deadLetter(address: ActorAddress, _reason: string): void {
    this.deadLetters++;
  }

  #timeoutOf(timeoutMs: number | undefined): number {
    const t = timeoutMs ?? this.#o.askTimeoutMs;
    if (!(t > 0)) throw new RangeError(`ask timeoutMs must be > 0, got ${t}`);
    return t;
  }
}

function localSink(settle: (o: AskOutcome) => void): ReplySink {
  return {
    resolve: (value, transfer) => settle({ ok: true, value: moveLocally(value, transfer) }),
    reject: (error) => settle({ ok: false, error }),
  };
}

/**
 * Same-thread delivery with a transfer list still moves the buffers (the
 * sender's copies are detached), so code that works inline cannot come to
 * depend on a buffer it gave away and then break on a pool worker.
 */
function moveLocally<T>(value: T, transfer: ArrayBuffer[] | undefined): T {
  if (!transfer || transfer.length === 0) return value;
  return structuredClone(value, { transfer });
}

/** ArrayBuffers a forwarded message holds that arrived transferred, found shallowly. */
function collectArrayBuffers(items: WireDelivery[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const seen = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || v === null || typeof v !== 'object') return;
    if (v instanceof ArrayBuffer) {
      if (!seen.has(v)) seen.add(v), out.push(v);
      return;
    }
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer;
      if (b instanceof ArrayBuffer && !seen.has(b)) seen.add(b), out.push(b);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x, depth + 1);
  };
  for (const i of items) visit(i.msg, 0);
  return out;
}
