/**
 * The semantic fuzz in its short form: hostile content in well-formed
 * requests (broken records under a valid CRC, multi-batch produce, config
 * values through every admin path, extreme ListOffsets and DeleteRecords,
 * writes to __consumer_offsets), then a graceful stop, a SIGHUP and a SIGKILL
 * with a restart after each. `npm run torture` runs the long form.
 */
import test from 'ava';
import { semanticFuzz } from './fuzz/semantic-fuzz.js';
import { seedFromEnv } from './harness/random.js';

const CI_OPS = 1000;

test.serial(`semantic fuzz: ${CI_OPS} hostile requests, three restarts; every topic serves, nothing refused is stored, nothing acknowledged is lost`, async (t) => {
  const seed = seedFromEnv('TORTURE_SEED');
  t.log(`seed ${seed}`);
  const r = await semanticFuzz({ ops: CI_OPS, seed, budgetMs: 60_000 });
  t.log(`${r.ops} ops (${[...r.byOp].map(([k, n]) => `${k} ${n}`).join(', ')}) in ${r.elapsedMs} ms; ${r.accepted} accepted; ${r.configTopics} config topics; ${r.checks} checks; ${r.restarts} restarts`);
  t.deepEqual(r.problems.slice(0, 10), []);
  t.is(r.ops, CI_OPS, 'the ops did not all run within the budget');
  t.is(r.restarts, 3);
});
