// Crash recovery: a child appends and is SIGKILLed; copies of its directory
// are then cut or garbled at random points and reopened. Every batch before
// the damage must come back byte for byte, and nothing at or after it.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync, truncateSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PartitionLog } from '../../native/index.js';
import { simpleBatch } from './helpers/batch-builder.js';
import { tempDir } from './helpers/temp-dir.js';

const here = dirname(fileURLToPath(import.meta.url));
const SEGMENT_BYTES = 8 * 1024;
const BATCHES = 150;

interface Batch {
  segment: string;
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

function crashedLog(t: Parameters<typeof tempDir>[0]): { dir: string; batches: Batch[]; segments: string[] } {
  const dir = tempDir(t, 'crashed');
  const child = spawnSync(process.execPath, [join(here, 'helpers', 'crash-writer.js'), dir, String(BATCHES), String(SEGMENT_BYTES)], {
    stdio: 'pipe',
    env: process.env,
  });
  t.is(child.signal, 'SIGKILL', child.stderr.toString());
  const segments = readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
  const batches: Batch[] = [];
  for (const segment of segments) {
    const buf = readFileSync(join(dir, segment));
    for (let pos = 0; pos < buf.length; ) {
      const size = buf.readInt32BE(pos + 8) + 12;
      const baseOffset = Number(buf.readBigInt64BE(pos));
      batches.push({ segment, position: pos, size, baseOffset, lastOffset: baseOffset + buf.readInt32BE(pos + 23), bytes: buf.subarray(pos, pos + size) });
      pos += size;
    }
  }
  return { dir, batches, segments };
}

// Deterministic pseudo-random points (xorshift), so a failure reproduces.
function* points(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x >>> 0) / 2 ** 32;
  }
}

function readAll(log: PartitionLog): Buffer {
  return Buffer.concat(log.read(log.logStartOffset, 1 << 30).views);
}

function checkSurvivors(t: Parameters<typeof tempDir>[0], dir: string, expected: Batch[], label: string, recoveryPoint = 0): void {
  const log = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES, indexIntervalBytes: 512 }, { recoveryPoint });
  try {
    const want = Buffer.concat(expected.map((b) => b.bytes));
    const got = readAll(log);
    t.true(got.equals(want), `${label}: ${got.length} bytes served, ${want.length} expected`);
    const end = expected.length ? expected.at(-1)!.lastOffset + 1 : 0;
    t.is(log.logEndOffset, end, label);
    // Each surviving batch is found from each of its offsets.
    for (const b of expected.filter((_, i) => i % 7 === 0)) {
      const r = log.read(b.lastOffset, 1);
      t.true(Buffer.from(r.views[0]!).equals(b.bytes), `${label}: offset ${b.lastOffset}`);
    }
    // The recovered log takes appends again.
    const r = log.append(simpleBatch(1, 10));
    t.is(r.baseOffset, end, label);
  } finally {
    log.close();
  }
}

test('a SIGKILLed writer loses nothing it appended (process crash, page cache intact)', (t) => {
  const { dir, batches, segments } = crashedLog(t);
  t.true(segments.length >= 4);
  t.is(batches.length, BATCHES);
  checkSurvivors(t, dir, batches, 'intact');
});

test('cut at random points: the log ends at the last whole batch before the cut', (t) => {
  const { dir, batches, segments } = crashedLog(t);
  const rand = points(0x9e3779b9);
  for (let round = 0; round < 25; round++) {
    const copy = `${dir}-cut${round}`;
    cpSync(dir, copy, { recursive: true });
    const segment = segments[Math.floor(rand.next().value * segments.length)]!;
    const size = statSync(join(copy, segment)).size;
    const at = Math.floor(rand.next().value * size);
    truncateSync(join(copy, segment), at);
    const segIndex = segments.indexOf(segment);
    const straddles = batches.some((b) => b.segment === segment && b.position < at && b.position + b.size > at);
    const expected = batches.filter((b) => {
      const s = segments.indexOf(b.segment);
      if (s < segIndex) return true;
      if (s === segIndex) return b.position + b.size <= at;
      return !straddles; // a torn batch ends the log; a clean cut on a boundary only loses the cut batches
    });
    checkSurvivors(t, copy, expected, `cut ${segment}@${at}`);
  }
});

test('garbled bytes at random points: the log ends before the damaged batch', (t) => {
  const { dir, batches, segments } = crashedLog(t);
  const rand = points(0x1234567);
  for (let round = 0; round < 25; round++) {
    const copy = `${dir}-garble${round}`;
    cpSync(dir, copy, { recursive: true });
    const victim = batches[Math.floor(rand.next().value * batches.length)]!;
    // Any byte the format protects: batchLength, magic, CRC and the CRC'd
    // range. baseOffset and partitionLeaderEpoch lie outside the CRC in
    // Kafka's format and are checked only for order.
    let rel: number;
    do rel = 8 + Math.floor(rand.next().value * (victim.size - 8));
    while (rel >= 12 && rel < 16);
    const path = join(copy, victim.segment);
    const buf = readFileSync(path);
    buf[victim.position + rel] ^= 1 + Math.floor(rand.next().value * 255);
    writeFileSync(path, buf);
    const victimIndex = batches.indexOf(victim);
    checkSurvivors(t, copy, batches.slice(0, victimIndex), `garble batch ${victim.baseOffset} byte ${rel}`);
  }
});

test('damaged indexes of flushed segments are detected or harmless: reads stay exact', (t) => {
  const { dir, batches, segments } = crashedLog(t);
  const rand = points(0xabcdef);
  const recoveryPoint = batches.at(-1)!.lastOffset + 1;
  for (let round = 0; round < 10; round++) {
    const copy = `${dir}-index${round}`;
    cpSync(dir, copy, { recursive: true });
    for (const segment of segments.slice(0, -1)) {
      const path = join(copy, segment.replace('.log', round % 2 ? '.index' : '.timeindex'));
      const buf = readFileSync(path);
      if (buf.length === 0) continue;
      for (let k = 0; k < 3; k++) buf[Math.floor(rand.next().value * buf.length)] ^= 0xff;
      writeFileSync(path, buf);
    }
    checkSurvivors(t, copy, batches, `index damage ${round}`, recoveryPoint);
  }
});

test('a preallocated, untrimmed index of the active segment is rebuilt on open', (t) => {
  const { dir, batches, segments } = crashedLog(t);
  const active = segments.at(-1)!.replace('.log', '.index');
  t.is(statSync(join(dir, active)).size, 10 * 1024 * 1024, 'left preallocated by the crash');
  const log = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES, indexIntervalBytes: 512 }, { recoveryPoint: batches.at(-1)!.lastOffset + 1 });
  t.is(log.logEndOffset, batches.at(-1)!.lastOffset + 1);
  t.true(Buffer.concat(log.read(0, 1 << 30).views).equals(Buffer.concat(batches.map((b) => b.bytes))));
  log.close();
  t.is(statSync(join(dir, active)).size % 8, 0);
  t.true(statSync(join(dir, active)).size < 10 * 1024 * 1024, 'trimmed on close');
});
