/**
 * The records of an uncompressed records section as byte ranges, with just
 * what the cleaner decides by: the key, whether the value is null, the offset
 * and timestamp deltas. A retained record is copied byte for byte (its deltas
 * stay relative to the batch's unchanged base offset and base timestamp), so
 * cleaning never re-encodes what a producer wrote.
 */
import { Reader } from '../../../protocol/primitives/reader.js';
import { ProtocolError } from '../../../protocol/protocol-error.js';

export interface RecordSlice {
  readonly start: number;
  readonly end: number;
  readonly offsetDelta: number;
  readonly timestampDelta: bigint;
  readonly key: Buffer | null;
  readonly tombstone: boolean;
}

export function recordSlices(section: Buffer, count: number): RecordSlice[] {
  const r = new Reader(section);
  const out: RecordSlice[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const length = r.varint();
    if (r.failed || length < 0 || length > r.remaining) throw new ProtocolError('length_exceeds_frame', `record ${i}: length ${length} with ${r.remaining} bytes left`);
    const end = r.pos + length;
    const outer = r.end;
    r.end = end;
    r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const keyLength = r.varint();
    const key = keyLength < 0 ? null : r.view(keyLength);
    const valueLength = r.varint();
    r.check();
    r.end = outer;
    r.pos = end;
    out.push({ start, end, offsetDelta, timestampDelta, key, tombstone: valueLength < 0 });
  }
  if (r.pos !== section.length) throw new ProtocolError('invalid_value', `${section.length - r.pos} bytes follow the batch's ${count} records`);
  return out;
}
