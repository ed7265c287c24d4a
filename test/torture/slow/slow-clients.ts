/**
 * Slow and stuck clients against a broker process: thousands of idle
 * connections, connections trickling a byte at a time, and connections that
 * pipeline large Fetches and never read. Meanwhile a kafkajs producer and a
 * reader do their work; their throughput is measured before and during the
 * abuse (reported, not asserted), and the broker's RSS is sampled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoodProducer } from '../good/kafkajs-producer.js';
import { createTopic } from '../harness/admin.js';
import { BrokerProcess } from '../harness/broker-process.js';
import { missingAcks, readPartition, type Ack } from '../harness/read-back.js';
import { WireClient } from '../harness/wire.js';
import { idle, neverReaders, trickle } from './abusers.js';
import { fillTopic } from './fill.js';

const MIB = 1 << 20;

export interface SlowClientsOptions {
  readonly workers?: number;
  readonly idleConnections: number;
  readonly trickleConnections: number;
  readonly neverReaderConnections: number;
  readonly fetchesPerNeverReader: number;
  /** How long each measured window of the good clients lasts. */
  readonly windowMs: number;
  readonly bigTopicBytes?: number;
}

export interface Throughput {
  readonly produceRecordsPerSecond: number;
  readonly readMiBPerSecond: number;
}

export interface SlowClientsReport {
  readonly baseline: Throughput;
  readonly abused: Throughput;
  readonly rssBeforeBytes: number;
  /** Highest RSS sampled while the abusers were connected. */
  readonly rssPeakBytes: number;
  readonly rssAfterBytes: number;
  readonly idleStillOpen: number;
  readonly trickleClosed: number;
  readonly neverReaderRequestsTaken: number;
  readonly alive: boolean;
  readonly problems: string[];
}

export async function slowClients(opts: SlowClientsOptions): Promise<SlowClientsReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-slow-'));
  const broker = await BrokerProcess.start({ dataDir, workers: opts.workers ?? 0, logLevel: 'error' });
  const problems: string[] = [];
  const acks: Ack[] = [];
  let rssPeakBytes = 0;
  const sampler = setInterval(() => {
    if (broker.alive) rssPeakBytes = Math.max(rssPeakBytes, broker.rssBytes());
  }, 100);
  try {
    await createTopic(broker.port, 'big', 1);
    await createTopic(broker.port, 'good', 1);
    await fillTopic(broker.port, 'big', opts.bigTopicBytes ?? 16 * MIB);
    const baseline = await measure(broker, opts.windowMs, acks, problems);
    const rssBeforeBytes = broker.rssBytes();
    rssPeakBytes = rssBeforeBytes;
    const idlers = await idle(broker.port, opts.idleConnections);
    const trickler = await trickle(broker.port, opts.trickleConnections, 200);
    const stuck = await neverReaders(broker.port, 'big', opts.neverReaderConnections, opts.fetchesPerNeverReader, MIB);
    await sleep(1_000);
    const abused = await measure(broker, opts.windowMs, acks, problems);
    const idleStillOpen = idlers.open;
    const trickleClosed = trickler.closedByBroker;
    const neverReaderRequestsTaken = stuck.written();
    idlers.close();
    trickler.close();
    stuck.close();
    await sleep(1_000);
    const alive = broker.alive;
    const rssAfterBytes = alive ? broker.rssBytes() : 0;
    if (alive) {
      const c = await WireClient.connect(broker.port);
      try {
        const contents = await readPartition(c, 'good', 0);
        problems.push(...contents.problems, ...missingAcks([contents], acks).problems);
      } finally {
        c.close();
      }
    } else problems.push(`broker exited: ${JSON.stringify(await broker.exited)}\n${broker.stderr}`);
    return { baseline, abused, rssBeforeBytes, rssPeakBytes, rssAfterBytes, idleStillOpen, trickleClosed, neverReaderRequestsTaken, alive, problems };
  } finally {
    clearInterval(sampler);
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One window of the good producer, then one full read of the big topic. */
async function measure(broker: BrokerProcess, windowMs: number, acks: Ack[], problems: string[]): Promise<Throughput> {
  const producer = await startGoodProducer(broker.bootstrap, 'good', { batchRecords: 100 });
  await sleep(windowMs);
  const run = await producer.stop();
  for (const a of run.acks) acks.push(a);
  problems.push(...run.failures.map((f) => `good producer: ${f}`));
  const c = await WireClient.connect(broker.port);
  try {
    const t0 = performance.now();
    const contents = await readPartition(c, 'big', 0);
    const seconds = (performance.now() - t0) / 1000;
    problems.push(...contents.problems);
    let bytes = 0;
    for (const v of contents.values.values()) bytes += v.length;
    return { produceRecordsPerSecond: run.recordsPerSecond, readMiBPerSecond: Math.round(bytes / MIB / seconds) };
  } finally {
    c.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
