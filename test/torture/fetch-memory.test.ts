/**
 * The memory a Fetch response takes on a broker with partitions on the pool
 * (a real `samsa start --workers 2`): bounded by the response's limits, not by
 * the partitions it names times partition_max_bytes, nor by one copy per
 * concurrent fetch. The broker reads zero-copy views of the mapped segments,
 * so concurrent fetches of the same bytes share the same pages.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaClient } from '../../cli/console/client.js';
import type { TopicName } from '../../protocol/index.js';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { fillTopic } from './slow/fill.js';

const MIB = 1 << 20;
const LOG_BYTES = 32 * MIB;

function fetchBody(maxBytes: number, partitions: ReadonlyArray<{ partitionMaxBytes: number }>) {
  return {
    replicaId: -1 as never,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'big' as TopicName, partitions: partitions.map((p) => ({ partition: 0, fetchOffset: 0n, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: -1, logStartOffset: -1n })) }],
  };
}

/** A pooled broker holding LOG_BYTES in one partition, its RSS sampled every 10 ms while `work` runs. */
async function peakGrowth(t: import('ava').ExecutionContext, work: (broker: BrokerProcess) => Promise<void>): Promise<{ before: number; peak: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-fetch-mem-'));
  const broker = await BrokerProcess.start({ dataDir, workers: 2, logLevel: 'error' });
  t.teardown(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await createTopic(broker.port, 'big', 1);
  await fillTopic(broker.port, 'big', LOG_BYTES);
  // One whole read first: the log's pages are then already counted in the RSS we start from.
  const warm = await KafkaClient.connect(broker.bootstrap);
  try {
    await warm.conn.request(1, 12, fetchBody(64 * MIB, [{ partitionMaxBytes: 64 * MIB }]));
  } finally {
    warm.close();
  }
  const before = broker.rssBytes();
  let peak = before;
  const sampler = setInterval(() => {
    if (broker.alive) peak = Math.max(peak, broker.rssBytes());
  }, 10);
  try {
    await work(broker);
  } finally {
    clearInterval(sampler);
  }
  t.true(broker.alive, broker.stderr);
  peak = Math.max(peak, broker.rssBytes());
  t.log(`RSS ${(before / MIB) | 0} MiB, peak ${(peak / MIB) | 0} MiB`);
  return { before, peak };
}

// Bounds: a response here is at most 1 MiB (first case) or 8 MiB of views over
// pages already resident (second); 64 MiB leaves room for the request, its
// decode, heap growth and socket buffers. Copies per partition named
// (2,000 x one 256 KiB batch = 500 MiB) or per connection (16 x 8 MiB = 128 MiB, plus
// each response held until written) do not fit.
const GROWTH_BOUND = 64 * MIB;

test.serial('pool: one 1 MiB Fetch naming one partition 2,000 times grows RSS by less than 64 MiB', async (t) => {
  const { before, peak } = await peakGrowth(t, async (broker) => {
    const c = await KafkaClient.connect(broker.bootstrap);
    try {
      const r = await c.conn.request(1, 12, fetchBody(MIB, Array.from({ length: 2000 }, () => ({ partitionMaxBytes: 512 << 10 }))));
      const parts = r.responses.flatMap((x) => x.partitions);
      t.is(parts.length, 1);
      t.true((parts[0]!.records?.length ?? 0) <= 512 << 10);
    } finally {
      c.close();
    }
  });
  t.true(peak - before < GROWTH_BOUND, `RSS grew by ${((peak - before) / MIB) | 0} MiB`);
});

test.serial('pool: 16 connections fetching the same 8 MiB at once, 4 times each, grow RSS by less than 64 MiB', async (t) => {
  const { before, peak } = await peakGrowth(t, async (broker) => {
    const clients = await Promise.all(Array.from({ length: 16 }, () => KafkaClient.connect(broker.bootstrap)));
    try {
      await Promise.all(
        clients.map(async (c) => {
          for (let i = 0; i < 4; i++) {
            const r = await c.conn.request(1, 12, fetchBody(8 * MIB, [{ partitionMaxBytes: 8 * MIB }]));
            const got = r.responses[0]!.partitions[0]!.records?.length ?? 0;
            if (got === 0 || got > 8 * MIB) throw new Error(`a fetch returned ${got} bytes`);
          }
        }),
      );
    } finally {
      for (const c of clients) c.close();
    }
  });
  t.true(peak - before < GROWTH_BOUND, `RSS grew by ${((peak - before) / MIB) | 0} MiB`);
});
