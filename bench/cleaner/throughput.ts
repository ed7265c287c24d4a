// `npm run bench:cleaner` (first half; node dist/bench/cleaner/throughput.js alone):
// how fast the log cleaner cleans, beside a plain read-and-rewrite of the same
// bytes (1 MiB reads, one write stream per segment, fsync'd: the I/O floor of
// any cleaner). A log of --mib MiB of 100-byte values over 10,000 keys is
// written once per codec; each case reads it in the page cache (steady state:
// the log was just written), and the ratio cleaner / copy is taken in the
// same run.
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '../../native/index.js';
import { cleanLog } from '../../actors/partition/cleaner/clean-job.js';
import { cleanPlan } from '../../actors/partition/cleaner/clean-plan.js';
import { perfPayload } from '../../protocol/client/index.js';
import { encodeRecordBatchSync } from '../../protocol/records/record-batch.js';

const arg = (name: string, fallback: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
};
const MIB = arg('mib', 256);
const SEGMENT_BYTES = 16 << 20;
const KEYS = 10_000;

function fill(dir: string, codec: number): PartitionLog {
  const log = PartitionLog.open(dir, { segmentBytes: SEGMENT_BYTES });
  const value = perfPayload(100);
  let seq = 0;
  const batches = Array.from({ length: 32 }, () => encodeRecordBatchSync({ records: Array.from({ length: 500 }, () => ({ key: Buffer.from(`key-${seq++ % KEYS}`), value })), compression: codec, baseTimestamp: BigInt(Date.now()) }));
  let bytes = 0;
  for (let i = 0; bytes < MIB << 20; i++) {
    const b = Buffer.from(batches[i % batches.length]!);
    log.append(b);
    bytes += b.length;
  }
  // Roll so every record is in a sealed segment.
  log.append(Buffer.from(batches[0]!));
  log.flush();
  return log;
}

/** Copies every sealed segment the cleaner would read, as the floor of its I/O. */
function plainRewrite(dir: string, sealed: readonly string[]): number {
  const chunk = Buffer.alloc(1 << 20);
  let bytes = 0;
  for (const name of sealed) {
    const src = openSync(join(dir, name), 'r');
    const dst = openSync(join(dir, `${name}.copy`), 'w');
    for (let pos = 0, n = 0; (n = readSync(src, chunk, 0, chunk.length, pos)) > 0; pos += n) {
      writeSync(dst, chunk, 0, n);
      bytes += n;
    }
    fsyncSync(dst);
    closeSync(dst);
    closeSync(src);
    rmSync(join(dir, `${name}.copy`));
  }
  return bytes;
}

async function main(): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  for (const [codecName, codec] of [['none', 0], ['lz4', 3]] as const) {
    const root = mkdtempSync(join(tmpdir(), 'samsa-bench-clean-'));
    try {
      const dir = join(root, 't-0');
      const log = fill(dir, codec);
      const sealed = readdirSync(dir).filter((n) => n.endsWith('.log')).sort().slice(0, -1);
      const sealedBytes = sealed.reduce((n, s) => n + statSync(join(dir, s)).size, 0);
      const t0 = performance.now();
      plainRewrite(dir, sealed);
      const copyMs = performance.now() - t0;
      const plan = cleanPlan({
        log,
        firstDirtyOffset: 0,
        highWatermark: log.logEndOffset,
        policy: { segmentBytes: SEGMENT_BYTES, segmentIndexBytes: 10 << 20, indexIntervalBytes: 4096, deleteRetentionMs: 86_400_000, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, minCleanableDirtyRatio: 0, maxDecompressedBytes: 1 << 30 },
        settings: { dedupeBufferBytes: 128 << 20, ioMaxBytesPerSecond: Infinity },
        keepBatchesEndingAt: [],
        nowMs: Date.now(),
      });
      const t1 = performance.now();
      const outcome = await cleanLog(plan.args);
      for (const g of outcome.groups) log.replaceSegments(g.firstBase, g.endOffset, g.replaced, g.cleanedPath);
      const cleanMs = performance.now() - t1;
      log.close();
      const mbps = (ms: number) => Math.round((sealedBytes / 1e6 / (ms / 1000)) * 10) / 10;
      rows.push({
        codec: codecName,
        logMiB: Math.round(sealedBytes / 2 ** 20),
        copyMBps: mbps(copyMs),
        cleanMBps: mbps(cleanMs),
        cleanOverCopy: Math.round((copyMs / cleanMs) * 100) / 100,
        cleanRecordsPerSec: Math.round(outcome.recordsRead / (cleanMs / 1000)),
        recordsRemoved: outcome.recordsRemoved,
        recordsRead: outcome.recordsRead,
        bytesAfter: outcome.bytesWritten,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), pageCache: 'warm (the log was just written)', rows }, null, 1)}\n`);
}

await main();
