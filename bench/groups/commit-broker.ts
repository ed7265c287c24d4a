// Offset commits end to end: OffsetCommit requests (one partition each, four
// groups, 16 in flight on one connection) against an embedded broker, inline
// and on a 2-worker pool, alternating. On the pool each commit goes main thread
// -> the group's coordinator -> its __consumer_offsets partition actor and back.
//
//   node dist/bench/groups/commit-broker.js [--commits 20000] [--rounds 2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { parseFlags } from '../../cli/perf/args.js';
import { startBroker } from '../../index.js';
import { ApiKey, type GroupId, type TopicName } from '../../protocol/index.js';
import { median } from '../limit/processes.js';

const flags = parseFlags(process.argv.slice(2), {
  commits: { type: 'int', default: 20_000, min: 1, help: 'OffsetCommit requests per run' },
  rounds: { type: 'int', default: 2, min: 1, help: 'runs of each placement' },
});
const IN_FLIGHT = 16;
const TOPIC = 'orders' as TopicName;
const GROUPS = 4;

async function run(workers: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-commit-bench-'));
  const broker = await startBroker({ dataDir: dir, port: 0, workers, logger: 'silent' });
  const c = await KafkaConnection.open({ host: '127.0.0.1', port: broker.port });
  try {
    await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
    const commit = async (n: number): Promise<void> => {
      const res = await c.request(ApiKey.OffsetCommit, 8, {
        groupId: `g${n % GROUPS}` as GroupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: BigInt(n), committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      const code = res.topics[0]!.partitions[0]!.errorCode;
      if (code !== 0) throw new Error(`OffsetCommit failed with error code ${code}`);
    };
    for (let n = 0; n < GROUPS; n++) await commit(n); // loads the coordinators
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < flags.commits) await commit(next++);
      }),
    );
    return (flags.commits / (performance.now() - t0)) * 1000;
  } finally {
    await c.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rates: Record<number, number[]> = { 0: [], 2: [] };
for (let r = 0; r < flags.rounds; r++) {
  for (const w of r % 2 === 0 ? [0, 2] : [2, 0]) {
    const rate = await run(w);
    rates[w]!.push(rate);
    process.stderr.write(`round ${r + 1} workers=${w}: ${rate.toFixed(0)} commits/s\n`);
  }
}
process.stdout.write(
  `OffsetCommit, ${IN_FLIGHT} in flight, ${GROUPS} groups: inline ${median(rates[0]!).toFixed(0)} commits/s, ` +
    `pool(2) ${median(rates[2]!).toFixed(0)} commits/s (runs: ${rates[0]!.map((x) => x.toFixed(0)).join(', ')} / ${rates[2]!.map((x) => x.toFixed(0)).join(', ')})\n`,
);
