import test from 'ava';
import { legacyOffsetsBefore, type SegmentTime } from '../../actors/partition/legacy-offsets.js';

const segs: SegmentTime[] = [
  { baseOffset: 0n, bytes: 100, lastModifiedMs: 1000 },
  { baseOffset: 50n, bytes: 100, lastModifiedMs: 2000 },
  { baseOffset: 90n, bytes: 10, lastModifiedMs: 3000 },
];

test('ListOffsets v0 (legacy): latest, earliest and by segment time, descending, up to maxNumOffsets', (t) => {
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, -1n, 1), [120n]);
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, -1n, 10), [120n, 90n, 50n, 0n]);
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, -2n, 10), [0n]);
  t.deepEqual(legacyOffsetsBefore(segs, 10n, 120n, 9999, -2n, 10), [10n], 'the log start, not below it');
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, 2500n, 10), [50n, 0n]);
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, 999n, 10), [], 'nothing modified that early');
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, 1n << 62n, 2), [120n, 90n]);
  t.deepEqual(legacyOffsetsBefore([{ baseOffset: 0n, bytes: 0, lastModifiedMs: 5 }], 0n, 0n, 9999, -1n, 3), [0n], 'an empty active segment adds no end entry');
  t.deepEqual(legacyOffsetsBefore(segs, 0n, 120n, 9999, -1n, 0), []);
  t.deepEqual(legacyOffsetsBefore([{ baseOffset: 0n, bytes: 5, lastModifiedMs: 1500.25 }], 0n, 4n, 9999.5, 2000n, 5), [0n], 'file times in fractional milliseconds');
});
