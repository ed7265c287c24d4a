// retention.ms on segments whose batches carry no timestamp (-1): they go by
// their .log file's modification time, as Kafka's LogSegment.largestTimestamp.
import test from 'ava';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog } from '../../native/index.js';
import { simpleBatch } from './helpers/batch-builder.js';
import { tempDir } from './helpers/temp-dir.js';

const NO_TIMESTAMP = { baseTimestamp: -1, maxTimestamp: -1 };
const BATCH_BYTES = simpleBatch(1, 100, NO_TIMESTAMP).length;
const HOUR_MS = 3_600_000;

function segmentLog(dir: string, base: number): string {
  return join(dir, `${String(base).padStart(20, '0')}.log`);
}

function age(path: string, ms: number): void {
  const when = (Date.now() - ms) / 1000;
  utimesSync(path, when, when);
}

test('segments without timestamps report their file mtime as largestTimestamp', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, { segmentBytes: BATCH_BYTES * 2 });
  t.teardown(() => log.close());
  for (let i = 0; i < 3; i++) log.append(simpleBatch(1, 100, NO_TIMESTAMP));
  age(segmentLog(dir, 0), HOUR_MS);
  const [first] = log.segments();
  t.is(first!.maxTimestamp, -1);
  t.true(Math.abs(first!.largestTimestamp - (Date.now() - HOUR_MS)) < 5_000, `largestTimestamp ${first!.largestTimestamp}`);
});

test('retention.ms deletes an old segment without timestamps, and the timestamped ones after it', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, { segmentBytes: BATCH_BYTES * 2, retentionMs: 60_000 });
  t.teardown(() => log.close());
  const now = Date.now();
  // segments [0,1] and [2,3] without timestamps, [4,5] timestamped an hour ago, [6] active
  for (let i = 0; i < 4; i++) log.append(simpleBatch(1, 100, NO_TIMESTAMP));
  for (let i = 0; i < 2; i++) log.append(simpleBatch(1, 100, { baseTimestamp: now - HOUR_MS }));
  log.append(simpleBatch(1, 100, NO_TIMESTAMP));
  t.deepEqual(log.segments().map((s) => s.baseOffset), [0, 2, 4, 6]);
  // a fresh file is kept: the first segment blocks the prefix
  t.deepEqual(log.applyRetention(now), { deletedSegments: 0, logStartOffset: 0 });
  age(segmentLog(dir, 0), HOUR_MS);
  age(segmentLog(dir, 2), HOUR_MS);
  t.deepEqual(log.applyRetention(Date.now()), { deletedSegments: 3, logStartOffset: 6 });
  t.deepEqual(log.segments().map((s) => s.baseOffset), [6], 'never the active segment');
});
