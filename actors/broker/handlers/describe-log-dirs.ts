import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TopicName } from '../../../protocol/index.js';
import type { DescribeLogDirsResponseDescribeLogDirsPartition } from '../../../protocol/generated/index.js';
import { partitionKey, type PartitionDescription } from '../../partition/messages.js';
import type { CleanerPartitionState } from '../log-cleaner.js';
import { defineHandler } from '../handler.js';

/** v0-4: the one data directory, its partitions' sizes, (v4) its total and usable bytes, and (v2+) samsa's cleaner state of compacted partitions. */
export const describeLogDirs = defineHandler({
  apiKey: 35,
  advertised: { min: 0, max: 4 },
  accepts: { min: 0, max: 4 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic as string, new Set(t.partitions)]));
    const described = await broker.partitions.broadcast<PartitionDescription>({ t: 'describe' });
    // The tagged field samsa adds (protocol/gen/extensions/) exists from v2, the first flexible version.
    const cleaning = ctx.header.apiVersion >= 2 && broker.cleaner !== null ? await broker.cleaner.describe() : new Map<string, CleanerPartitionState>();
    const topics = new Map<string, DescribeLogDirsResponseDescribeLogDirsPartition[]>();
    for (const d of described) {
      if (!d.outcome.ok) continue;
      if (wanted !== null && !wanted.get(d.topic)?.has(d.partition)) continue;
      let list = topics.get(d.topic);
      if (list === undefined) topics.set(d.topic, (list = []));
      const c = cleaning.get(partitionKey(d.topic, d.partition));
      list.push({
        partitionIndex: d.partition,
        partitionSize: BigInt(d.outcome.value.sizeBytes),
        // Kafka's lag of a current log: high watermark past its own end, never above 0.
        offsetLag: 0n,
        isFutureKey: false,
        cleaner: c === undefined
          ? { dirtyRatio: -1, dirtyBytes: -1n, firstDirtyOffset: -1n, cleanings: 0, lastCleanedMs: -1n }
          : { dirtyRatio: c.dirtyRatio, dirtyBytes: BigInt(c.dirtyBytes), firstDirtyOffset: BigInt(c.firstDirtyOffset), cleanings: c.cleanings, lastCleanedMs: BigInt(c.lastCleanedMs) },
      });
    }
    let totalBytes = -1n;
    let usableBytes = -1n;
    try {
      const fs = statfsSync(broker.dataDir, { bigint: true });
      totalBytes = fs.blocks * fs.bsize;
      usableBytes = fs.bavail * fs.bsize;
    } catch {
      // Unknown sizes are -1 in the protocol.
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      results: [
        {
          errorCode: 0,
          logDir: resolve(broker.dataDir),
          topics: [...topics].map(([name, partitions]) => ({ name: name as TopicName, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) })),
          totalBytes,
          usableBytes,
        },
      ],
    };
  },
  errorResponse: (_req, errorCode) => ({ errorCode, results: [] }),
});
