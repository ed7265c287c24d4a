/**
 * Log compaction below the actors: the cleaning job and the native swap, over
 * random streams of keyed records and tombstones, against a model; and the
 * crash points of the swap protocol, reopened from the files a crash leaves.
 */
import test, { type ExecutionContext } from 'ava';
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPriority } from 'node:os';
import { Piscina } from 'piscina';
import { PartitionLog, indexCleanedSegment } from '../../native/index.js';
import { cleanLog, segmentPath, type CleanOutcome } from '../../actors/partition/cleaner/clean-job.js';
import { cleanPlan, type CompactionPolicy } from '../../actors/partition/cleaner/clean-plan.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../protocol/records/record-batch.js';
import { recordBatches } from '../../protocol/records/batch-header.js';
import { tempDir } from './helpers/temp-dir.js';
import { Random } from '../torture/harness/random.js';

const SEGMENT_BYTES = 4096;
const policy: CompactionPolicy = {
  segmentBytes: SEGMENT_BYTES,
  segmentIndexBytes: 1 << 16,
  indexIntervalBytes: 256,
  deleteRetentionMs: 86_400_000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  minCleanableDirtyRatio: 0,
  maxDecompressedBytes: 1 << 30,
};
const settings = { dedupeBufferBytes: 1 << 20, ioMaxBytesPerSecond: Infinity };

interface Stored {
  offset: number;
  key: string;
  value: string | null;
}

/** Every record in the log, in offset order, read from offset 0 as a consumer would. */
function readAll(log: PartitionLog): Stored[] {
  const out: Stored[] = [];
  let offset = log.logStartOffset;
  for (let guard = 0; guard < 100_000 && offset < log.logEndOffset; guard++) {
    const r = log.read(offset, 1 << 20);
    if (r.views.length === 0) break;
    for (const view of r.views) {
      for (const b of recordBatches(Buffer.from(view))) {
        for (const rec of decodeRecordBatchSync(b).records) out.push({ offset: Number(rec.offset), key: rec.key!.toString(), value: rec.value === null ? null : rec.value.toString() });
      }
    }
    offset = r.nextOffset;
  }
  return out;
}

/** The latest value per key of a record stream (tombstones delete), by key. */
function latest(records: readonly Stored[]): Stored[] {
  const m = new Map<string, Stored>();
  for (const r of records) {
    if (r.value === null) m.delete(r.key);
    else m.set(r.key, r);
  }
  return [...m.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function batch(records: Array<{ key: string; value: string | null }>, compression = 0, ts = Date.now()): Buffer {
  return encodeRecordBatchSync({ records: records.map((r) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestamp: BigInt(ts) })), compression });
}

async function clean(log: PartitionLog, firstDirty: number, nowMs = Date.now(), over: Partial<CompactionPolicy> = {}, dedupeBufferBytes = settings.dedupeBufferBytes): Promise<CleanOutcome> {
  const plan = cleanPlan({ log, firstDirtyOffset: firstDirty, highWatermark: log.logEndOffset, policy: { ...policy, ...over }, settings: { ...settings, dedupeBufferBytes }, keepBatchesEndingAt: [], nowMs });
  const outcome = await cleanLog(plan.args);
  for (const g of outcome.groups) log.replaceSegments(g.firstBase, g.endOffset, g.replaced, g.cleanedPath);
  return outcome;
}

function openLog(t: ExecutionContext, dir = tempDir(t)): PartitionLog {
  const log = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES });
  t.teardown(() => log.close());
  return log;
}

test('random keyed streams and tombstones through many cleanings keep the model latest-per-key view at unchanged offsets', async (t) => {
  for (const [seed, compression] of [[1, 0], [2, 3], [3, 1]] as const) {
    const log = openLog(t);
    const seeded = new Random(seed);
    const rand = () => seeded.next();
    const written: Stored[] = [];
    let checkpoint = 0;
    let removed = 0;
    for (let round = 0; round < 12; round++) {
      for (let b = 0; b < 20; b++) {
        const recs = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => {
          const key = `k${Math.floor(rand() * 40)}`;
          return { key, value: rand() < 0.15 ? null : `v${written.length}-${'x'.repeat(Math.floor(rand() * 30))}` };
        });
        const r = log.append(batch(recs, compression));
        recs.forEach((rec, i) => written.push({ offset: r.baseOffset + i, ...rec }));
      }
      const outcome = await clean(log, checkpoint);
      checkpoint = outcome.cleanedUpTo;
      removed += outcome.recordsRemoved;
      const stored = readAll(log);
      const byOffset = new Map(written.map((w) => [w.offset, w]));
      for (const s of stored) t.deepEqual(s, byOffset.get(s.offset), `seed ${seed}: offset ${s.offset} holds what was written there`);
      t.deepEqual(latest(stored), latest(written), `seed ${seed} round ${round}: the latest value of every key`);
      for (let i = 1; i < stored.length; i++) t.true(stored[i]!.offset > stored[i - 1]!.offset);
    }
    t.true(removed > 0, `seed ${seed}: records were removed (${removed})`);
    t.true(readAll(log).length < written.length / 2, `seed ${seed}: the log shrank`);
    t.is(log.logEndOffset, written.length, 'the log end is where it was');
  }
});

test('tombstones stay until delete.retention.ms has passed for their segment, then go with every older value', async (t) => {
  const log = openLog(t);
  const old = Date.now() - 10_000;
  log.append(batch([{ key: 'a', value: '1' }, { key: 'b', value: '1' }], 0, old));
  log.append(batch([{ key: 'a', value: null }], 0, old));
  // Fill past a segment so the tombstone's segment is sealed.
  for (let i = 0; i < 60; i++) log.append(batch([{ key: `f${i}`, value: 'y'.repeat(80) }], 0, old));
  await clean(log, 0, Date.now(), { deleteRetentionMs: 60_000 });
  t.deepEqual(readAll(log).filter((r) => r.key === 'a'), [{ offset: 2, key: 'a', value: null }], 'the tombstone stays, the value it deletes goes');
  await clean(log, 0, Date.now(), { deleteRetentionMs: 1_000 });
  t.deepEqual(readAll(log).filter((r) => r.key === 'a'), [], 'past delete.retention.ms the tombstone goes too');
  t.deepEqual(readAll(log).filter((r) => r.key === 'b'), [{ offset: 1, key: 'b', value: '1' }]);
});

test('a dedupe buffer smaller than the dirty keys cleans in passes, each one correct', async (t) => {
  const log = openLog(t);
  const written: Stored[] = [];
  for (let i = 0; i < 400; i++) {
    const rec = { key: `key-${i % 150}`, value: `v${i}` };
    const r = log.append(batch([rec]));
    written.push({ offset: r.baseOffset, ...rec });
  }
  let checkpoint = 0;
  let passes = 0;
  for (; passes < 20 && checkpoint < log.segments().at(-1)!.baseOffset; passes++) {
    const outcome = await clean(log, checkpoint, Date.now(), {}, 60 * 64);
    t.true(outcome.cleanedUpTo > checkpoint, 'each pass moves the checkpoint');
    checkpoint = outcome.cleanedUpTo;
    t.deepEqual(latest(readAll(log)), latest(written));
  }
  t.true(passes > 1, `${passes} passes`);
});

test('the swap protocol: a crash leaving .cleaned keeps the old log; one leaving the .swap, before or after the old segments went, gives the cleaned one', async (t) => {
  const build = (dir: string): PartitionLog => {
    const log = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES });
    for (let i = 0; i < 300; i++) log.append(batch([{ key: `k${i % 7}`, value: `v${i}` }]));
    return log;
  };
  for (const crashAt of ['cleaned', 'swap', 'swap-after-removals'] as const) {
    const dir = tempDir(t, crashAt);
    const log = build(dir);
    const before = readAll(log);
    const plan = cleanPlan({ log, firstDirtyOffset: 0, highWatermark: log.logEndOffset, policy, settings, keepBatchesEndingAt: [], nowMs: Date.now() });
    const outcome = await cleanLog(plan.args);
    t.true(outcome.groups.length > 0);
    // What a completed cleaning reads, from a copy of the directory.
    const segmentsBefore = log.segments();
    log.close();
    const g = outcome.groups[0]!;
    if (crashAt !== 'cleaned') {
      renameSync(g.cleanedPath, join(dir, `${String(g.firstBase).padStart(20, '0')}.${String(g.endOffset).padStart(20, '0')}.swap`));
      if (crashAt === 'swap-after-removals') for (const r of g.replaced.slice(0, Math.ceil(g.replaced.length / 2))) rmSync(segmentPath(dir, r.baseOffset));
    }
    const reopened = openLog(t, dir);
    t.false(readdirSync(dir).some((n) => n.endsWith('.swap') || n.endsWith('.cleaned')), `${crashAt}: no swap or cleaned file is left`);
    const after = readAll(reopened);
    t.deepEqual(latest(after), latest(before), `${crashAt}: every latest value`);
    if (crashAt === 'cleaned') {
      t.deepEqual(after, before, 'exactly the records it had');
      t.deepEqual(reopened.segments().map((s) => s.baseOffset), segmentsBefore.map((s) => s.baseOffset));
    } else {
      const inGroup = (r: Stored) => r.offset >= g.firstBase && r.offset < g.endOffset;
      t.true(after.filter(inGroup).length < before.filter(inGroup).length, `${crashAt}: the group's range is the cleaned result`);
      t.deepEqual(after.filter((r) => !inGroup(r)), before.filter((r) => !inGroup(r)), `${crashAt}: nothing outside the group changed`);
      t.false(reopened.segments().some((s) => s.baseOffset > g.firstBase && s.baseOffset < g.endOffset), 'no replaced segment survives');
    }
  }
});

test('views read before a swap stay readable after it; small cleaned segments are merged up to segment.bytes', async (t) => {
  const log = openLog(t);
  const fill = () => {
    for (let i = 0; i < 400; i++) log.append(batch([{ key: `k${i % 5}`, value: `v${i}-${'p'.repeat(40)}` }]));
  };
  fill();
  const held = log.read(0, 1 << 20);
  const copies = held.views.map((v) => Buffer.from(v));
  const first = await clean(log, 0);
  t.deepEqual(held.views.map((v) => Buffer.from(v)), copies, 'the old views still read the old bytes');
  // Groups are formed by the sizes read (as Kafka's groupSegmentsBySize): segments cleaned small merge in the next cleaning.
  fill();
  const segmentsBefore = log.segments().length;
  const second = await clean(log, first.cleanedUpTo);
  t.true(second.groups.some((g) => g.replaced.length > 1), 'a group merges several segments');
  t.true(log.segments().length <= segmentsBefore - 8, `${segmentsBefore} segments became ${log.segments().length}`);
  t.true(log.segments().every((s, i, all) => i === all.length - 1 || s.bytes <= SEGMENT_BYTES));
});

test('a swap refuses segments that changed after the cleaner read them, and a cleaned file that is not a whole log', async (t) => {
  const dir = tempDir(t);
  const log = openLog(t, dir);
  for (let i = 0; i < 300; i++) log.append(batch([{ key: `k${i % 7}`, value: `v${i}` }]));
  const before = readAll(log);
  const plan = cleanPlan({ log, firstDirtyOffset: 0, highWatermark: log.logEndOffset, policy, settings, keepBatchesEndingAt: [], nowMs: Date.now() });
  const outcome = await cleanLog(plan.args);
  const g = outcome.groups[0]!;
  const copy = `${g.cleanedPath}.copy`;
  copyFileSync(g.cleanedPath, copy);
  t.false(log.replaceSegments(g.firstBase, g.endOffset, g.replaced.map((r) => ({ ...r, bytes: r.bytes + 1 })), g.cleanedPath), 'a size that differs');
  t.deepEqual(readAll(log), before, 'a refused swap changes nothing');
  t.false(existsSync(g.cleanedPath), 'the refused file is removed');
  const garbled = `${g.cleanedPath}`;
  copyFileSync(copy, garbled);
  const { openSync, writeSync, closeSync } = await import('node:fs');
  const fd = openSync(garbled, 'r+');
  writeSync(fd, Buffer.from([0xff, 0xff]), 0, 2, 70);
  closeSync(fd);
  t.throws(() => log.replaceSegments(g.firstBase, g.endOffset, g.replaced, garbled), { message: /not a whole log/ });
  t.false(existsSync(garbled));
  copyFileSync(copy, g.cleanedPath);
  t.true(log.replaceSegments(g.firstBase, g.endOffset, g.replaced, g.cleanedPath));
  t.deepEqual(latest(readAll(log)), latest(before));
  t.true(readAll(log).length < before.length);
  rmSync(copy);
});

test('a cleaning on a cleaner thread runs at log.cleaner.thread.nice; the thread that asked keeps its priority', async (t) => {
  const log = openLog(t);
  for (let i = 0; i < 300; i++) log.append(batch([{ key: `k${i % 7}`, value: `v${i}` }]));
  const plan = cleanPlan({ log, firstDirtyOffset: 0, highWatermark: log.logEndOffset, policy, settings, keepBatchesEndingAt: [], nowMs: Date.now() });
  const before = getPriority();
  const pool = new Piscina({ filename: new URL('../../actors/partition/cleaner/clean-job.js', import.meta.url).href, minThreads: 0, maxThreads: 1 });
  t.teardown(() => pool.destroy());
  const outcome = (await pool.run({ ...plan.args, threadNice: 12 }, { name: 'cleanLog' })) as CleanOutcome;
  t.true(outcome.groups.length > 0);
  if (process.platform === 'linux') t.is(outcome.threadNice, 12);
  t.is(getPriority(), before);
});

test("the cleaner indexes each cleaned segment on its own thread; the swap renames those indexes in, and they are the ones a recovery rebuilds", async (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES, indexIntervalBytes: policy.indexIntervalBytes });
  for (let i = 0; i < 600; i++) log.append(batch([{ key: `k${i % 11}`, value: `v${i}-${'p'.repeat(30)}` }]));
  const before = readAll(log);
  const plan = cleanPlan({ log, firstDirtyOffset: 0, highWatermark: log.logEndOffset, policy, settings, keepBatchesEndingAt: [], nowMs: Date.now() });
  const outcome = await cleanLog(plan.args);
  t.true(outcome.groups.length > 1);
  for (const g of outcome.groups) {
    t.true(existsSync(segmentPath(dir, g.firstBase, '.index.cleaned')) && existsSync(segmentPath(dir, g.firstBase, '.timeindex.cleaned')), `indexes beside ${g.cleanedPath}`);
  }
  for (const g of outcome.groups) t.true(log.replaceSegments(g.firstBase, g.endOffset, g.replaced, g.cleanedPath));
  t.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap')), [], 'every cleaned file renamed in');
  const after = readAll(log);
  t.deepEqual(latest(after), latest(before));
  // A read from every surviving offset finds its batch through the swapped-in offset index.
  for (const r of after.filter((_, i) => i % 7 === 0)) {
    const first = [...recordBatches(Buffer.from(log.read(r.offset, 1 << 16).views[0]!))][0]!;
    t.true(decodeRecordBatchSync(first).records.some((x) => Number(x.offset) === r.offset), `offset ${r.offset} is in the first batch read from it`);
  }
  const indexFiles = outcome.groups.flatMap((g) => ['.index', '.timeindex'].map((s) => segmentPath(dir, g.firstBase, s)));
  const written = indexFiles.map((f) => readFileSync(f));
  log.close();
  for (const f of indexFiles) rmSync(f);
  const reopened = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES, indexIntervalBytes: policy.indexIntervalBytes });
  t.teardown(() => reopened.close());
  t.deepEqual(readAll(reopened), after);
  indexFiles.forEach((f, i) => t.deepEqual(readFileSync(f), written[i], `${f}: the cleaner's index is the one recovery rebuilds`));
});

test('a cleaned file that is not a whole log is refused by the cleaner with CORRUPT_BATCH, and no index is left beside it', async (t) => {
  const dir = tempDir(t);
  const log = openLog(t, dir);
  for (let i = 0; i < 300; i++) log.append(batch([{ key: `k${i % 7}`, value: `v${i}` }]));
  const plan = cleanPlan({ log, firstDirtyOffset: 0, highWatermark: log.logEndOffset, policy, settings, keepBatchesEndingAt: [], nowMs: Date.now() });
  const g = (await cleanLog(plan.args)).groups.find((x) => x.bytesOut > 100)!;
  const bytes = readFileSync(g.cleanedPath);
  bytes[70] = bytes[70]! ^ 0xff;
  writeFileSync(g.cleanedPath, bytes);
  t.throws(() => indexCleanedSegment(dir, g.firstBase, g.endOffset, policy.indexIntervalBytes, policy.segmentIndexBytes), { code: 'CORRUPT_BATCH', message: /not a whole log/ } as never);
  t.false(existsSync(segmentPath(dir, g.firstBase, '.index.cleaned')) || existsSync(segmentPath(dir, g.firstBase, '.timeindex.cleaned')));
  t.throws(() => indexCleanedSegment(dir, g.firstBase, g.firstBase + 1, policy.indexIntervalBytes, policy.segmentIndexBytes), { message: /not a whole log/ }, 'offsets past endOffset');
});
