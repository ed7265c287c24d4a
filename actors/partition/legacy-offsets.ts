/**
 * ListOffsets v0's answer: not one offset but up to `maxNumOffsets` of them,
 * descending, from a table of (segment base offset, segment file's last
 * modified time) plus (log end offset, now) when the active segment holds
 * data, as Kafka's UnifiedLog.legacyFetchOffsetsBefore computes it: latest
 * starts at the end of the table, earliest at its start, a timestamp at the
 * last entry modified at or before it.
 */
export interface SegmentTime {
  readonly baseOffset: bigint;
  readonly bytes: number;
  readonly lastModifiedMs: number;
}

const LATEST = -1n;
const EARLIEST = -2n;

export function legacyOffsetsBefore(segments: readonly SegmentTime[], logStartOffset: bigint, logEndOffset: bigint, nowMs: number, timestamp: bigint, maxNumOffsets: number): bigint[] {
  if (segments.length === 0 || maxNumOffsets <= 0) return [];
  const table: Array<{ offset: bigint; time: number }> = segments.map((s) => ({ offset: s.baseOffset > logStartOffset ? s.baseOffset : logStartOffset, time: s.lastModifiedMs }));
  if (segments[segments.length - 1]!.bytes > 0) table.push({ offset: logEndOffset, time: nowMs });
  let start: number;
  if (timestamp === LATEST) start = table.length - 1;
  else if (timestamp === EARLIEST) start = 0;
  else {
    start = table.length - 1;
    while (start >= 0 && BigInt(Math.floor(table[start]!.time)) > timestamp) start--;
  }
  const out: bigint[] = [];
  for (let i = start; i >= 0 && out.length < maxNumOffsets; i--) out.push(table[i]!.offset);
  return out.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
}
