/**
 * One fault run: a 3-broker cluster over a 3-server ensemble, every member
 * its own network host; the workload's producers and consumers running while
 * faults are injected one after another; then every fault healed, the
 * recovery timed, a final read of every partition, and the checker's report.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaClient } from '../../../cli/console/client.js';
import { Random } from '../../torture/harness/random.js';
import { check, summaryLine, violations, type Report } from './checker.js';
import { NetCluster } from './net-cluster.js';
import { oneFault, type FaultRecord } from './nemesis.js';
import { Workload } from './workload.js';
import { logsAgree } from '../replica-logs.js';
import { waitFor } from '../wait-for.js';

export interface FaultRunOptions {
  readonly faults: number;
  /** The fault phase ends after this long even if fewer faults were injected. */
  readonly budgetMs: number;
  readonly seed: number;
  /** Records per second of each of the 4 producers. */
  readonly rate?: number;
  readonly log?: (s: string) => void;
  /** Keep the run's directory (data, ZooKeeper logs, history.jsonl); it is kept anyway when the run found a problem. */
  readonly keep?: boolean;
}

export interface FaultRunResult {
  readonly report: Report;
  readonly faults: FaultRecord[];
  readonly byKind: Map<string, number>;
  /** From the last heal to every broker in every ISR and an acks=all produce answered. */
  readonly recoveryMs: number;
  readonly elapsedMs: number;
  /** Anomalies the checker found, and problems with the cluster itself (a broker that died, replicas that differ). */
  readonly problems: string[];
  /** What the clients themselves reported going wrong (a producer that stopped on a fatal error), apart from the log's anomalies. */
  readonly clientProblems: string[];
  readonly summary: string;
  readonly dir: string;
}

const TOPIC = 'faults';
const PARTITIONS = 3;
const SESSION_MS = 6_000;
const RECOVERY_BOUND_MS = 120_000;
/** The record the recovery check produces: not part of the workload. */
const PROBE = 'recovery-probe';

export async function runFaults(o: FaultRunOptions): Promise<FaultRunResult> {
  const log = o.log ?? (() => undefined);
  const r = new Random(o.seed);
  const dir = mkdtempSync(join(tmpdir(), 'samsa-faults-'));
  const started = Date.now();
  const problems: string[] = [];
  const faults: FaultRecord[] = [];
  const cluster = await NetCluster.start({
    dir: join(dir, 'cluster'),
    brokers: 3,
    zookeepers: 3,
    sessionTimeoutMs: SESSION_MS,
    overrides: { 'replica.lag.time.max.ms': 5_000, 'unclean.leader.election.enable': false, 'leader.imbalance.check.interval.seconds': 15 },
  });
  const work = new Workload({ bootstrap: cluster.bootstrap, topic: TOPIC, partitions: PARTITIONS, rate: o.rate ?? 100, dir, maxSeconds: Math.ceil(o.budgetMs / 1000) + 180 });
  let recoveryMs = -1;
  try {
    const admin = work.kafka('faults-admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
    await admin.disconnect();
    await work.start();
    await until(() => work.sends.some((s) => s.outcome === 'ok'), 60_000, 'the first acknowledged send');
    log(`faults: seed ${o.seed}, cluster up and the workload running after ${Date.now() - started} ms; ${o.faults} faults within ${o.budgetMs} ms`);

    const faultsEnd = Date.now() + o.budgetMs;
    for (let i = 0; i < o.faults * 3 && faults.length < o.faults && Date.now() < faultsEnd; i++) {
      await sleep(r.int(500, 3_000));
      const f = await oneFault(cluster, r, TOPIC, r.int(2_000, 10_000), log).catch((err: Error) => {
        problems.push(`fault ${i}: ${err.message.split('\n')[0]}`);
        return null;
      });
      if (f !== null) faults.push(f);
      for (const id of cluster.crashed()) problems.push(`broker ${id} exited on its own: ${cluster.broker(id)?.stderr.slice(-1500)}`);
      if (cluster.crashed().length > 0) break;
    }

    // Everything healed, everyone back; then the time until the cluster serves acks=all with every replica in sync.
    const healed = Date.now();
    cluster.net.heal();
    for (const id of cluster.brokerIds) cluster.resumeBroker(id);
    for (const z of cluster.zookeepers) if (!z.running) await z.start(60_000);
    for (const id of cluster.brokerIds) if (cluster.broker(id) === undefined) await cluster.startBroker(id);
    recoveryMs = await recover(cluster, healed);
    if (recoveryMs < 0) problems.push(`the cluster did not recover within ${RECOVERY_BOUND_MS} ms of the last heal`);
    else log(`faults: recovered ${recoveryMs} ms after the last heal`);

    await work.stopProducers();
    const final = await finalRead(cluster);
    const distinct = new Set([...final.values()].flat().map((x) => x.value)).size;
    await work.drainConsumers(distinct, 60_000);
    for (let p = 0; p < PARTITIONS; p++) {
      const agreed = (await logsAgree(cluster.brokerIds.map((id) => join(cluster.dataDir(id), `${TOPIC}-${p}`)), 60_000)) >= 0;
      if (!agreed) problems.push(`partition ${p}: the replicas' logs differ 60 s after recovery`);
    }
    for (const id of cluster.crashed()) problems.push(`broker ${id} exited on its own: ${cluster.broker(id)?.stderr.slice(-1500)}`);

    const w = work.result();
    const history = { ...w, polls: w.polls.filter((p) => p.value !== PROBE), final };
    writeFileSync(join(dir, 'history.jsonl'), [...history.sends.map((s) => JSON.stringify({ send: s })), ...history.polls.map((p) => JSON.stringify({ poll: p })), ...faults.map((f) => JSON.stringify({ fault: f }))].join('\n'));
    const report = check(history);
    problems.push(...violations(report));
    // A client that stopped (fatal error, exit) is a broker defect until shown otherwise, and it weakens the check.
    problems.push(...work.problems.map((p) => `client ${p.slice(0, 1000)}`));
    const byKind = new Map<string, number>();
    for (const f of faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
    const summary = `${summaryLine(report, faults.length)}; offsets out of range to the librdkafka consumer ${work.offsetResets}; librdkafka producers replaced after its own known fatal error ${work.knownClientFatals.length}`;
    for (const f of work.knownClientFatals) log(`faults: known client defect, producer replaced: ${f.slice(0, 600)}`);
    return { report, faults, byKind, recoveryMs, elapsedMs: Date.now() - started, problems, clientProblems: [...work.problems], summary, dir };
  } catch (err) {
    problems.push(`run failed: ${(err as Error).message}`);
    throw Object.assign(err as Error, { problems, dir });
  } finally {
    if (problems.length > 0 || work.problems.length > 0) for (const id of cluster.brokerIds) writeFileSync(join(dir, `broker-${id}.stderr`), cluster.broker(id)?.stderr ?? '(not running)');
    await work.abort().catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    if (problems.length === 0 && work.problems.length === 0 && o.keep !== true) rmSync(dir, { recursive: true, force: true });
    else log(`faults: run directory kept at ${dir}`);
  }
}

/** Polls until every partition has a leader and all 3 replicas in its ISR and an acks=all produce is answered; -1 past the bound. */
async function recover(c: NetCluster, since: number): Promise<number> {
  const ok = await until(async () => {
    const m = await c.anyMetadata([TOPIC]);
    const ps = m?.topics.get(TOPIC) ?? [];
    if (m === null || m.brokers.length !== 3 || ps.length !== PARTITIONS || !ps.every((p) => p.leader >= 0 && p.isr.length === 3)) return false;
    const client = await KafkaClient.connect(`${c.address(ps[0]!.leader).host}:9092`, { timeoutMs: 5_000 }).catch(() => null);
    if (client === null) return false;
    try {
      await client.produce(TOPIC, 0, [{ value: Buffer.from(PROBE) }], { acks: -1 });
      return true;
    } catch {
      return false;
    } finally {
      client.close();
    }
  }, RECOVERY_BOUND_MS - (Date.now() - since), 'recovery').then(() => true, () => false);
  return ok ? Date.now() - since : -1;
}

/** Every partition from offset 0 to its high watermark, read from its leader. */
async function finalRead(c: NetCluster): Promise<Map<number, { offset: number; value: string }[]>> {
  const out = new Map<number, { offset: number; value: string }[]>();
  const m = await c.anyMetadata([TOPIC]);
  for (const p of m?.topics.get(TOPIC) ?? []) {
    const client = await KafkaClient.connect(`${c.address(p.leader).host}:9092`, { timeoutMs: 10_000 });
    const records: { offset: number; value: string }[] = [];
    try {
      let offset = 0n;
      for (let i = 0; i < 100_000; i++) {
        const f = await client.fetch(TOPIC, p.p, offset, { maxWaitMs: 0, maxBytes: 4 << 20 });
        for (const rec of f.records) if (rec.value !== null && rec.value.toString() !== PROBE) records.push({ offset: Number(rec.offset), value: rec.value.toString() });
        offset = f.nextOffset;
        if (offset >= f.highWatermark) break;
      }
    } finally {
      client.close();
    }
    out.set(p.p, records);
  }
  return out;
}

/** Polls `check` within the time; throws naming `what` past it. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  if ((await waitFor(check, timeoutMs)) === -1) throw new Error(`${what}: not within ${timeoutMs} ms`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
