import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TopicName } from '../../../protocol/index.js';
import type { PartitionDescription } from '../../partition/messages.js';
import { defineHandler } from '../handler.js';

/** v0-4: the one data directory, its partitions' sizes, and (v4) its total and usable bytes. */
export const describeLogDirs = defineHandler({
  apiKey: 35,
  advertised: { min: 0, max: 4 },
  accepts: { min: 0, max: 4 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic as string, new Set(t.partitions)]));
    const described = await broker.partitions.broadcast<PartitionDescription>({ t: 'describe' });
    const topics = new Map<string, Array<{ partitionIndex: number; partitionSize: bigint; offsetLag: bigint; isFutureKey: boolean }>>();
    for (const d of described) {
      if (!d.outcome.ok) continue;
      if (wanted !== null && !wanted.get(d.topic)?.has(d.partition)) continue;
      let list = topics.get(d.topic);
      if (list === undefined) topics.set(d.topic, (list = []));
      list.push({ partitionIndex: d.partition, partitionSize: BigInt(d.outcome.value.sizeBytes), offsetLag: 0n, isFutureKey: false });
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
