/**
 * OffsetsLog over the PartitionActor of `__consumer_offsets-<n>`: appends are
 * ordinary (non-transactional) appends, a load reads from the log start to
 * the high watermark in chunks of at most READ_CHUNK_BYTES (grown up to
 * READ_CHUNK_MAX_BYTES when a single batch is larger).
 */
import { recordBatches } from '../../protocol/index.js';
import type { AppendResult, PartitionMessage, ReadResult } from '../partition/messages.js';
import { PARTITION_KIND, partitionKey } from '../partition/messages.js';
import type { ActorContext, ActorRef } from '../runtime/index.js';
import { OFFSETS_TOPIC } from './actor-messages.js';
import type { AppendedRange, OffsetsLog } from './offsets-log.js';

const READ_CHUNK_BYTES = 1 << 20;
const READ_CHUNK_MAX_BYTES = 64 << 20;
const ASK_TIMEOUT_MS = 30_000;

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export class PartitionOffsetsLog implements OffsetsLog {
  readonly #ref: ActorRef<PartitionMessage, unknown>;

  constructor(ctx: Pick<ActorContext, 'ref'>, partition: number) {
    this.#ref = ctx.ref<PartitionMessage>(PARTITION_KIND, partitionKey(OFFSETS_TOPIC, partition));
  }

  async append(batch: Buffer): Promise<AppendedRange> {
    const r = (await this.#ref.ask({ t: 'append', records: batch, transactional: false }, { timeoutMs: ASK_TIMEOUT_MS })) as AppendResult;
    if (r.error !== undefined) throw Object.assign(new Error(r.message ?? r.error), { kafkaError: r.error });
    const count = batch.readInt32BE(57);
    return { baseOffset: r.baseOffset, lastOffset: r.baseOffset + BigInt(count - 1), highWatermark: r.highWatermark, isrSize: r.isrSize, minIsr: r.minIsr, leaderEpoch: r.leaderEpoch };
  }

  async *readAll(): AsyncIterable<Buffer> {
    let offset = 0n;
    let chunk = READ_CHUNK_BYTES;
    for (;;) {
      const r = (await this.#ref.ask({ t: 'read', offset, maxBytes: chunk, isolationLevel: 0, currentLeaderEpoch: -1, toLogEnd: true }, { timeoutMs: ASK_TIMEOUT_MS })) as ReadResult;
      if (r.error === 'OFFSET_OUT_OF_RANGE' && offset < r.logStartOffset) {
        offset = r.logStartOffset;
        continue;
      }
      if (r.error !== undefined) throw Object.assign(new Error(`reading ${OFFSETS_TOPIC} failed: ${r.error}`), { kafkaError: r.error });
      if (offset >= r.highWatermark) return;
      let progressed = false;
      for (const view of r.records) {
        // copy: views may map the segment file, and decoded records must not alias it
        for (const b of recordBatches(Buffer.from(toBuffer(view)))) {
          if (b.lastOffset < offset) continue;
          progressed = true;
          offset = b.lastOffset + 1n;
          yield b.bytes;
        }
      }
      if (!progressed) {
        if (chunk >= READ_CHUNK_MAX_BYTES) throw new Error(`${OFFSETS_TOPIC}: no whole batch at offset ${offset} within ${chunk} bytes`);
        chunk = Math.min(chunk * 4, READ_CHUNK_MAX_BYTES);
      }
    }
  }
}
