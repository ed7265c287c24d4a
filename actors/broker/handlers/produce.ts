import { ATTRIBUTES_OFFSET, batchCompression, CompressionType, CURRENT_MAGIC, MAGIC_OFFSET, type TopicName } from '../../../protocol/index.js';
import type { AppendRequest, AppendResult } from '../../partition/messages.js';
import { partitionKey } from '../../partition/messages.js';
import { code, type ErrorName } from '../errors.js';
import type { BrokerCore } from '../broker-core.js';
import type { AskOutcome } from '../../runtime/index.js';
import { defineHandler } from '../handler.js';
import { isInternalTopic } from '../internal-topics.js';
import { partitionProblem } from '../../controller/catalog.js';
import { CloseConnection } from '../net/connection.js';
import { errorCodeOf, outcomeError } from '../outcome-error.js';
import { parkedFor } from '../metrics/request-timing.js';

const NO_OFFSET = -1n;
/** What Kafka refuses by the request's version before validating records: old magic in v3+, zstd before v7. */
function versionProblem(version: number, records: Uint8Array): { error: ErrorName; message: string } | null {
  if (records.length <= ATTRIBUTES_OFFSET + 1) return null;
  const magic = records[MAGIC_OFFSET];
  if (version >= 3 && magic !== CURRENT_MAGIC) return { error: 'INVALID_RECORD', message: `Produce requests with version ${version} are only allowed to contain record batches with magic version 2` };
  if (version < 7 && magic === CURRENT_MAGIC && batchCompression(records) === CompressionType.Zstd) return { error: 'UNSUPPORTED_COMPRESSION_TYPE', message: `Produce requests with version ${version} cannot carry zstd batches (from v7)` };
  return null;
}

/**
 * v0-11. v3+ carry exactly one record batch (magic 2) per partition, and zstd
 * from v7 (Kafka's ProduceRequest.validateRecords); v0-v2 carry message sets
 * of magic 0/1, stored as record batches (partition/stored-form.ts). Internal topics are refused
 * (INVALID_TOPIC_EXCEPTION): only the broker appends to them. The partitions of one request
 * are appended with one askMany: one message per worker. acks=0 is appended
 * and answered with nothing; acks=1 answers after the leader's append;
 * acks=-1 is refused before the append while the ISR is smaller than
 * min.insync.replicas (NOT_ENOUGH_REPLICAS) and answers once the high
 * watermark passes the batch (every ISR member has it), with
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below the minimum
 * meanwhile and REQUEST_TIMED_OUT after the request's timeout, as Kafka's
 * DelayedProduce. On a single node the high watermark is the log end.
 */
export const produce = defineHandler({
  apiKey: 0,
  advertised: { min: 0, max: 11 },
  accepts: { min: 0, max: 11 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const badAcks = req.acks !== 0 && req.acks !== 1 && req.acks !== -1;
    type Slot = { topic: string; index: number; errorCode: number; message: string | null; item: number; bytes: number };
    const slots: Slot[] = [];
    let refusal: ReturnType<typeof versionProblem>;
    let problem: ReturnType<typeof partitionProblem>;
    const items: Array<{ topic: string; partition: number; msg: AppendRequest; transfer?: ArrayBuffer[] }> = [];
    const pooled = broker.partitions.pooled;
    for (const t of req.topicData) {
      const topic = broker.controller.topic(t.name);
      for (const p of t.partitionData) {
        const slot: Slot = { topic: t.name, index: p.index, errorCode: 0, message: null, item: -1, bytes: p.records?.length ?? 0 };
        slots.push(slot);
        if (badAcks) slot.errorCode = code('INVALID_REQUIRED_ACKS');
        else if (isInternalTopic(t.name)) {
          slot.errorCode = code('INVALID_TOPIC_EXCEPTION');
          slot.message = `Cannot append to internal topic ${t.name}`;
        } else if ((problem = partitionProblem(broker.controller, topic, p.index)) !== null) slot.errorCode = code(problem);
        else if (p.records === null || p.records.length === 0) slot.errorCode = code('CORRUPT_MESSAGE');
        else if ((refusal = versionProblem(ctx.header.apiVersion, p.records)) !== null) {
          slot.errorCode = code(refusal.error);
          slot.message = refusal.message;
        } else {
          slot.item = items.length;
          const transactional = req.transactionalId !== null;
          if (pooled) {
            // A view would drag its whole socket buffer through the structured clone: copy exactly the records once, and move that.
            const records = new Uint8Array(p.records.length);
            records.set(p.records);
            items.push({ topic: t.name, partition: p.index, msg: { t: 'append', records, transactional, requiredAcks: req.acks }, transfer: [records.buffer] });
          } else {
            items.push({ topic: t.name, partition: p.index, msg: { t: 'append', records: p.records, transactional, requiredAcks: req.acks } });
          }
        }
      }
    }
    const started = broker.now();
    const outcomes = await broker.partitions.askMany<AppendResult>(items, Math.max(1, req.timeoutMs) + 1000);
    // Parked fetches (followers' and consumers') learn of the appends before acks=-1 waits on the followers.
    for (const slot of slots) {
      const o = slot.item >= 0 ? outcomes[slot.item]! : null;
      if (o !== null && o.ok && o.value.error === undefined) broker.fetchWatch.notify(partitionKey(slot.topic, slot.index));
    }
    const acked = req.acks === -1 ? await parkedFor(ctx.timing, replicated(broker, slots, outcomes, Math.max(0, req.timeoutMs - (broker.now() - started)))) : [];
    const byTopic = new Map<string, unknown[]>();
    for (const slot of slots) {
      let out = { index: slot.index, errorCode: slot.errorCode, baseOffset: NO_OFFSET, logAppendTimeMs: NO_OFFSET, logStartOffset: NO_OFFSET, recordErrors: [], errorMessage: slot.message };
      if (slot.item >= 0) {
        const o = outcomes[slot.item]!;
        if (!o.ok) {
          const e = outcomeError(o);
          out = { ...out, errorCode: e.errorCode, errorMessage: e.message };
        } else {
          const r = o.value;
          out = { ...out, errorCode: errorCodeOf(r.error), errorMessage: r.message ?? null, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTimeMs, logStartOffset: r.logStartOffset };
          // The one refusal that means a producer and this log disagree on what was written: worth a line for whoever looks into it.
          if (r.error === 'OUT_OF_ORDER_SEQUENCE_NUMBER') broker.log.info(`produce to ${slot.topic}-${slot.index} refused: ${r.message ?? r.error}`);
          const late = acked[slot.item];
          if (r.error === undefined && late !== undefined && late !== null) out = { ...out, errorCode: code(late.error), errorMessage: late.message };
        }
      }
      // Only topics that exist get series: a client naming random topics must not grow them.
      if (out.errorCode !== 0) {
        if (broker.controller.topic(slot.topic as TopicName) !== undefined) broker.metrics.produceFailed(slot.topic);
      } else if (slot.item >= 0) {
        const r = (outcomes[slot.item] as { value: AppendResult }).value;
        broker.metrics.produced(slot.topic, Number(r.lastOffset - r.baseOffset) + 1, slot.bytes);
      }
      let list = byTopic.get(slot.topic);
      if (list === undefined) byTopic.set(slot.topic, (list = []));
      list.push(out);
    }
    if (req.acks === 0) {
      // The client reads nothing back; closing is how Kafka tells an acks=0 producer that a write failed (it refreshes metadata and reconnects).
      const failed = [...byTopic.values()].flat().find((p) => (p as { errorCode: number }).errorCode !== 0) as { errorCode: number; errorMessage: string | null } | undefined;
      if (failed) throw new CloseConnection(`produce with acks=0 failed with error ${failed.errorCode}${failed.errorMessage ? `: ${failed.errorMessage}` : ''}`);
      return null;
    }
    return {
      throttleTimeMs: 0,
      responses: [...byTopic].map(([name, partitionResponses]) => ({ name: name as TopicName, partitionResponses: partitionResponses as never })),
    };
  },
  errorResponse: (req, errorCode, message) => ({
    responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, errorMessage: message, baseOffset: NO_OFFSET, logStartOffset: NO_OFFSET, logAppendTimeMs: NO_OFFSET })) })),
  }),
});

/**
 * acks=-1: waits, all partitions together, for each appended batch's high
 * watermark; by item, null when the batch is acknowledged.
 */
async function replicated(broker: BrokerCore, slots: ReadonlyArray<{ topic: string; index: number; item: number }>, outcomes: ReadonlyArray<AskOutcome<AppendResult>>, timeoutMs: number): Promise<Array<{ error: ErrorName; message: string } | null>> {
  const out: Array<{ error: ErrorName; message: string } | null> = [];
  await Promise.all(
    slots.map(async (slot) => {
      if (slot.item < 0) return;
      const o = outcomes[slot.item]!;
      if (!o.ok || o.value.error !== undefined) return;
      const r = o.value;
      const required = r.lastOffset + 1n;
      let isrSize = r.isrSize;
      if (r.highWatermark < required) {
        const w = await broker.ackWaits.wait(partitionKey(slot.topic, slot.index), required, r.leaderEpoch, timeoutMs);
        if (!w.ok) {
          out[slot.item] = { error: w.error, message: w.error === 'REQUEST_TIMED_OUT' ? `the ISR did not have the records within ${timeoutMs} ms` : 'leadership moved before the ISR had the records' };
          return;
        }
        isrSize = w.isrSize;
      }
      out[slot.item] = isrSize < r.minIsr ? { error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', message: `The size of the current ISR ${isrSize} is insufficient to satisfy the min.isr requirement of ${r.minIsr}` } : null;
    }),
  );
  return out;
}
