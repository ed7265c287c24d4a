/**
 * The records of an uncompressed records section as byte ranges, with just
 * what the cleaner decides by: the key, whether the value is null, the offset
 * and timestamp deltas. A retained record is copied byte for byte (its deltas
 * stay relative to the batch's unchanged base offset and base timestamp), so
 * cleaning never re-encodes what a producer wrote.
 *
 * Hand-rolled varints over plain numbers: this loop runs once per record of
 * every cleaned log, twice (map, then rewrite). A timestamp delta past 2^53
 * ms cannot be a real one and is refused.
 */
import { ProtocolError } from '../../../protocol/protocol-error.js';

export interface RecordSlice {
  readonly start: number;
  readonly end: number;
  readonly offsetDelta: number;
  readonly timestampDelta: number;
  /** the key's bytes as a latin1 string (one char per byte: exact, and what the offset map hashes), or null */
  readonly key: string | null;
  readonly tombstone: boolean;
}

/** Zigzag varint at `at`, at most `maxBytes` long and within `end`: [value, next position]; null if malformed. */
function varint(buf: Buffer, at: number, end: number, maxBytes: number): [number, number] | null {
  let u = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes && at < end; i++) {
    const b = buf[at++]!;
    u += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (u > Number.MAX_SAFE_INTEGER) return null;
      return [u % 2 === 1 ? -(u + 1) / 2 : u / 2, at];
    }
    scale *= 128;
  }
  return null;
}

function bad(i: number, what: string): never {
  throw new ProtocolError('invalid_value', `record ${i}: ${what}`);
}

export function recordSlices(section: Buffer, count: number): RecordSlice[] {
  const out: RecordSlice[] = new Array(count);
  let pos = 0;
  const total = section.length;
  for (let i = 0; i < count; i++) {
    const start = pos;
    const len = varint(section, pos, total, 5) ?? bad(i, 'length is not a varint');
    const end = len[1] + len[0];
    if (len[0] < 0 || end > total) bad(i, `length ${len[0]} with ${total - len[1]} bytes left`);
    let p = len[1] + 1; // attributes
    const ts = varint(section, p, end, 10) ?? bad(i, 'timestamp delta is not a varint within the record');
    const off = varint(section, ts[1], end, 5) ?? bad(i, 'offset delta is not a varint within the record');
    const keyLen = varint(section, off[1], end, 5) ?? bad(i, 'key length is not a varint within the record');
    p = keyLen[1];
    let key: string | null = null;
    if (keyLen[0] >= 0) {
      if (p + keyLen[0] > end) bad(i, `key of ${keyLen[0]} bytes runs past the record`);
      key = section.toString('latin1', p, p + keyLen[0]);
      p += keyLen[0];
    }
    const valueLen = varint(section, p, end, 5) ?? bad(i, 'value length is not a varint within the record');
    out[i] = { start, end, offsetDelta: off[0], timestampDelta: ts[0], key, tombstone: valueLen[0] < 0 };
    pos = end;
  }
  if (pos !== total) throw new ProtocolError('invalid_value', `${total - pos} bytes follow the batch's ${count} records`);
  return out;
}
