// Rolling, retention, truncation, delete-records and the flush policies.
import test from 'ava';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, StorageError, type LogConfig } from '../../native/index.js';
import { simpleBatch } from './helpers/batch-builder.js';
import { tempDir } from './helpers/temp-dir.js';

const BATCH_BYTES = simpleBatch(1, 100).length;

function openLog(t: Parameters<typeof tempDir>[0], config: Partial<LogConfig> = {}, clock?: () => number) {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, config, clock ? { clock } : {});
  t.teardown(() => log.close());
  return { log, dir };
}

test('segment.bytes: rolls before an append that would overflow; files named by base offset', async (t) => {
  const { log, dir } = openLog(t, { segmentBytes: BATCH_BYTES * 3 });
  const rolled = Array.from({ length: 7 }, () => log.append(simpleBatch(1, 100)).rolled);
  t.deepEqual(rolled, [false, false, false, true, false, false, true]);
  t.deepEqual(log.segments().map((s) => s.baseOffset), [0, 3, 6]);
  t.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.log')).sort(), ['00000000000000000000.log', '00000000000000000003.log', '00000000000000000006.log']);
  // a rolled segment's indexes are trimmed; the recovery point passed it
  t.is(statSync(join(dir, '00000000000000000000.index')).size % 8, 0);
  t.true(statSync(join(dir, '00000000000000000000.index')).size < 1024);
  // the rolled segments are fsync'd in the background, then the recovery point passes them
  for (let i = 0; i < 200 && log.recoveryPoint < 6; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(log.recoveryPoint, 6);
  // one batch bigger than segment.bytes still goes in (alone)
  t.is(log.append(simpleBatch(1, BATCH_BYTES * 4)).rolled, true);
  t.is(log.read(7, 1 << 20).bytes, simpleBatch(1, BATCH_BYTES * 4).length);
});

test('segment.ms: rolls when the incoming timestamp is segment.ms past the first batch', (t) => {
  const { log } = openLog(t, { segmentMs: 1000 });
  t.false(log.append(simpleBatch(1, 10, { baseTimestamp: 10_000 })).rolled);
  t.false(log.append(simpleBatch(1, 10, { baseTimestamp: 10_900 })).rolled);
  t.true(log.append(simpleBatch(1, 10, { baseTimestamp: 11_001 })).rolled);
  t.deepEqual(log.segments().map((s) => s.baseOffset), [0, 2]);
});

test('truncateTo: whole batches, across segments, then appends continue', (t) => {
  const { log } = openLog(t, { segmentBytes: simpleBatch(2, 100).length * 4, indexIntervalBytes: 1 });
  for (let i = 0; i < 10; i++) log.append(simpleBatch(2, 100)); // batch i: 2i..2i+1
  t.is(log.segments().length, 3);
  t.is(log.truncateTo(13), 12, 'the batch holding 13 goes entirely');
  t.is(log.logEndOffset, 12);
  t.deepEqual(log.segments().map((s) => s.baseOffset), [0, 8]);
  t.is(log.read(10, 1 << 20).nextOffset, 12);
  t.throws(() => log.read(13, 10), { code: 'OFFSET_OUT_OF_RANGE' } as never);
  t.is(log.append(simpleBatch(1, 5)).baseOffset, 12);
  t.is(log.truncateTo(100), 13, 'beyond the end: no-op');
  t.is(log.truncateTo(8), 8);
  t.deepEqual(log.segments().map((s) => [s.baseOffset, s.bytes > 0]), [[0, true], [8, false]], 'as Kafka: the segment based at the target stays, empty');
  t.is(log.append(simpleBatch(1, 5)).baseOffset, 8);
  t.is(log.truncateTo(0), 0);
  t.is(log.logEndOffset, 0);
  t.is(log.append(simpleBatch(1, 5)).baseOffset, 0);
  t.true(log.recoveryPoint <= log.logEndOffset);
});

test('views survive truncation and deletion of the bytes they show', (t) => {
  const { log } = openLog(t, { segmentBytes: BATCH_BYTES * 2 });
  const batches = Array.from({ length: 6 }, (_, i) => simpleBatch(1, 100, { baseTimestamp: i }));
  batches.forEach((b) => log.append(b));
  const early = log.read(0, 1).views[0]!;
  const tail = log.read(5, 1).views[0]!;
  log.truncateTo(5); // cuts the active segment's file under `tail`
  log.append(simpleBatch(1, 100, { baseTimestamp: 99 })); // new bytes at the same place in the file
  log.deleteRecordsBefore(4); // unlinks the segment under `early`
  t.deepEqual(Buffer.from(early), batches[0]);
  t.deepEqual(Buffer.from(tail), batches[5]);
});

test('deleteRecordsBefore: moves the log start, deletes whole segments below it', (t) => {
  const { log, dir } = openLog(t, { segmentBytes: BATCH_BYTES * 2 });
  for (let i = 0; i < 6; i++) log.append(simpleBatch(1, 100));
  t.is(log.deleteRecordsBefore(3), 3);
  t.deepEqual(log.segments().map((s) => s.baseOffset), [2, 4]);
  t.false(readdirSync(dir).includes('00000000000000000000.log'));
  t.throws(() => log.read(2, 10), { code: 'OFFSET_OUT_OF_RANGE' } as never);
  t.is(log.read(3, 1).firstOffset, 3);
  t.is(log.deleteRecordsBefore(1), 3, 'never moves back');
  t.throws(() => log.deleteRecordsBefore(7), { code: 'OFFSET_OUT_OF_RANGE' } as never);
  t.is(log.deleteRecordsBefore(6), 6);
  t.deepEqual(log.segments().map((s) => s.baseOffset), [4], 'the active segment stays');
  t.is(log.read(6, 100).bytes, 0);
});

test('log start offset is restored from the caller on reopen', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  for (let i = 0; i < 5; i++) log.append(simpleBatch(1, 10));
  log.deleteRecordsBefore(2);
  log.close();
  const again = PartitionLog.open(dir, {}, { logStartOffset: 2, recoveryPoint: 5 });
  t.is(again.logStartOffset, 2);
  t.is(again.logEndOffset, 5);
  again.close();
});

test('retention.bytes: oldest non-active segments go while the rest still exceeds the limit', (t) => {
  const { log } = openLog(t, { segmentBytes: BATCH_BYTES * 2, retentionBytes: BATCH_BYTES * 3, retentionMs: -1 });
  for (let i = 0; i < 9; i++) log.append(simpleBatch(1, 100)); // segments 0,2,4,6,8 (8 active, 1 batch)
  const r = log.applyRetention();
  // total 9 batches; delete while total - seg >= 3 batches: 0 (->7), 2 (->5), 4 (->3), then 6 would leave 1 < 3
  t.deepEqual(r, { deletedSegments: 3, logStartOffset: 6 });
  t.deepEqual(log.segments().map((s) => s.baseOffset), [6, 8]);
  t.deepEqual(log.applyRetention(), { deletedSegments: 0, logStartOffset: 6 });
});

test('retention.ms: segments whose newest timestamp is older than the limit', (t) => {
  const { log } = openLog(t, { segmentBytes: BATCH_BYTES * 2, retentionMs: 1000 });
  for (let i = 0; i < 7; i++) log.append(simpleBatch(1, 100, { baseTimestamp: 10_000 + i * 1000 }));
  // segments: [0,1] max 11000, [2,3] max 13000, [4,5] max 15000, [6] active
  t.deepEqual(log.applyRetention(14_001), { deletedSegments: 2, logStartOffset: 4 });
  t.deepEqual(log.applyRetention(100_000), { deletedSegments: 1, logStartOffset: 6 }, 'never the active segment');
});

test('flush.messages: fsync once this many records are unflushed', (t) => {
  const { log } = openLog(t, { flushMessages: 5 });
  const flushed = Array.from({ length: 6 }, () => log.append(simpleBatch(2, 10)).flushed);
  t.deepEqual(flushed, [false, false, true, false, false, true]);
  t.is(log.recoveryPoint, 12);
});

test('flush.ms: fsync at append or maybeFlush once the last flush is old enough', (t) => {
  let now = 1_000;
  const { log } = openLog(t, { flushMs: 100 }, () => now);
  t.false(log.append(simpleBatch(1, 10)).flushed);
  t.is(log.recoveryPoint, 0);
  now += 50;
  t.false(log.maybeFlush());
  now += 60;
  t.true(log.maybeFlush());
  t.is(log.recoveryPoint, 1);
  now += 10;
  t.false(log.append(simpleBatch(1, 10)).flushed);
  now += 100;
  t.true(log.append(simpleBatch(1, 10)).flushed);
  t.is(log.recoveryPoint, 3);
});

test('durable mode: every append is fsync\'d before it returns; default leaves it to the OS', (t) => {
  const durable = openLog(t, { durable: true }).log;
  const r = durable.append(simpleBatch(1, 10));
  t.true(r.flushed);
  t.is(durable.recoveryPoint, 1);
  const lazy = openLog(t).log;
  t.false(lazy.append(simpleBatch(1, 10)).flushed);
  t.is(lazy.recoveryPoint, 0);
  lazy.flush();
  t.is(lazy.recoveryPoint, 1);
});

test('config validation: out-of-range values are INVALID_CONFIG', (t) => {
  const dir = tempDir(t);
  for (const bad of [{ segmentBytes: 10 }, { segmentBytes: 2 ** 31 }, { segmentMs: 0 }, { indexIntervalBytes: -1 }, { flushMessages: 0 }, { retentionBytes: 1.5 }, { retentionMs: -2 }, { durable: 1 as unknown as boolean }]) {
    t.throws(() => PartitionLog.open(dir, bad), { instanceOf: StorageError, code: 'INVALID_CONFIG' } as never, JSON.stringify(bad));
  }
});

test("config validation: Kafka's ranges are taken (segment.bytes from 14, any negative retention.bytes)", (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, { segmentBytes: 14, retentionBytes: -2, retentionMs: -1 });
  t.teardown(() => log.close());
  log.append(simpleBatch(1, 10));
  log.append(simpleBatch(1, 10));
  t.is(log.segments().length, 2, 'a batch larger than segment.bytes has a segment of its own');
  t.is(log.read(1, 1 << 20).firstOffset, 1);
  t.is(log.applyRetention().deletedSegments, 0, 'a negative retention.bytes is unbounded');
});

test("segments let go of (retention, truncation) are renamed .deleted at once and removed off the caller's thread; close waits for it, and recovery removes what a crash left", async (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, { segmentBytes: BATCH_BYTES * 2 });
  for (let i = 0; i < 10; i++) log.append(simpleBatch(1, 100));
  const early = log.read(0, 1).views[0]!;
  const copy = Buffer.from(early);
  log.deleteRecordsBefore(4);
  log.truncateTo(7);
  const names = () => readdirSync(dir).sort();
  t.false(names().some((n) => /^0{20}\.(log|index|timeindex)$/.test(n)), 'the live names are gone at once');
  for (let i = 0; i < 200 && names().some((n) => n.endsWith('.deleted')); i++) await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(names().filter((n) => n.endsWith('.deleted')), [], 'the deleter removed every retired file');
  t.deepEqual(Buffer.from(early), copy, 'a view read before keeps its bytes');
  log.deleteRecordsBefore(6);
  log.close();
  t.deepEqual(names().filter((n) => n.endsWith('.deleted')), [], 'close waits for the deleter');
  // A crash between the rename and the removal: recovery removes the .deleted files.
  writeFileSync(join(dir, '00000000000000000000.log.deleted'), simpleBatch(1, 100));
  writeFileSync(join(dir, '00000000000000000000.index.deleted'), Buffer.alloc(8));
  const again = PartitionLog.open(dir, { segmentBytes: BATCH_BYTES * 2 }, { logStartOffset: 6, recoveryPoint: 7 });
  t.teardown(() => again.close());
  t.deepEqual(names().filter((n) => n.endsWith('.deleted')), []);
  t.is(again.logStartOffset, 6);
  t.is(again.logEndOffset, 7);
});
