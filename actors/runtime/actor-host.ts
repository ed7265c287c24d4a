// The actors living on one thread (the main thread, or one pool worker):
// activates an actor on its first message and stops kinds on shutdown.
import { addressId, formatAddress } from './address.js';
import { ActorCell, type CellEnv } from './actor-cell.js';
import { ActorLimitError, ActorStoppedError, UnknownKindError } from './errors.js';
import type { BehaviourLoader, KindSpec } from './kinds.js';
import type { ReplySink } from './reply-sink.js';

export const defaultMaxActorsPerHost = 100_000;

export interface MailboxStats {
  readonly kind: string;
  readonly actors: number;
  /** Messages waiting in every mailbox of the kind. */
  readonly queued: number;
  /** The fullest mailbox of the kind. */
  readonly maxQueued: number;
}

export class ActorHost {
  #cells = new Map<string, ActorCell>();
  #kinds = new Map<string, KindSpec>();
  #closedKinds = new Set<string>();
  #env: CellEnv;
  #loader: BehaviourLoader;
  #maxActors: number;

  constructor(env: CellEnv, loader: BehaviourLoader, maxActors = defaultMaxActorsPerHost) {
    this.#env = env;
    this.#loader = loader;
    this.#maxActors = maxActors;
  }

  get size(): number {
    return this.#cells.size;
  }

  /** Each kind's actors here and the messages waiting in their mailboxes. */
  mailboxes(): MailboxStats[] {
    const byKind = new Map<string, MailboxStats>();
    for (const cell of this.#cells.values()) {
      const kind = cell.address.kind;
      const m = byKind.get(kind) ?? { kind, actors: 0, queued: 0, maxQueued: 0 };
      const q = cell.queued;
      byKind.set(kind, { kind, actors: m.actors + 1, queued: m.queued + q, maxQueued: Math.max(m.maxQueued, q) });
    }
    return [...byKind.values()];
  }

  addKind(spec: KindSpec): void {
    this.#kinds.set(spec.kind, spec);
  }

  cell(kind: string, key: string): ActorCell | undefined {
    return this.#cells.get(addressId(kind, key));
  }

  deliver(kind: string, key: string, msg: unknown, sink: ReplySink | null): void {
    const id = addressId(kind, key);
    let cell = this.#cells.get(id);
    if (!cell) {
      const refusal = this.#refuseActivation(kind, key);
      if (refusal) {
        if (sink) sink.reject(refusal);
        else this.#env.deadLetter({ kind, key }, refusal.message);
        return;
      }
      const spec = this.#kinds.get(kind)!;
      cell = new ActorCell({ kind, key }, spec, this.#env, () => this.#loader.load(spec));
      this.#cells.set(id, cell);
    }
    cell.enqueue(msg, sink);
  }

  #refuseActivation(kind: string, key: string): Error | null {
    if (this.#closedKinds.has(kind)) return new ActorStoppedError(`${formatAddress({ kind, key })}: kind ${kind} is stopping`);
    if (!this.#kinds.has(kind)) return new UnknownKindError(`no actor kind ${kind} registered`);
    if (this.#cells.size >= this.#maxActors) return new ActorLimitError(`host already runs ${this.#maxActors} actors`);
    return null;
  }

  /** Refuses new messages for the kind, drains and stops each of its actors. */
  async closeKind(kind: string): Promise<void> {
    this.#closedKinds.add(kind);
    const stopping: Promise<void>[] = [];
    for (const [id, cell] of this.#cells) {
      if (cell.address.kind !== kind) continue;
      stopping.push(cell.stop().finally(() => this.#cells.delete(id)));
    }
    await Promise.all(stopping);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#kinds.keys()].map((k) => this.closeKind(k)));
  }
}
