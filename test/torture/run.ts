/**
 * `npm run torture`: the torture scenarios at their long sizes (or the CI
 * sizes without --long), one summary table at the end. Exit status 1 when
 * any scenario found a problem. TORTURE_SEED repeats a run; `--only a,b`
 * runs only the scenarios named (crash, torn, fuzz, slow, replication, faults).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCrashCycles } from './crash-cycles.js';
import { liveFuzz } from './fuzz/live-fuzz.js';
import { semanticFuzz } from './fuzz/semantic-fuzz.js';
import { extremeFields } from './fuzz/extreme-fields.js';
import { hasConfluentKafka } from './harness/python-clients.js';
import { seedFromEnv } from './harness/random.js';
import { slowClients } from './slow/slow-clients.js';
import { runTornWrites } from './torn-writes.js';
import { runFaults } from '../cluster/faults/run-faults.js';
import { networkMissing } from '../cluster/faults/network.js';

const long = process.argv.includes('--long');
const SCENARIOS = ['crash', 'torn', 'fuzz', 'slow', 'replication', 'compaction', 'faults'] as const;
type Scenario = (typeof SCENARIOS)[number];
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? null : new Set((process.argv[onlyAt + 1] ?? '').split(','));
const runs = (s: Scenario): boolean => only === null || only.has(s);
const seed = seedFromEnv('TORTURE_SEED');
const MIB = 1 << 20;
const rows: Array<[string, string]> = [];
const problems: string[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);
const mib = (b: number) => `${(b / MIB).toFixed(0)} MiB`;

async function main(): Promise<void> {
  log(`torture ${long ? 'long' : 'short'} form, seed ${seed}`);
  if (!hasConfluentKafka()) {
    log('/usr/bin/python3 cannot import confluent_kafka: the crash and torn-write scenarios need it');
    process.exitCode = 1;
    return;
  }
  const unknown = only === null ? [] : [...only].filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0 || only?.size === 0) {
    log(`--only takes a comma-separated list of ${SCENARIOS.join(', ')}; not ${unknown.join(', ') || 'nothing'}`);
    process.exitCode = 2;
    return;
  }
  const t0 = Date.now();
  if (runs('crash')) await crash();
  if (runs('torn')) await torn();
  if (runs('fuzz')) await fuzz();
  if (runs('slow')) await slow();
  if (runs('replication')) replication();
  if (runs('compaction')) compaction();
  if (runs('faults')) await faults();
  rows.push(['total time', `${((Date.now() - t0) / 1000).toFixed(0)} s`]);
  rows.push(['problems', `${problems.length}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\n| ${'measure'.padEnd(width)} | value |\n| ${'-'.repeat(width)} | --- |\n`);
  for (const [k, v] of rows) process.stdout.write(`| ${k.padEnd(width)} | ${v} |\n`);
  for (const p of problems.slice(0, 50)) process.stdout.write(`problem: ${p}\n`);
  if (problems.length > 0) process.exitCode = 1;
}

async function crash(): Promise<void> {
  const durable = await runCrashCycles({ kills: long ? 100 : 10, fsync: true, seed, recordsPerSecond: 5_000, log });
  problems.push(...durable.problems);
  rows.push(['kill -9, flush.messages=1: kills survived', `${durable.kills}`]);
  rows.push(['  records acknowledged and verified', `${durable.verified} (${durable.checks} checks over all restarts)`]);
  rows.push(['  group offsets checked', durable.groupsSkipped ?? `${durable.commitsChecked}`]);
  const cached = await runCrashCycles({ kills: long ? 20 : 5, fsync: false, workers: 2, seed: seed + 1, recordsPerSecond: 5_000, log });
  problems.push(...cached.problems);
  rows.push(['kill -9, no fsync (pool): kills survived', `${cached.kills}`]);
  rows.push(['  records acknowledged and verified', `${cached.verified}`]);
}

async function torn(): Promise<void> {
  const torn = await runTornWrites({ rounds: long ? 30 : 6, seed, log });
  problems.push(...torn.problems);
  rows.push(['torn/garbled files: restarts', `${torn.rounds} (${[...torn.damages].map(([d, n]) => `${d} x${n}`).join(', ')})`]);
  rows.push(['  acknowledged records intact / cut with a damaged tail', `${torn.verified} / ${torn.cutOff}`]);
}

async function fuzz(): Promise<void> {
  const fuzz = await liveFuzz({ frames: long ? 1_000_000 : 30_000, seed, budgetMs: long ? 30 * 60_000 : 90_000 });
  problems.push(...fuzz.problems);
  if (!fuzz.alive) problems.push(`fuzz: broker exited ${fuzz.exit}`);
  if (fuzz.stats.hung > 0) problems.push(`fuzz: ${fuzz.stats.hung} connections hung`);
  rows.push(['frames fuzzed', `${fuzz.stats.frames} over ${fuzz.stats.sessions} connections in ${(fuzz.elapsedMs / 1000).toFixed(0)} s`]);
  rows.push(['  broker crashes / hung connections', `${fuzz.alive ? 0 : 1} / ${fuzz.stats.hung}`]);
  rows.push(['  RSS before / after', `${mib(fuzz.rssBeforeBytes)} / ${mib(fuzz.rssAfterBytes)}`]);
  rows.push(['  kafkajs producer alongside', `${fuzz.goodAcked} records, ${fuzz.goodRecordsPerSecond}/s, ${fuzz.goodFailures.length} failures`]);
  const semantic = await semanticFuzz({ ops: long ? 20_000 : 1000, seed, budgetMs: long ? 20 * 60_000 : 60_000, checkEvery: long ? 100 : 25 });
  problems.push(...semantic.problems);
  rows.push(['semantic fuzz: hostile requests / accepted', `${semantic.ops} / ${semantic.accepted} in ${(semantic.elapsedMs / 1000).toFixed(0)} s`]);
  rows.push(['  ops', [...semantic.byOp].map(([k, n]) => `${k} ${n}`).join(', ')]);
  rows.push(['  state checks / restarts (SIGTERM, SIGHUP, SIGKILL)', `${semantic.checks} / ${semantic.restarts}`]);
  for (const workers of [0, 2]) {
    const extreme = await extremeFields({ workers, versions: long ? 'all' : 'edges', mixed: long ? 2_000 : 0, seed, budgetMs: long ? 10 * 60_000 : 60_000 });
    problems.push(...extreme.failures.map((f) => `extreme fields (workers ${workers}): ${f}`));
    if (!extreme.complete) problems.push(`extreme fields (workers ${workers}): did not finish within its budget`);
    rows.push([`extreme numeric fields, workers ${workers}: requests / APIs`, extreme.specs ? `${extreme.requests} / ${extreme.apis}` : 'no specs: skipped']);
  }
}

async function slow(): Promise<void> {
  const slow = await slowClients({ workers: 0, idleConnections: long ? 5000 : 2000, trickleConnections: 100, neverReaderConnections: 4, fetchesPerNeverReader: 500, windowMs: long ? 10_000 : 2_000 });
  problems.push(...slow.problems);
  rows.push(['slow clients: produce records/s, alone / beside abusers', `${slow.baseline.produceRecordsPerSecond} / ${slow.abused.produceRecordsPerSecond}`]);
  rows.push(['  read MiB/s, alone / beside abusers', `${slow.baseline.readMiBPerSecond} / ${slow.abused.readMiBPerSecond}`]);
  rows.push(['  RSS before / peak / after', `${mib(slow.rssBeforeBytes)} / ${mib(slow.rssPeakBytes)} / ${mib(slow.rssAfterBytes)}`]);
}

function replication(): void {
  // Replication: leaders of a 3-broker cluster killed with SIGKILL under a librdkafka idempotent acks=all producer.
  const kills = long ? 20 : 3;
  const ava = fileURLToPath(new URL('../../../node_modules/ava/entrypoints/cli.mjs', import.meta.url));
  const replication = spawnSync(process.execPath, [ava, `--timeout=${kills * 60 + 240}s`, 'dist/test/cluster/replication.test.js', '--match', '*SIGKILL*'], { env: { ...process.env, SAMSA_REPLICATION_KILLS: String(kills) }, encoding: 'utf8', timeout: (kills * 60 + 300) * 1000 });
  if (replication.status !== 0) problems.push(`replication under ${kills} leader kills: ${(replication.stdout + replication.stderr).slice(-2000)}`);
  rows.push(['replication: leader kills under acks=all, nothing lost or doubled', replication.status === 0 ? `${kills}` : 'FAILED']);
}

function compaction(): void {
  // The log cleaner under kill -9 at random moments while kafkajs writes a compacted topic.
  const kills = long ? 100 : 6;
  const ava = fileURLToPath(new URL('../../../node_modules/ava/entrypoints/cli.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [ava, '--verbose', `--timeout=${kills * 20 + 240}s`, 'dist/test/torture/compaction-crash.test.js'], { env: { ...process.env, COMPACTION_CRASH_CYCLES: String(kills), COMPACTION_CRASH_SEED: String(seed) }, encoding: 'utf8', timeout: (kills * 20 + 300) * 1000 });
  const said = run.stdout + run.stderr;
  if (run.status !== 0) problems.push(`compaction under ${kills} kills: ${said.slice(-2000)}`);
  const mid = /(\d+) of \d+ kills left a cleaning's file on disk/.exec(said)?.[1] ?? '?';
  rows.push(['log cleaner: kill -9 while cleaning, every latest value kept', run.status === 0 ? `${kills} kills (${mid} mid-cleaning)` : 'FAILED']);
}

async function faults(): Promise<void> {
  // The fault checker: random kills, pauses, ZooKeeper kills and network cuts under four producers and two consumers.
  const netMissing = networkMissing();
  if (netMissing !== null) problems.push(`fault checker: ${netMissing}`);
  else {
    const f = await runFaults({ faults: long ? 220 : 6, budgetMs: long ? 40 * 60_000 : 90_000, seed, log });
    problems.push(...f.problems.map((p) => `fault checker: ${p}`));
    rows.push(['fault checker: faults injected', `${f.faults.length} (${[...f.byKind].map(([k, n]) => `${k} ${n}`).join(', ')})`]);
    rows.push(['  summary', f.summary]);
    rows.push(['  recovery after the last heal', `${f.recoveryMs} ms`]);
    rows.push(['  client errors (not anomalies of the log)', `${f.clientProblems.length}${f.clientProblems.length > 0 ? `: ${f.clientProblems[0]!.split('\n')[0]!.slice(0, 200)}` : ''}`]);
  }
}

main().catch((err) => {
  log((err as Error).stack ?? String(err));
  process.exitCode = 1;
});
