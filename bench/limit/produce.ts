// Produce on the limit server: every partition answered with success and the next
// offset of a per-partition counter, nothing stored or checked (no CRC, no
// decode). Reads only the topic and partition fields and each batch's record
// count; acks=0 gets no response, as in Kafka. With a RecordStore the record
// bytes are also written to a file per partition (the storing variant).
import { RECORD_COUNT_OFFSET } from '../../protocol/index.js';
import type { RecordStore } from './record-store.js';
import { Cursor, Out } from './wire.js';

export const PRODUCE_VERSIONS = { min: 3, max: 11 } as const;
const FLEXIBLE_FROM = 9;

/** Next offset per topic and partition. */
export class OffsetCounters {
  private readonly byTopic = new Map<string, number[]>();
  take(topic: string, partition: number, records: number): number {
    let t = this.byTopic.get(topic);
    if (!t) this.byTopic.set(topic, (t = []));
    const base = t[partition] ?? 0;
    t[partition] = base + records;
    return base;
  }
}

/** The response frame, or null for acks=0. */
export function answerProduce(frame: Buffer, bodyStart: number, version: number, correlationId: number, offsets: OffsetCounters, store?: RecordStore): Buffer | null {
  const flex = version >= FLEXIBLE_FROM;
  const c = new Cursor(frame, bodyStart);
  const [txStart] = c.stringSpan(flex); // transactional id
  void txStart;
  const acks = c.i16();
  c.i32(); // timeout
  const topics = c.arrayLen(flex);
  const out = acks === 0 ? null : new Out(64 + topics * 64);
  if (out) {
    out.i32(correlationId);
    if (flex) out.uvarint(0);
    out.arrayLen(topics, flex);
  }
  for (let t = 0; t < topics; t++) {
    const [ns, ne] = c.stringSpan(flex);
    const name = frame.toString('latin1', ns, ne);
    const parts = c.arrayLen(flex);
    if (out) {
      out.stringFrom(frame, ns, ne, flex);
      out.arrayLen(parts, flex);
    }
    for (let p = 0; p < parts; p++) {
      const index = c.i32();
      const len = c.bytesLen(flex);
      const records = len >= RECORD_COUNT_OFFSET + 4 ? frame.readInt32BE(c.pos + RECORD_COUNT_OFFSET) : 0;
      if (len > 0) {
        store?.write(name, index, frame, c.pos, c.pos + len);
        c.skip(len);
      }
      if (flex) c.skipTags();
      const base = offsets.take(name, index, records);
      if (!out) continue;
      out.i32(index);
      out.i16(0); // error code
      out.i64(base);
      out.i64(-1); // log append time: CreateTime topics
      if (version >= 5) out.i64(0); // log start offset
      if (version >= 8) {
        out.arrayLen(0, flex); // record errors
        out.nullString(flex); // error message
      }
      if (flex) out.uvarint(0);
    }
    if (flex) c.skipTags();
    if (out && flex) out.uvarint(0);
  }
  if (!out) return null;
  out.i32(0); // throttle time
  if (flex) out.uvarint(0);
  return out.frame();
}
