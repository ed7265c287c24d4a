/**
 * The console's message browser: records of one partition from an offset (or
 * the first at or after a timestamp), decoded from the batches this broker
 * hosts. Bounded: at most MAX_LIMIT records and one read of READ_BYTES per
 * request; control batches are left out, as consumers leave them out.
 */
import type { Broker } from '../actors/broker/broker.js';
import type { ListOffsetResult, ReadResult } from '../actors/partition/messages.js';
import { decodeRecordBatchSync, recordBatches } from '../protocol/index.js';
import { HttpError } from './http-error.js';

export const MAX_LIMIT = 500;
const READ_BYTES = 1024 * 1024;
/** Any epoch: the browser reads what the replica here has, leader or not. */
const ANY_EPOCH = -1;
const READ_UNCOMMITTED = 0;

export interface BrowseQuery {
  readonly offset?: bigint;
  readonly timestamp?: bigint;
  readonly limit: number;
}

const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));

export async function browseMessages(broker: Broker, topicName: string, partition: number, q: BrowseQuery): Promise<unknown> {
  const topic = broker.controller.topic(topicName);
  if (topic === undefined || !Number.isInteger(partition) || partition < 0 || partition >= topic.partitions) throw new HttpError(404, 'UNKNOWN_TOPIC_OR_PARTITION', `${topicName}-${partition} does not exist`);
  if (!broker.partitions.open.has(`${topicName}-${partition}`)) {
    const leader = broker.controller.partition(topic, partition).leader;
    throw new HttpError(409, 'NOT_LEADER_OR_FOLLOWER', `${topicName}-${partition} has no replica on broker ${broker.brokerId}${leader >= 0 ? `; its leader is broker ${leader}` : ''}`);
  }
  const ask = async <R>(msg: Parameters<Broker['partitions']['askMany']>[0][number]['msg']): Promise<R> => {
    const [o] = await broker.partitions.askMany<R>([{ topic: topicName, partition, msg }]);
    if (!o!.ok) throw new HttpError(503, 'UNKNOWN_SERVER_ERROR', o!.error.message);
    return o!.value;
  };
  let start = q.offset ?? 0n;
  if (q.timestamp !== undefined) {
    const found = await ask<ListOffsetResult>({ t: 'listOffset', timestamp: q.timestamp, isolationLevel: READ_UNCOMMITTED, currentLeaderEpoch: ANY_EPOCH });
    if (found.error !== undefined) throw new HttpError(409, found.error, `no offset for timestamp ${q.timestamp}: ${found.error}`);
    start = found.offset;
  }
  const readFrom = (offset: bigint) => ask<ReadResult>({ t: 'read', offset, maxBytes: READ_BYTES, isolationLevel: READ_UNCOMMITTED, currentLeaderEpoch: ANY_EPOCH });
  let read = await readFrom(start);
  // Below the log start (retention, DeleteRecords): from the first offset there is.
  if (read.error === 'OFFSET_OUT_OF_RANGE' && start >= 0n && start < read.logStartOffset) read = await readFrom((start = read.logStartOffset));
  const base = { topic: topicName, partition, logStartOffset: read.logStartOffset, highWatermark: read.highWatermark };
  // At or past the high watermark (or no record at the timestamp): nothing yet, the next page starts there.
  if (read.error === 'OFFSET_OUT_OF_RANGE' || start < 0n) return { ...base, nextOffset: start < 0n ? read.highWatermark : start, messages: [] };
  if (read.error !== undefined) throw new HttpError(409, read.error, `${topicName}-${partition}: ${read.error}`);
  const messages = [];
  let next = start;
  outer: for (const chunk of read.records) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (const header of recordBatches(bytes)) {
      const batch = decodeRecordBatchSync(header, { verifyCrc: false, maxDecompressedBytes: 64 * READ_BYTES });
      if (batch.isControl) {
        next = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
        continue;
      }
      for (const r of batch.records) {
        if (r.offset < start) continue;
        if (messages.length >= q.limit) break outer;
        messages.push({
          offset: r.offset,
          timestamp: Number(batch.timestampType === 1 ? batch.maxTimestamp : r.timestamp),
          timestampType: batch.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
          key: b64(r.key),
          value: b64(r.value),
          headers: r.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
        });
        next = r.offset + 1n;
      }
      // compaction leaves gaps: the next page starts after the batch, not at a removed offset
      if (messages.length < q.limit) next = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
    }
  }
  return { ...base, nextOffset: next, messages };
}
