/**
 * The asking side of the group coordinators, used by the API handlers: routes
 * a group to its partition's coordinator, makes sure that coordinator is
 * loaded (once, and again after it reports NOT_COORDINATOR), and waits for
 * parked answers in the reply inbox. Every failure comes back as a Kafka
 * error code for the handler's error response, never as a throw.
 */
import { ErrorCode } from '../../protocol/index.js';
import type { ActorRef } from '../runtime/index.js';
import { GROUP_COORDINATOR_KIND, coordinatorKey, type CoordinatorAnswer, type CoordinatorMessage, type LoadAnswer, type ReplyAddress, type Replication } from './actor-messages.js';
import { partitionForGroup } from './java-hash.js';
import type { GroupOp, ReplyByOp } from './messages.js';
import type { ParkedReplies } from './reply-inbox.js';
import type { GroupSettings } from './settings.js';

export interface RefSource {
  ref<M, R = unknown>(kind: string, key: string): ActorRef<M, R>;
}

export type Outcome<R> = { readonly ok: true; readonly reply: R; readonly replicate?: Replication } | { readonly ok: false; readonly errorCode: number; readonly message: string };

export interface CoordinatorClientOptions {
  readonly actors: RefSource;
  readonly settings: GroupSettings;
  readonly replies: ParkedReplies;
  /** the inbox actor on this thread */
  readonly inbox: ReplyAddress;
  /** runs before a partition is first loaded: e.g. create the offsets topic */
  readonly prepare?: () => Promise<void>;
  /** Whether this broker leads a `__consumer_offsets` partition (always, on a single node): a group elsewhere gets NOT_COORDINATOR. */
  readonly leads?: (partition: number) => boolean;
  readonly askTimeoutMs?: number;
}

/** Margin over the longest a shard can park a request (its rebalance timeouts) before the inbox gives up. */
const PARKED_MARGIN_MS = 30_000;
const DEFAULT_ASK_TIMEOUT_MS = 30_000;

export class GroupCoordinatorClient {
  readonly settings: GroupSettings;
  #loaded = new Map<number, Promise<void>>();
  #refs = new Map<number, ActorRef<CoordinatorMessage, CoordinatorAnswer | LoadAnswer | null>>();

  constructor(private readonly opts: CoordinatorClientOptions) {
    this.settings = opts.settings;
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.settings.offsetsTopicPartitions);
  }

  /** One operation on one partition's coordinator. parkedMs bounds how long a parked answer is awaited. */
  async request<K extends GroupOp['op']>(partition: number, op: Extract<GroupOp, { op: K }>, parkedMs = 0): Promise<Outcome<ReplyByOp[K]>> {
    try {
      // The offsets topic first: whether this broker leads a partition of it is known once it exists.
      await this.opts.prepare?.();
    } catch (err) {
      return { ok: false, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: `loading the group coordinator failed: ${(err as Error).message}` };
    }
    if (this.opts.leads !== undefined && !this.opts.leads(partition)) {
      this.#loaded.delete(partition);
      return { ok: false, errorCode: ErrorCode.NOT_COORDINATOR, message: 'This is not the correct coordinator.' };
    }
    try {
      await this.#ensureLoaded(partition);
    } catch (err) {
      return { ok: false, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: `loading the group coordinator failed: ${(err as Error).message}` };
    }
    const wait = this.opts.replies.open(parkedMs + PARKED_MARGIN_MS);
    if (wait === null) return { ok: false, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: 'too many requests waiting on group coordinators' };
    let answer: CoordinatorAnswer;
    try {
      const a = await this.#ref(partition).ask({ t: 'request', op, replyTo: this.opts.inbox, token: wait.token }, { timeoutMs: this.opts.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS });
      answer = a as CoordinatorAnswer;
    } catch (err) {
      this.opts.replies.close(wait.token);
      return { ok: false, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: `group coordinator unavailable: ${(err as Error).message}` };
    }
    if (answer.t === 'parked') answer = await wait.answer;
    else this.opts.replies.close(wait.token);
    if (answer.t === 'reply') return answer.replicate === undefined ? { ok: true, reply: answer.reply as ReplyByOp[K] } : { ok: true, reply: answer.reply as ReplyByOp[K], replicate: answer.replicate };
    if (answer.t === 'error') {
      if (answer.errorCode === ErrorCode.NOT_COORDINATOR) this.#loaded.delete(partition);
      return { ok: false, errorCode: answer.errorCode, message: answer.message };
    }
    return { ok: false, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, message: 'unexpected coordinator answer' };
  }

  /** Loads a partition's coordinator (creating the offsets topic first if needed); false if that failed. */
  async load(partition: number): Promise<boolean> {
    try {
      await this.opts.prepare?.();
    } catch {
      return false;
    }
    if (this.opts.leads !== undefined && !this.opts.leads(partition)) return false;
    try {
      await this.#ensureLoaded(partition);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs the preparation (creating `__consumer_offsets`) without loading anything; false if it failed. */
  async prepared(): Promise<boolean> {
    try {
      await this.opts.prepare?.();
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets what was loaded, so the next request loads again (after the coordinators were restarted). */
  reset(): void {
    this.#loaded.clear();
  }

  #ref(partition: number) {
    let r = this.#refs.get(partition);
    if (r === undefined) {
      r = this.opts.actors.ref<CoordinatorMessage, CoordinatorAnswer | LoadAnswer | null>(GROUP_COORDINATOR_KIND, coordinatorKey(partition));
      this.#refs.set(partition, r);
    }
    return r;
  }

  #ensureLoaded(partition: number): Promise<void> {
    let p = this.#loaded.get(partition);
    if (p === undefined) {
      p = (async () => {
        await this.opts.prepare?.();
        await this.#ref(partition).ask({ t: 'load', settings: this.settings }, { timeoutMs: this.opts.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS });
      })();
      this.#loaded.set(partition, p);
      p.catch(() => this.#loaded.delete(partition));
    }
    return p;
  }
}
