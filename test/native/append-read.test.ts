import test from 'ava';
import { PartitionLog, StorageError } from '../../native/index.js';
import { encodeBatch, simpleBatch, resealBatch } from './helpers/batch-builder.js';
import { crc32cTable } from './helpers/crc32c-ref.js';
import { tempDir, concat } from './helpers/temp-dir.js';

const err = (code: string) => ({ instanceOf: StorageError, code }) as never;

function openLog(t: Parameters<typeof tempDir>[0], config = {}, options = {}): PartitionLog {
  const log = PartitionLog.open(tempDir(t), config, options);
  t.teardown(() => log.close());
  return log;
}

test('append assigns consecutive offsets and patches baseOffset in place outside the CRC', (t) => {
  const log = openLog(t);
  const a = simpleBatch(3, 10, { baseOffset: 999 });
  const b = simpleBatch(2, 10);
  const crcBefore = a.readUInt32BE(17);
  const r1 = log.append(a);
  t.like(r1, { baseOffset: 0, lastOffset: 2, batches: 1, records: 3, bytes: a.length, logAppendTime: -1 });
  t.is(a.readBigInt64BE(0), 0n);
  t.is(a.readUInt32BE(17), crcBefore);
  const r2 = log.append(b);
  t.like(r2, { baseOffset: 3, lastOffset: 4 });
  t.is(log.logEndOffset, 5);
  t.is(log.logStartOffset, 0);
});

test('append of several batches in one buffer, with a leader epoch', (t) => {
  const log = openLog(t);
  const buf = concat(simpleBatch(2, 5), simpleBatch(4, 5), simpleBatch(1, 5));
  const r = log.append(buf, { leaderEpoch: 7 });
  t.like(r, { baseOffset: 0, lastOffset: 6, batches: 3, records: 7, bytes: buf.length });
  const headers = log.scanBatches(0, 10);
  t.deepEqual(headers.map((h) => [h.baseOffset, h.lastOffset, h.partitionLeaderEpoch]), [[0, 1, 7], [2, 5, 7], [6, 6, 7]]);
  for (const h of headers) t.true(h.crc > 0);
});

test('read returns the exact bytes appended, from the batch holding the offset', (t) => {
  const log = openLog(t);
  const batches = Array.from({ length: 10 }, (_, i) => simpleBatch(3, 20 + i));
  for (const b of batches) log.append(b);
  const r = log.read(4, 1);
  t.is(r.firstOffset, 3);
  t.is(r.nextOffset, 6);
  t.is(r.views.length, 1);
  t.deepEqual(Buffer.from(r.views[0]!), batches[1]);
  const all = log.read(0, 1 << 20);
  t.deepEqual(Buffer.concat(all.views), Buffer.concat(batches));
  t.is(all.bytes, Buffer.concat(batches).length);
  t.is(all.nextOffset, 30);
});

test('read: maxBytes in whole batches, at least one batch, empty at the end', (t) => {
  const log = openLog(t);
  const size = simpleBatch(1, 100).length;
  for (let i = 0; i < 5; i++) log.append(simpleBatch(1, 100));
  t.is(log.read(0, size * 2 + 10).bytes, size * 2);
  t.is(log.read(0, size - 1).bytes, size, 'one whole batch even when it exceeds maxBytes');
  t.is(log.read(0, 0).bytes, size);
  const end = log.read(5, 1000);
  t.deepEqual([end.views.length, end.bytes, end.nextOffset], [0, 0, 5]);
});

test('read: maxOffset (high watermark) excludes batches holding offsets at or above it', (t) => {
  const log = openLog(t);
  log.append(simpleBatch(2, 10)); // 0-1
  log.append(simpleBatch(2, 10)); // 2-3
  log.append(simpleBatch(2, 10)); // 4-5
  t.is(log.read(0, 1 << 20, { maxOffset: 4 }).nextOffset, 4);
  t.is(log.read(0, 1 << 20, { maxOffset: 3 }).nextOffset, 2);
  t.is(log.read(2, 1 << 20, { maxOffset: 2 }).bytes, 0);
});

test('read: offsets outside [start, end] are OFFSET_OUT_OF_RANGE; bad arguments are typed', (t) => {
  const log = openLog(t);
  log.append(simpleBatch(2, 10));
  t.throws(() => log.read(3, 100), err('OFFSET_OUT_OF_RANGE'));
  t.throws(() => log.read(-1, 100), err('INVALID_OFFSET'));
  t.throws(() => log.read(1.5, 100), err('INVALID_OFFSET'));
  t.throws(() => log.read(2 ** 53, 100), err('INVALID_OFFSET'));
  t.throws(() => log.read(0, -1), err('INVALID_ARGUMENT'));
});

test('LogAppendTime: timestamp type bit, maxTimestamp = append time, CRC recomputed', (t) => {
  let now = 1_800_000_000_000;
  const log = openLog(t, {}, { clock: () => now });
  const b = simpleBatch(3, 10, { baseTimestamp: 1_000 });
  const r = log.append(b, { timestampType: 'logAppend' });
  t.is(r.logAppendTime, now);
  t.is(r.maxTimestamp, now);
  t.is(b.readInt16BE(21) & 0x08, 0x08);
  t.is(Number(b.readBigInt64BE(35)), now);
  t.is(Number(b.readBigInt64BE(27)), 1_000, 'baseTimestamp left as produced (Kafka in-place semantics)');
  t.is(b.readUInt32BE(17), crc32cTable(b, 21, b.length));
  const stored = Buffer.from(log.read(0, 1000).views[0]!);
  t.deepEqual(stored, b);
  now += 5;
  t.is(log.append(simpleBatch(1, 1)).logAppendTime, -1);
});

test('follower append keeps offsets, allows gaps, refuses going backwards', (t) => {
  const log = openLog(t);
  const r = log.append(concat(simpleBatch(2, 5, { baseOffset: 10 }), simpleBatch(1, 5, { baseOffset: 20 })), { assignOffsets: false });
  t.like(r, { baseOffset: 10, lastOffset: 20 });
  t.is(log.logEndOffset, 21);
  t.throws(() => log.append(simpleBatch(1, 5, { baseOffset: 20 }), { assignOffsets: false }), err('INVALID_OFFSET'));
  t.is(log.logEndOffset, 21);
  t.deepEqual(log.scanBatches(0, 10).map((h) => h.baseOffset), [10, 20]);
  t.is(log.read(15, 1000).firstOffset, 20);
});

test('append validation: CRC, magic, sizes, record counts; nothing is written on failure', (t) => {
  const log = openLog(t);
  log.append(simpleBatch(1, 10));
  const good = simpleBatch(2, 10);

  const badCrc = Buffer.from(good);
  badCrc[70] ^= 0xff;
  t.throws(() => log.append(badCrc), err('CORRUPT_BATCH'));

  const badMagic = Buffer.from(good);
  badMagic[16] = 1;
  t.throws(() => log.append(badMagic), err('INVALID_MAGIC'));

  t.throws(() => log.append(good.subarray(0, good.length - 1)), err('INVALID_BATCH_SIZE'));
  t.throws(() => log.append(good.subarray(0, 40)), err('INVALID_BATCH_SIZE'));
  const shortLength = Buffer.from(good);
  shortLength.writeInt32BE(10, 8);
  t.throws(() => log.append(shortLength), err('INVALID_BATCH_SIZE'));
  const longLength = Buffer.from(good);
  longLength.writeInt32BE(good.length, 8);
  t.throws(() => log.append(longLength), err('INVALID_BATCH_SIZE'));
  t.throws(() => log.append(new Uint8Array(0)), err('INVALID_BATCH_SIZE'));

  const badCount = Buffer.from(good);
  badCount.writeInt32BE(5, 57);
  resealBatch(badCount);
  t.throws(() => log.append(badCount), err('INVALID_RECORD_COUNT'));
  const negativeDelta = encodeBatch({ records: [{ value: 'x' }], lastOffsetDelta: -1 });
  t.throws(() => log.append(negativeDelta), err('INVALID_RECORD_COUNT'));

  // a bad second batch rejects the whole append, the first included
  const mixed = concat(simpleBatch(1, 10), badCrc);
  t.throws(() => log.append(mixed), err('CORRUPT_BATCH'));
  t.is(mixed.readBigInt64BE(0), 0n, 'the buffer was not patched');
  t.is(log.logEndOffset, 1);
  t.is(log.read(0, 1 << 20).bytes, simpleBatch(1, 10).length);
  t.throws(() => log.append('nope' as unknown as Uint8Array), err('INVALID_ARGUMENT'));
});

test('offsetForTimestamp: first batch whose maxTimestamp >= target, across segments', (t) => {
  const log = openLog(t, { segmentBytes: 2000, indexIntervalBytes: 100 });
  for (let i = 0; i < 40; i++) log.append(simpleBatch(2, 30, { baseTimestamp: 1000 + i * 10 })); // batch i: offsets 2i..2i+1, maxTs 1000+10i+1
  t.true(log.segments().length > 2);
  t.deepEqual(log.offsetForTimestamp(0), { offset: 0, timestamp: 1001 });
  t.deepEqual(log.offsetForTimestamp(1001), { offset: 0, timestamp: 1001 });
  t.deepEqual(log.offsetForTimestamp(1002), { offset: 2, timestamp: 1011 });
  for (let i = 0; i < 40; i++) t.deepEqual(log.offsetForTimestamp(1000 + i * 10), { offset: 2 * i, timestamp: 1001 + i * 10 });
  t.is(log.offsetForTimestamp(5000), null);
});

test('scanBatches: producer fields, flags, from the batch holding the offset', (t) => {
  const log = openLog(t);
  log.append(encodeBatch({ records: [{ value: 'a' }, { value: 'b' }], producerId: 42, producerEpoch: 3, baseSequence: 7 }));
  log.append(encodeBatch({ records: [{ value: 'c' }], attributes: 0x10 | 0x20, producerId: 43, producerEpoch: 1, baseSequence: 0 }));
  const [a, b] = log.scanBatches(1, 10);
  t.like(a, { baseOffset: 0, lastOffset: 1, producerId: 42, producerEpoch: 3, baseSequence: 7, recordCount: 2, isTransactional: false, isControl: false });
  t.like(b, { baseOffset: 2, lastOffset: 2, producerId: 43, isTransactional: true, isControl: true });
  t.is(log.scanBatches(0, 1).length, 1);
  t.is(log.scanBatches(3, 5).length, 0);
  t.throws(() => log.scanBatches(4, 5), err('OFFSET_OUT_OF_RANGE'));
});

test('repeated reads of a batch return equal, independent view objects', (t) => {
  const log = openLog(t);
  const b = simpleBatch(2, 50);
  log.append(b);
  const first = log.read(0, 1000).views[0]!;
  const second = log.read(0, 1000).views[0]!;
  t.deepEqual(Buffer.from(first), b);
  t.not(first.buffer, second.buffer);
  t.deepEqual(Buffer.from(second), b);
});

test('close: later calls fail with CLOSED; close is idempotent; views stay readable', (t) => {
  const log = PartitionLog.open(tempDir(t));
  const b = simpleBatch(2, 50);
  log.append(b);
  const view = log.read(0, 1000).views[0]!;
  log.close();
  log.close();
  t.throws(() => log.append(simpleBatch(1, 1)), err('CLOSED'));
  t.throws(() => log.read(0, 10), err('CLOSED'));
  t.throws(() => log.logEndOffset, err('CLOSED'));
  t.deepEqual(Buffer.from(view), b);
});

test('open twice in one process is ALREADY_OPEN; attach is read-only; NOT_OPEN without a writer', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  t.teardown(() => log.close());
  t.throws(() => PartitionLog.open(dir), err('ALREADY_OPEN'));
  const reader = PartitionLog.attach(dir);
  log.append(simpleBatch(1, 1));
  t.is(reader.logEndOffset, 1);
  t.throws(() => reader.append(simpleBatch(1, 1)), err('READ_ONLY'));
  t.throws(() => reader.truncateTo(0), err('READ_ONLY'));
  reader.close();
  t.is(log.logEndOffset, 1, 'closing a reader leaves the log open');
  log.close();
  t.throws(() => PartitionLog.attach(dir), err('NOT_OPEN'));
  const again = PartitionLog.open(dir);
  t.is(again.logEndOffset, 1);
  again.close();
});
