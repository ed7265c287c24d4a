/** Torn and garbled segment and index files through whole-broker restarts, read back by librdkafka too. */
import test from 'ava';
import { hasConfluentKafka, PYTHON } from './harness/python-clients.js';
import { seedFromEnv } from './harness/random.js';
import { runTornWrites } from './torn-writes.js';

const confluent = hasConfluentKafka();
if (!confluent) console.warn(`${PYTHON} cannot import confluent_kafka: skipping the torn-write tests`);

(confluent ? test : test.skip)('cut, garbled and extended segments and damaged or missing indexes recover as promised after kill -9', async (t) => {
  const seed = seedFromEnv('TORTURE_SEED');
  t.log(`seed ${seed}`);
  const r = await runTornWrites({ rounds: 6, seed });
  t.deepEqual(r.problems, []);
  t.is(r.rounds, 6);
  t.is(r.damages.size, 6);
  t.true(r.verified > 0);
  t.log(`${r.verified} acknowledged records intact, ${r.cutOff} cut off with damaged tails: ${[...r.damages].map(([d, n]) => `${d} x${n}`).join(', ')}`);
});
