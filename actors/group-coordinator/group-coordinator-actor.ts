/**
 * GroupCoordinatorActor: one per `__consumer_offsets` partition (key = the
 * partition number). It owns a GroupShard and that partition's OffsetsLog and
 * runs Kafka's coordinator-runtime loop one message at a time:
 *
 *   operation -> shard (records, replies) -> append the records -> release the replies
 *
 * The append is awaited inside the handler, so no other operation of this
 * partition runs (or observes its state) before the records are in the log.
 * A request the shard parks is answered `parked` at once, and its reply is
 * told to the asker's inbox when a later operation or timer releases it, so
 * the mailbox never waits on a rebalance. If an append fails, the replies it
 * carried get the mapped error, everything still parked gets NOT_COORDINATOR,
 * and the shard is rebuilt from the log (what it holds is what was committed).
 */
import { ErrorCode } from '../../protocol/index.js';
import type { ActorAddress, ActorContext, Behaviour, BehaviourFactory, Cancellable } from '../runtime/index.js';
import { coordinatorPartition, OFFSETS_TOPIC, type CoordinatorAnswer, type CoordinatorMessage, type LoadAnswer, type ParkedDelivery, type ReplyAddress, type Replication } from './actor-messages.js';
import { appendErrorCode } from './append-errors.js';
import type { GroupOp } from './messages.js';
import type { OffsetsLog } from './offsets-log.js';
import { PartitionOffsetsLog } from './partition-offsets-log.js';
import { decodeRecordsBatch, encodeRecordsBatch, type CoordinatorRecord, type SkippedRecord } from './records.js';
import { groupSettings, type GroupSettings } from './settings.js';
import { GroupShard, type ShardResult } from './shard.js';

interface Parked {
  readonly replyTo: ReplyAddress;
  readonly token: number;
}

interface Current extends Parked {
  readonly id: number;
  readonly op: GroupOp;
}

export type OpenOffsetsLog = (ctx: ActorContext<CoordinatorMessage>, partition: number) => OffsetsLog;

export interface CoordinatorOptions {
  readonly openLog: OpenOffsetsLog;
  readonly uniqueId?: () => string;
}

/** Skipped records named one by one on a load; the rest are counted. */
const MAX_SKIP_WARNINGS = 10;
const NOT_LOADED = 'this broker has not loaded the group coordinator for that partition';

export class GroupCoordinatorBehaviour implements Behaviour<CoordinatorMessage, CoordinatorAnswer | LoadAnswer | null> {
  readonly partition: number;
  #shard: GroupShard | null = null;
  #settings: GroupSettings | null = null;
  #log: OffsetsLog | null = null;
  #parked = new Map<number, Parked>();
  #nextId = 1;
  #tick: { atMs: number; timer: Cancellable } | null = null;
  /** wall-clock ms minus the context clock: records carry epoch timestamps, timers run on the injected clock */
  #wallOffsetMs = 0;

  constructor(
    address: ActorAddress,
    private readonly opts: CoordinatorOptions,
  ) {
    const p = coordinatorPartition(address.key);
    if (p < 0) throw new TypeError(`group coordinator key must be ${OFFSETS_TOPIC}-<partition>, got ${address.key}`);
    this.partition = p;
  }

  start(ctx: ActorContext<CoordinatorMessage>): void {
    this.#wallOffsetMs = Date.now() - ctx.clock.now();
  }

  async handle(msg: CoordinatorMessage, ctx: ActorContext<CoordinatorMessage>): Promise<CoordinatorAnswer | LoadAnswer | null> {
    switch (msg.t) {
      case 'load':
        return this.#load(groupSettings(msg.settings), ctx);
      case 'unload':
        this.#unload(ctx, 'the group coordinator was unloaded');
        return null;
      case 'tick':
        this.#tick = null;
        if (this.#shard !== null) await this.#apply(this.#shard.tick(this.#now(ctx)), null, ctx);
        this.#reschedule(ctx);
        return null;
      case 'request': {
        if (this.#shard === null) return { t: 'error', errorCode: ErrorCode.NOT_COORDINATOR, message: NOT_LOADED };
        const current: Current = { id: this.#nextId++, op: msg.op, replyTo: msg.replyTo, token: msg.token };
        const answer = await this.#apply(this.#shard.handle(current.id, msg.op, this.#now(ctx)), current, ctx);
        this.#reschedule(ctx);
        return answer;
      }
    }
  }

  stop(ctx: ActorContext<CoordinatorMessage>): void {
    this.#unload(ctx, 'the group coordinator stopped');
  }

  #now(ctx: ActorContext<CoordinatorMessage>): number {
    return Math.floor(ctx.clock.now() + this.#wallOffsetMs);
  }

  async #load(settings: GroupSettings, ctx: ActorContext<CoordinatorMessage>): Promise<LoadAnswer> {
    if (this.#shard !== null) return { t: 'loaded', groups: this.#shard.groups.size, records: 0 };
    this.#settings = settings;
    this.#log ??= this.opts.openLog(ctx, this.partition);
    const records: CoordinatorRecord[] = [];
    let skipped = 0;
    const skip = (s: SkippedRecord) => {
      // The first few name their offsets; the count is in the load line.
      if (++skipped <= MAX_SKIP_WARNINGS) ctx.log.warn('skipping a __consumer_offsets record that does not decode', { partition: this.partition, offset: Number(s.offset), reason: s.reason });
    };
    for await (const batch of this.#log.readAll()) for (const r of decodeRecordsBatch(batch, skip)) records.push(r);
    const shard = new GroupShard(settings, this.opts.uniqueId === undefined ? {} : { uniqueId: this.opts.uniqueId });
    shard.load(records, this.#now(ctx));
    this.#shard = shard;
    this.#reschedule(ctx);
    ctx.log.info('group coordinator loaded', { partition: this.partition, groups: shard.groups.size, records: records.length, ...(skipped > 0 ? { skipped } : {}) });
    return { t: 'loaded', groups: shard.groups.size, records: records.length };
  }

  #unload(ctx: ActorContext<CoordinatorMessage>, message: string): void {
    this.#shard = null;
    this.#tick?.timer.cancel();
    this.#tick = null;
    for (const [, p] of this.#parked) this.#deliver(ctx, p, { t: 'error', errorCode: ErrorCode.NOT_COORDINATOR, message });
    this.#parked.clear();
  }

  /** Appends the result's records, then releases its replies; answers the current request (or says it is parked). */
  async #apply(result: ShardResult, current: Current | null, ctx: ActorContext<CoordinatorMessage>): Promise<CoordinatorAnswer | null> {
    let replicate: Replication | undefined;
    if (result.records.length > 0) {
      try {
        const r = await this.#log!.append(encodeRecordsBatch(result.records, this.#now(ctx)));
        replicate = { partition: this.partition, requiredOffset: r.lastOffset + 1n, highWatermark: r.highWatermark, isrSize: r.isrSize, minIsr: r.minIsr, leaderEpoch: r.leaderEpoch };
      } catch (err) {
        return this.#appendFailed(err, result, current, ctx);
      }
    }
    let answer: CoordinatorAnswer | null = null;
    for (const c of result.completions) {
      const reply: CoordinatorAnswer = { t: 'reply', reply: c.reply };
      if (current !== null && c.id === current.id) {
        // The asker may wait for the ISR to have the records (an offset commit does, as Kafka's acks=-1 append).
        answer = replicate === undefined ? reply : { ...reply, replicate };
        continue;
      }
      const p = this.#parked.get(c.id);
      if (p === undefined) continue;
      this.#parked.delete(c.id);
      this.#deliver(ctx, p, reply);
    }
    if (current !== null && answer === null) {
      this.#parked.set(current.id, { replyTo: current.replyTo, token: current.token });
      answer = { t: 'parked' };
    }
    return answer;
  }

  async #appendFailed(err: unknown, result: ShardResult, current: Current | null, ctx: ActorContext<CoordinatorMessage>): Promise<CoordinatorAnswer | null> {
    const message = `appending to ${this.#log === null ? 'the log' : 'the offsets partition'} failed: ${err instanceof Error ? err.message : String(err)}`;
    ctx.log.warn('group coordinator append failed; reloading', { partition: this.partition, err: message });
    const code = appendErrorCode(err, current?.op.op === 'commit');
    let answer: CoordinatorAnswer | null = null;
    const failed: CoordinatorAnswer = { t: 'error', errorCode: code, message };
    for (const c of result.completions) {
      if (current !== null && c.id === current.id) continue;
      const p = this.#parked.get(c.id);
      if (p === undefined) continue;
      this.#parked.delete(c.id);
      this.#deliver(ctx, p, failed);
    }
    if (current !== null) answer = failed;
    // the in-memory state ran ahead of the log: drop it and rebuild from what the log holds
    const settings = this.#settings!;
    this.#unload(ctx, message);
    try {
      await this.#load(settings, ctx);
    } catch (loadErr) {
      ctx.log.error('group coordinator reload failed; answering NOT_COORDINATOR until loaded again', { partition: this.partition, err: String(loadErr) });
    }
    return answer;
  }

  #deliver(ctx: ActorContext<CoordinatorMessage>, p: Parked, answer: CoordinatorAnswer): void {
    const delivery: ParkedDelivery = { token: p.token, answer };
    ctx.ref<ParkedDelivery>(p.replyTo.kind, p.replyTo.key).tell(delivery);
  }

  /** One scheduled tick at a time, at the shard's earliest deadline. */
  #reschedule(ctx: ActorContext<CoordinatorMessage>): void {
    const next = this.#shard?.nextDeadlineMs() ?? null;
    if (next === null) return;
    if (this.#tick !== null && this.#tick.atMs <= next) return;
    this.#tick?.timer.cancel();
    const delay = Math.max(0, next - this.#now(ctx));
    this.#tick = { atMs: next, timer: ctx.schedule(delay, { t: 'tick' }) };
  }
}

/** A behaviour factory with its own log (tests, benchmarks, embedding); inline placement only. */
export function groupCoordinatorFactory(opts: CoordinatorOptions): BehaviourFactory<CoordinatorMessage, CoordinatorAnswer | LoadAnswer | null> {
  return (address: ActorAddress) => new GroupCoordinatorBehaviour(address, opts);
}

/** The broker's kind: its log is the `__consumer_offsets` partition's PartitionActor. */
export class GroupCoordinatorActor extends GroupCoordinatorBehaviour {
  constructor(address: ActorAddress) {
    super(address, { openLog: (ctx, partition) => new PartitionOffsetsLog(ctx, partition) });
  }
}
