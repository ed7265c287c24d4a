/**
 * Reads a partition back over Fetch and checks what the broker serves, batch
 * by batch, with our own walk (not the client's forgiving one): magic 2, the
 * CRC-32C of every batch, record counts, and offsets dense from the log start
 * to the high watermark.
 */
import { crc32c, decodeRecordBatchSync, type TopicName } from '../../../protocol/index.js';
import type { WireClient } from './wire.js';

const BATCH_HEADER_BYTES = 61;
const LOG_OVERHEAD_BYTES = 12;
const FETCH_VERSION = 11;
const PARTITION_MAX_BYTES = 1 << 20;
/** Fetch rounds without progress before the read gives up. */
const STALL_ROUNDS_MAX = 3;

export interface PartitionContents {
  readonly partition: number;
  /** value bytes by offset */
  readonly values: Map<number, Buffer>;
  logStartOffset: number;
  highWatermark: number;
  batches: number;
  readonly problems: string[];
}

/** Walks one fetched records buffer; returns the next expected offset. Problems are pushed, never thrown. */
export function checkBatches(records: Buffer, expectedOffset: number, into: PartitionContents): number {
  let pos = 0;
  let next = expectedOffset;
  while (records.length - pos >= LOG_OVERHEAD_BYTES) {
    const size = LOG_OVERHEAD_BYTES + records.readInt32BE(pos + 8);
    // A fetch may end with a partial batch; the next fetch starts at it again.
    if (size > records.length - pos) break;
    const where = `partition ${into.partition} batch at offset ${records.readBigInt64BE(pos)}`;
    if (size < BATCH_HEADER_BYTES) {
      into.problems.push(`${where}: size ${size} below the v2 header`);
      return -1;
    }
    const batch = records.subarray(pos, pos + size);
    const base = Number(batch.readBigInt64BE(0));
    const magic = batch.readInt8(16);
    const crc = batch.readUInt32BE(17);
    const lastOffsetDelta = batch.readInt32BE(23);
    const count = batch.readInt32BE(57);
    if (magic !== 2) into.problems.push(`${where}: magic ${magic}`);
    else if (crc32c(batch, 21, size) >>> 0 !== crc) into.problems.push(`${where}: CRC-32C mismatch (served a corrupt batch)`);
    else if (base !== next) into.problems.push(`${where}: expected base offset ${next} (offsets not dense)`);
    else if (count !== lastOffsetDelta + 1) into.problems.push(`${where}: ${count} records but lastOffsetDelta ${lastOffsetDelta}`);
    else {
      let decoded;
      try {
        decoded = decodeRecordBatchSync(batch);
      } catch (err) {
        into.problems.push(`${where}: records do not decode (${(err as Error).message}): the broker stored a broken batch`);
        return -1;
      }
      decoded.records.forEach((r, i) => {
        if (Number(r.offset) !== base + i) into.problems.push(`${where}: record ${i} has offset ${r.offset}`);
        into.values.set(Number(r.offset), Buffer.from(r.value ?? Buffer.alloc(0)));
      });
      into.batches++;
      next = base + count;
      pos += size;
      continue;
    }
    return -1;
  }
  return next;
}

export async function readPartition(client: WireClient, topic: string, partition: number): Promise<PartitionContents> {
  const out: PartitionContents = { partition, values: new Map(), logStartOffset: 0, highWatermark: -1, batches: 0, problems: [] };
  let offset = 0;
  let stalls = 0;
  for (;;) {
    const res = await client.request(1, FETCH_VERSION, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 8 << 20,
      topics: [{ topic: topic as TopicName, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: PARTITION_MAX_BYTES, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
    });
    const p = res.responses[0]?.partitions[0];
    if (p === undefined || p.errorCode !== 0) {
      out.problems.push(`partition ${partition}: fetch at ${offset} answered error ${p?.errorCode ?? res.errorCode}`);
      return out;
    }
    out.highWatermark = Number(p.highWatermark);
    out.logStartOffset = Number(p.logStartOffset);
    if (offset >= out.highWatermark) return out;
    const next = checkBatches(p.records ?? Buffer.alloc(0), offset, out);
    if (next < 0) return out;
    if (next === offset && ++stalls >= STALL_ROUNDS_MAX) {
      out.problems.push(`partition ${partition}: no progress at offset ${offset} below high watermark ${out.highWatermark}`);
      return out;
    }
    if (next > offset) stalls = 0;
    offset = next;
  }
}

export interface Ack {
  readonly partition: number;
  readonly offset: number;
  readonly value: Buffer;
}

/** Every acknowledged record must be at its offset with its exact bytes. */
export function missingAcks(contents: readonly PartitionContents[], acks: Iterable<Ack>, problemsMax = 20): { checked: number; problems: string[] } {
  const byPartition = new Map(contents.map((c) => [c.partition, c]));
  const problems: string[] = [];
  let checked = 0;
  for (const a of acks) {
    checked++;
    const got = byPartition.get(a.partition)?.values.get(a.offset);
    if (got === undefined) problems.push(`acknowledged record ${a.partition}@${a.offset} is missing`);
    else if (!got.equals(a.value)) problems.push(`record ${a.partition}@${a.offset} holds ${JSON.stringify(got.toString('latin1').slice(0, 40))}, acknowledged ${JSON.stringify(a.value.toString('latin1').slice(0, 40))}`);
    if (problems.length >= problemsMax) break;
  }
  return { checked, problems };
}
