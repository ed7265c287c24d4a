/**
 * The fuzz scenario: a live broker process, hostile frames over many
 * connections, and a well-behaved kafkajs producer alongside whose every
 * acknowledged record is read back afterwards. Reports what a test asserts
 * and the runner prints.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoodProducer } from '../good/kafkajs-producer.js';
import { advertisedApis, createTopic } from '../harness/admin.js';
import { BrokerProcess } from '../harness/broker-process.js';
import { missingAcks, readPartition } from '../harness/read-back.js';
import { WireClient } from '../harness/wire.js';
import { runFuzz, type FuzzStats } from './fuzz-run.js';
import { fuzzableApis, FUZZ_TOPIC } from './templates.js';

const REQUEST_MAX_BYTES = 1 << 20;
const GOOD_TOPIC = 'good';

export interface LiveFuzzReport {
  readonly stats: FuzzStats;
  readonly alive: boolean;
  readonly exit: string | null;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly goodAcked: number;
  readonly goodRecordsPerSecond: number;
  readonly goodFailures: string[];
  readonly problems: string[];
  readonly elapsedMs: number;
}

export async function liveFuzz(opts: { frames: number; seed: number; budgetMs: number; concurrency?: number; workers?: number }): Promise<LiveFuzzReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-fuzz-'));
  const broker = await BrokerProcess.start({
    dataDir,
    workers: opts.workers ?? 0,
    // Every refused frame is logged at warn: keep the child's stderr to errors.
    logLevel: 'error',
    overrides: { 'auto.create.topics.enable': false, 'socket.request.max.bytes': REQUEST_MAX_BYTES, 'log.segment.bytes': 8 << 20 },
  });
  try {
    await createTopic(broker.port, FUZZ_TOPIC, 2);
    await createTopic(broker.port, GOOD_TOPIC, 1);
    const apis = fuzzableApis(await advertisedApis(broker.port));
    const good = await startGoodProducer(broker.bootstrap, GOOD_TOPIC);
    // Let the broker reach its working size before the baseline.
    await new Promise((r) => setTimeout(r, 500));
    const rssBeforeBytes = broker.rssBytes();
    const t0 = Date.now();
    const stats = await runFuzz({ port: broker.port, frames: opts.frames, concurrency: opts.concurrency ?? 16, seed: opts.seed, apis, requestMaxBytes: REQUEST_MAX_BYTES, budgetMs: opts.budgetMs });
    const elapsedMs = Date.now() - t0;
    const goodRun = await good.stop();
    const alive = broker.alive;
    const rssAfterBytes = alive ? broker.rssBytes() : 0;
    const problems: string[] = [];
    if (alive) {
      const client = await WireClient.connect(broker.port);
      try {
        const contents = await readPartition(client, GOOD_TOPIC, 0);
        problems.push(...contents.problems, ...missingAcks([contents], goodRun.acks).problems);
        // Whatever the fuzz got stored must be readable: a broken batch acknowledged would stop every consumer here.
        for (const p of [0, 1]) problems.push(...(await readPartition(client, FUZZ_TOPIC, p)).problems.map((x) => `${FUZZ_TOPIC}: ${x}`));
      } finally {
        client.close();
      }
    } else problems.push(`broker exited: ${JSON.stringify(await broker.exited)}\n${broker.stderr}`);
    return {
      stats,
      alive,
      exit: alive ? null : JSON.stringify(await broker.exited),
      rssBeforeBytes,
      rssAfterBytes,
      goodAcked: goodRun.acks.length,
      goodRecordsPerSecond: goodRun.recordsPerSecond,
      goodFailures: goodRun.failures,
      problems,
      elapsedMs,
    };
  } finally {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
