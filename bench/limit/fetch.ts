// Fetch on the limit server: answered from the in-memory FetchLog with its bytes
// attached by reference. A fetch with nothing to return is parked for its
// maxWaitMs, as a broker's long poll would be when no producer writes.
import { Cursor, Out } from './wire.js';
import type { FetchLog } from './fetch-log.js';

export const FETCH_VERSIONS = { min: 4, max: 12 } as const;
const FLEXIBLE_FROM = 12;

export interface FetchAnswer {
  chunks: Buffer[];
  /** > 0: send after this many ms (nothing to return yet) */
  delayMs: number;
}

export function answerFetch(frame: Buffer, bodyStart: number, version: number, correlationId: number, log: FetchLog): FetchAnswer {
  const flex = version >= FLEXIBLE_FROM;
  const c = new Cursor(frame, bodyStart);
  c.i32(); // replica id
  const maxWaitMs = c.i32();
  const minBytes = c.i32();
  let budget = c.i32(); // max bytes (v3+)
  c.i8(); // isolation level
  if (version >= 7) {
    c.i32(); // session id
    c.i32(); // session epoch
  }
  const out = new Out(128);
  out.i32(correlationId);
  if (flex) out.uvarint(0);
  out.i32(0); // throttle time
  if (version >= 7) {
    out.i16(0);
    out.i32(0); // no fetch session
  }
  const topics = c.arrayLen(flex);
  out.arrayLen(topics, flex);
  let returned = 0;
  for (let t = 0; t < topics; t++) {
    const [ns, ne] = c.stringSpan(flex);
    out.stringFrom(frame, ns, ne, flex);
    const parts = c.arrayLen(flex);
    out.arrayLen(parts, flex);
    for (let p = 0; p < parts; p++) {
      const index = c.i32();
      if (version >= 9) c.i32(); // current leader epoch
      const fetchOffset = c.i64();
      if (version >= 12) c.i32(); // last fetched epoch
      if (version >= 5) c.i64(); // log start offset
      const partitionMaxBytes = c.i32();
      if (flex) c.skipTags();
      const data = returned > 0 && budget <= 0 ? log.read(-1, 0) : log.read(fetchOffset, Math.min(partitionMaxBytes, Math.max(budget, 1)));
      budget -= data.length;
      returned += data.length;
      out.i32(index);
      out.i16(0);
      out.i64(log.endOffset); // high watermark
      out.i64(log.endOffset); // last stable offset
      if (version >= 5) out.i64(0); // log start offset
      out.arrayLen(0, flex); // aborted transactions
      if (version >= 11) out.i32(-1); // preferred read replica
      out.arrayLen(data.length, flex); // records length, same encoding as an array's
      if (data.length > 0) out.attach(data);
      if (flex) out.uvarint(0);
    }
    if (flex) c.skipTags();
    if (flex) out.uvarint(0);
  }
  if (flex) out.uvarint(0);
  return { chunks: out.finishChunks(), delayMs: returned === 0 || returned < minBytes ? Math.max(0, maxWaitMs) : 0 };
}
