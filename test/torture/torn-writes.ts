/**
 * Torn and garbled files through whole-broker restarts. Each round: produce
 * (librdkafka, acks=all), kill -9, damage the partition's files, restart,
 * then check what the storage engine promises: the active segment is cut at
 * the first bad batch and nothing before it is lost; damaged or missing
 * indexes are rebuilt and cost nothing; what is served passes its CRC, has
 * dense offsets and the acknowledged bytes, for our reader and for
 * librdkafka's (CRC checks on); and the log takes appends again.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { readBackWithLibrdkafka, startAckedProducer } from './harness/python-clients.js';
import { Random } from './harness/random.js';
import { readPartition, type Ack } from './harness/read-back.js';
import { WireClient } from './harness/wire.js';

const TOPIC = 'torn';
const DAMAGE = ['cut log', 'garble log', 'garbage appended', 'garble indexes', 'cut indexes', 'delete indexes'] as const;
type Damage = (typeof DAMAGE)[number];

export interface TornReport {
  rounds: number;
  /** Acknowledged records checked in the last round. */
  verified: number;
  /** Acknowledged records cut off with a damaged tail (expected, and counted). */
  cutOff: number;
  readonly damages: Map<Damage, number>;
  readonly problems: string[];
}

export async function runTornWrites(opts: { rounds: number; seed: number; log?: (s: string) => void }): Promise<TornReport> {
  const rnd = new Random(opts.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-torn-'));
  const overrides = { 'log.segment.bytes': 64 << 10, 'log.index.interval.bytes': 512 };
  const report: TornReport = { rounds: 0, verified: 0, cutOff: 0, damages: new Map(), problems: [] };
  /** Acknowledged and not (legitimately) cut off, by offset. */
  const live = new Map<number, Buffer>();
  let broker = await BrokerProcess.start({ dataDir, overrides });
  try {
    await createTopic(broker.port, TOPIC, 1);
    // Damages in turn from a random start: any DAMAGE.length consecutive rounds cover them all.
    const first = rnd.int(0, DAMAGE.length - 1);
    for (let round = 0; round < opts.rounds; round++) {
      const run = await produceFor(broker, `t${round}`, rnd.int(300, 800));
      for (const a of run) live.set(a.offset, a.value);
      await broker.kill9();
      const damage = DAMAGE[(first + round) % DAMAGE.length]!;
      report.damages.set(damage, (report.damages.get(damage) ?? 0) + 1);
      const activeBase = damageFiles(join(dataDir, `${TOPIC}-0`), damage, rnd);
      broker = await BrokerProcess.start({ dataDir, overrides });
      const client = await WireClient.connect(broker.port);
      try {
        const contents = await readPartition(client, TOPIC, 0);
        const where = `round ${round} (${damage}, seed ${opts.seed})`;
        report.problems.push(...contents.problems.map((p) => `${where}: ${p}`));
        const end = contents.highWatermark;
        if (damage.includes('index') && end < Math.max(-1, ...live.keys()) + 1) report.problems.push(`${where}: index damage lost records (log end ${end})`);
        if (end < activeBase) report.problems.push(`${where}: log end ${end} is below the damaged segment's base ${activeBase}`);
        for (const [offset, value] of live) {
          if (offset >= end) {
            live.delete(offset);
            report.cutOff++;
            continue;
          }
          const got = contents.values.get(offset);
          if (got === undefined || !got.equals(value)) report.problems.push(`${where}: acknowledged record at ${offset} ${got ? 'changed' : 'missing'} below the log end ${end}`);
          if (report.problems.length > 20) return report;
        }
        report.verified = live.size;
        const lib = await readBackWithLibrdkafka(broker.bootstrap, TOPIC, 1);
        report.problems.push(...lib.errors.map((e) => `${where}: librdkafka: ${e}`));
        const libValues = lib.values.get(0) ?? new Map<number, Buffer>();
        if (libValues.size !== contents.values.size) report.problems.push(`${where}: librdkafka read ${libValues.size} records, the fetch walk ${contents.values.size}`);
        for (const [offset, value] of contents.values) {
          if (!libValues.get(offset)?.equals(value)) {
            report.problems.push(`${where}: librdkafka disagrees at offset ${offset}`);
            break;
          }
        }
      } finally {
        client.close();
      }
      report.rounds++;
      opts.log?.(`round ${round + 1}/${opts.rounds}: ${damage}, ${live.size} acknowledged records intact, ${report.cutOff} cut off in all`);
      if (report.problems.length > 0) return report;
    }
    // The repaired log takes appends at its new end, densely.
    const after = await produceFor(broker, 'after', 300);
    const client = await WireClient.connect(broker.port);
    try {
      const contents = await readPartition(client, TOPIC, 0);
      report.problems.push(...contents.problems);
      for (const a of after) if (!contents.values.get(a.offset)?.equals(a.value)) report.problems.push(`record acknowledged after the repairs at ${a.offset} is missing`);
    } finally {
      client.close();
    }
    await broker.stop();
    return report;
  } finally {
    if (broker.alive) await broker.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function produceFor(broker: BrokerProcess, tag: string, ms: number): Promise<Ack[]> {
  const p = startAckedProducer(broker.bootstrap, TOPIC, tag, { seconds: 60, recordsPerSecond: 5_000 });
  const t0 = Date.now();
  while (p.ackCount === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, ms));
  return (await p.stop()).acks;
}

/** Damages the partition's files; returns the base offset of the active (last) segment. */
function damageFiles(dir: string, damage: Damage, rnd: Random): number {
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  const active = logs[logs.length - 1]!;
  const base = Number(active.slice(0, 20));
  const activeLog = join(dir, active);
  const size = statSync(activeLog).size;
  const indexes = readdirSync(dir).filter((f) => f.endsWith('.index') || f.endsWith('.timeindex'));
  switch (damage) {
    case 'cut log':
      truncateSync(activeLog, rnd.int(0, size));
      break;
    case 'garble log':
      for (let i = rnd.int(1, 4); i > 0 && size > 0; i--) writeAt(activeLog, rnd.int(0, size - 1), rnd.bytes(rnd.int(1, 16)));
      break;
    case 'garbage appended':
      writeAt(activeLog, size, rnd.bytes(rnd.int(1, 200)));
      break;
    case 'garble indexes':
      for (const f of indexes) {
        const n = statSync(join(dir, f)).size;
        if (n > 0) writeAt(join(dir, f), rnd.int(0, n - 1), rnd.bytes(rnd.int(1, 64)));
      }
      break;
    case 'cut indexes':
      for (const f of indexes) truncateSync(join(dir, f), rnd.int(0, statSync(join(dir, f)).size));
      break;
    case 'delete indexes':
      for (const f of indexes) rmSync(join(dir, f));
      break;
  }
  return base;
}

function writeAt(path: string, position: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, position);
  } finally {
    closeSync(fd);
  }
}
