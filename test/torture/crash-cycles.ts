/**
 * Kill -9 cycles: a librdkafka producer (acks=all) writes while the broker is
 * SIGKILLed at a random moment; after each restart everything acknowledged
 * in every earlier cycle must be there, at its offset, byte for byte, with
 * dense offsets and no batch failing its CRC; group offsets whose commit was
 * acknowledged must be intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupId, TopicName } from '../../protocol/index.js';
import { advertisedApis, createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { startAckedProducer } from './harness/python-clients.js';
import { Random } from './harness/random.js';
import { missingAcks, readPartition, type Ack, type PartitionContents } from './harness/read-back.js';
import { WireClient } from './harness/wire.js';

const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
/** Waiting for the producer's first acknowledgement after a restart. */
const FIRST_ACK_WAIT_MS = 20_000;
/** Longest a producer runs in one cycle; it is stopped long before. */
const PRODUCER_SECONDS = 120;

export interface CrashOptions {
  readonly kills: number;
  /** fsync before every ack (flush.messages=1), or leave flushing to the OS. */
  readonly fsync: boolean;
  readonly partitions?: number;
  readonly workers?: number;
  readonly seed: number;
  /** Random run time before the kill, after the first ack of the cycle. */
  readonly runMsMin?: number;
  readonly runMsMax?: number;
  /** Producer pace; the records to verify after each restart grow with it. */
  readonly recordsPerSecond?: number;
  readonly log?: (line: string) => void;
}

export interface CrashReport {
  kills: number;
  acked: number;
  /** Acknowledged records checked after the last restart (every one of them). */
  verified: number;
  /** Sum over restarts of the acknowledged records checked. */
  checks: number;
  commitsChecked: number;
  /** Why the group-offset part did not run, if it did not. */
  groupsSkipped: string | null;
  readonly problems: string[];
  logEnd: number;
}

export async function runCrashCycles(opts: CrashOptions): Promise<CrashReport> {
  const rnd = new Random(opts.seed);
  const partitions = opts.partitions ?? 3;
  const topic = 'crash';
  const group = 'crash-group';
  const log = opts.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-crash-'));
  const overrides: Record<string, string | number> = { 'num.partitions': partitions, 'log.segment.bytes': 256 << 10 };
  if (opts.fsync) overrides['log.flush.interval.messages'] = 1;
  const report: CrashReport = { kills: 0, acked: 0, verified: 0, checks: 0, commitsChecked: 0, groupsSkipped: null, problems: [], logEnd: 0 };
  const acks: Ack[] = [];
  const committed = new Map<number, number>();
  let broker: BrokerProcess | null = null;
  try {
    for (let cycle = 0; cycle <= opts.kills; cycle++) {
      broker = await BrokerProcess.start({ dataDir, overrides, workers: opts.workers ?? 0 });
      if (cycle === 0) {
        await createTopic(broker.port, topic, partitions);
        const apis = await advertisedApis(broker.port);
        if (!apis.has(OFFSET_COMMIT) || !apis.has(OFFSET_FETCH)) report.groupsSkipped = 'OffsetCommit/OffsetFetch are not advertised by this broker: committed group offsets not checked';
      } else {
        await verify(broker, topic, partitions, acks, report.groupsSkipped === null ? { group, committed } : null, report);
        if (report.problems.length > 0) {
          report.problems.unshift(`after kill ${cycle} (seed ${opts.seed}):`);
          return report;
        }
      }
      if (cycle === opts.kills) break;
      const producer = startAckedProducer(broker.bootstrap, topic, `k${cycle}`, {
        seconds: PRODUCER_SECONDS,
        recordsPerSecond: opts.recordsPerSecond ?? 10_000,
        group: report.groupsSkipped === null ? group : undefined,
      });
      const t0 = Date.now();
      while (producer.ackCount === 0 && Date.now() - t0 < FIRST_ACK_WAIT_MS && broker.alive) await sleep(10);
      if (producer.ackCount === 0) {
        const run = await producer.stop();
        report.problems.push(`cycle ${cycle}: no acknowledgement within ${FIRST_ACK_WAIT_MS} ms\n${run.stderr}\n${broker.stderr}`);
        return report;
      }
      await sleep(rnd.int(opts.runMsMin ?? 100, opts.runMsMax ?? 1500));
      if (!broker.alive) {
        report.problems.push(`cycle ${cycle}: the broker died on its own: ${JSON.stringify(await broker.exited)}\n${broker.stderr}`);
        return report;
      }
      await broker.kill9();
      report.kills++;
      const run = await producer.stop();
      for (const a of run.acks) acks.push(a);
      for (const [p, o] of run.commits) committed.set(p, Math.max(committed.get(p) ?? -1, o));
      log(`kill ${cycle + 1}/${opts.kills}: ${run.acks.length} acknowledged this cycle, ${acks.length} in all`);
    }
    report.acked = acks.length;
    report.verified = acks.length;
    await broker!.stop();
    return report;
  } finally {
    if (broker?.alive) await broker.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function verify(
  broker: BrokerProcess,
  topic: string,
  partitions: number,
  acks: readonly Ack[],
  groups: { group: string; committed: Map<number, number> } | null,
  report: CrashReport,
): Promise<void> {
  const client = await WireClient.connect(broker.port);
  try {
    const contents: PartitionContents[] = [];
    for (let p = 0; p < partitions; p++) contents.push(await readPartition(client, topic, p));
    for (const c of contents) report.problems.push(...c.problems);
    report.logEnd = contents.reduce((n, c) => n + c.highWatermark, 0);
    const { checked, problems } = missingAcks(contents, acks);
    report.checks += checked;
    report.problems.push(...problems);
    if (groups !== null && groups.committed.size > 0) {
      const res = await client.request(OFFSET_FETCH, 1, { groupId: groups.group as GroupId, topics: [{ name: topic as TopicName, partitionIndexes: [...groups.committed.keys()] }] });
      for (const [p, offset] of groups.committed) {
        const got = res.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === p);
        report.commitsChecked++;
        // A commit sent but unanswered before the kill may have landed too: at least, never less.
        if (got === undefined || got.errorCode !== 0 || Number(got.committedOffset) < offset) {
          report.problems.push(`group ${groups.group} partition ${p}: committed ${offset} was acknowledged, OffsetFetch says ${got?.committedOffset} (error ${got?.errorCode ?? res.errorCode})`);
        }
      }
    }
  } finally {
    client.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
