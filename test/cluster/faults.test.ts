/**
 * The fault checker's short form: a few random faults (kills, pauses,
 * ZooKeeper kills, network cuts between real namespaces) under four
 * producers and two consumers, then the checker over the whole history.
 * `npm run torture` runs the long form (200+ faults). FAULTS_SEED repeats a run.
 */
import { hasPythonModule } from '../integration/helpers.js';
import { seedFromEnv } from '../torture/harness/random.js';
import { networkMissing } from './faults/network.js';
import { runFaults } from './faults/run-faults.js';
import { zkTest } from './zookeeper-helpers.js';

const zk = zkTest();
const missing = networkMissing() ?? (hasPythonModule('confluent_kafka') ? null : '/usr/bin/python3 cannot import confluent_kafka');
const test = missing === null ? zk : (zk.skip as typeof zk);
if (missing !== null) {
  zk('fault checker skips here', (t) => {
    t.log(`skipped: ${missing}`);
    t.pass();
  });
}

test('random faults under acks=all with min.insync.replicas=2: nothing acknowledged lost, no duplicates from idempotent producers, no inconsistent offsets, every replica identical after recovery', async (t) => {
  t.timeout(300_000);
  const seed = seedFromEnv('FAULTS_SEED');
  const r = await runFaults({ faults: 6, budgetMs: 90_000, seed, log: (s) => t.log(s) });
  t.log(`seed ${seed}: ${r.summary}; recovery ${r.recoveryMs} ms; ${(r.elapsedMs / 1000).toFixed(0)} s`);
  t.log(`faults: ${[...r.byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  t.deepEqual(r.problems, []);
  t.true(r.faults.length >= 3, `${r.faults.length} faults injected`);
  t.true(r.report.acked > 1000, `${r.report.acked} acknowledged sends`);
});
