// Reads what the engine wrote with an independent reader written here from
// Kafka's format description (not the engine's code): segment names, .log
// batches, .index and .timeindex entries (sparse rule, sizes), checkpoints.
import test from 'ava';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PartitionLog,
  writeOffsetCheckpoint,
  readOffsetCheckpoint,
  writeLeaderEpochCheckpoint,
  readLeaderEpochCheckpoint,
} from '../../native/index.js';
import { simpleBatch } from './helpers/batch-builder.js';
import { crc32cTable } from './helpers/crc32c-ref.js';
import { tempDir } from './helpers/temp-dir.js';

interface DiskBatch {
  position: number;
  baseOffset: number;
  lastOffset: number;
  size: number;
  maxTimestamp: number;
}

function readLogFile(path: string): DiskBatch[] {
  const buf = readFileSync(path);
  const out: DiskBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const baseOffset = Number(buf.readBigInt64BE(pos));
    const size = buf.readInt32BE(pos + 8) + 12;
    if (buf.readInt8(pos + 16) !== 2) throw new Error(`magic at ${pos}`);
    if (buf.readUInt32BE(pos + 17) !== crc32cTable(buf, pos + 21, pos + size)) throw new Error(`crc at ${pos}`);
    out.push({
      position: pos,
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(pos + 23),
      size,
      maxTimestamp: Number(buf.readBigInt64BE(pos + 35)),
    });
    pos += size;
  }
  return out;
}

function readIndexFile(path: string, base: number): Array<[number, number]> {
  const buf = readFileSync(path);
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 8 <= buf.length; i += 8) out.push([base + buf.readInt32BE(i), buf.readInt32BE(i + 4)]);
  return out;
}

function readTimeIndexFile(path: string, base: number): Array<[number, number]> {
  const buf = readFileSync(path);
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 12 <= buf.length; i += 12) out.push([Number(buf.readBigInt64BE(i)), base + buf.readInt32BE(i + 8)]);
  return out;
}

/** Kafka's LogSegment.append rule, one batch per append. */
function expectedIndexes(batches: DiskBatch[], interval: number, sealed: boolean) {
  const offsets: Array<[number, number]> = [];
  const times: Array<[number, number]> = [];
  let since = 0;
  let maxTs = -1;
  let maxTsOffset = -1;
  for (const b of batches) {
    if (b.maxTimestamp > maxTs) [maxTs, maxTsOffset] = [b.maxTimestamp, b.lastOffset];
    if (since > interval) {
      offsets.push([b.lastOffset, b.position]);
      if (times.length === 0 || maxTs > times[times.length - 1]![0]) times.push([maxTs, maxTsOffset]);
      since = 0;
    }
    since += b.size;
  }
  if (sealed && batches.length > 0 && (times.length === 0 || maxTs > times[times.length - 1]![0])) times.push([maxTs, maxTsOffset]);
  return { offsets, times };
}

test('segments, .log, .index and .timeindex match Kafka\'s format, read independently', (t) => {
  const dir = tempDir(t, 'orders');
  const config = { segmentBytes: 16 * 1024, indexIntervalBytes: 1024, segmentIndexBytes: 4096 };
  const log = PartitionLog.open(dir, config);
  const appended: Buffer[] = [];
  for (let i = 0; i < 120; i++) {
    const b = simpleBatch(1 + (i % 4), 50 + ((i * 37) % 400), { baseTimestamp: 1_000_000 + (i % 7 === 0 ? i * 100 - 50 : i * 100) });
    log.append(b);
    appended.push(b);
  }
  // While open, the active segment's indexes are preallocated.
  const active = log.segments().at(-1)!;
  const activeName = String(active.baseOffset).padStart(20, '0');
  t.is(statSync(join(dir, `${activeName}.index`)).size, 4096);
  t.is(statSync(join(dir, `${activeName}.timeindex`)).size, 4092);
  log.close();

  const names = readdirSync(dir).sort();
  const logs = names.filter((n) => n.endsWith('.log'));
  t.true(logs.length >= 3, 'rolled several times');
  let allBatches: Array<DiskBatch & { bytes: Buffer }> = [];
  for (const name of logs) {
    t.regex(name, /^\d{20}\.log$/);
    const base = Number(name.slice(0, 20));
    t.true(names.includes(`${name.slice(0, 20)}.index`));
    t.true(names.includes(`${name.slice(0, 20)}.timeindex`));
    const batches = readLogFile(join(dir, name));
    t.is(batches[0]!.baseOffset, base, 'file named by its first offset');
    t.true(statSync(join(dir, name)).size <= config.segmentBytes);
    const want = expectedIndexes(batches, config.indexIntervalBytes, true);
    t.deepEqual(readIndexFile(join(dir, `${name.slice(0, 20)}.index`), base), want.offsets, `${name} index`);
    t.deepEqual(readTimeIndexFile(join(dir, `${name.slice(0, 20)}.timeindex`), base), want.times, `${name} timeindex`);
    const file = readFileSync(join(dir, name));
    allBatches = allBatches.concat(batches.map((b) => ({ ...b, bytes: file.subarray(b.position, b.position + b.size) })));
  }
  // Every batch, in order, byte for byte what was appended (with offsets assigned).
  t.is(allBatches.length, appended.length);
  let next = 0;
  allBatches.forEach((b, i) => {
    t.is(b.baseOffset, next);
    next = b.lastOffset + 1;
    t.deepEqual(b.bytes, appended[i]);
  });
});

test('offset checkpoint files: Kafka text format, written atomically, read back', async (t) => {
  const dir = join(tempDir(t), '..');
  const path = join(dir, 'recovery-point-offset-checkpoint');
  await writeOffsetCheckpoint(path, [
    { topic: 'orders', partition: 0, offset: 42 },
    { topic: 'user.events-v2', partition: 11, offset: 2 ** 40 },
  ]);
  t.is(readFileSync(path, 'utf8'), '0\n2\norders 0 42\nuser.events-v2 11 1099511627776\n');
  t.false(readdirSync(dir).some((n) => n.endsWith('.tmp')));
  // a file written by hand (as Kafka would) reads back
  writeFileSync(path, '0\n3\na 0 1\nb 1 2\nc 2 3\n');
  t.deepEqual(await readOffsetCheckpoint(path), [
    { topic: 'a', partition: 0, offset: 1 },
    { topic: 'b', partition: 1, offset: 2 },
    { topic: 'c', partition: 2, offset: 3 },
  ]);
  t.deepEqual(await readOffsetCheckpoint(join(dir, 'missing')), []);
  for (const bad of ['1\n0\n', '0\n2\na 0 1\n', '0\n1\na 0\n', '0\n1\na b 1\n', '0\n1\na 0 -5\n', '']) {
    writeFileSync(path, bad);
    await t.throwsAsync(readOffsetCheckpoint(path), { code: 'CORRUPT_CHECKPOINT' } as never, JSON.stringify(bad));
  }
  await t.throwsAsync(writeOffsetCheckpoint(path, [{ topic: 'has space', partition: 0, offset: 1 }]), { code: 'INVALID_ARGUMENT' } as never);
});

test('leader-epoch-checkpoint: "epoch startOffset" lines', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, '..', 'leader-epoch-checkpoint');
  await writeLeaderEpochCheckpoint(path, [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 120 }]);
  t.is(readFileSync(path, 'utf8'), '0\n2\n0 0\n3 120\n');
  t.deepEqual(await readLeaderEpochCheckpoint(path), [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 120 }]);
});
