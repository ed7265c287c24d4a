/**
 * Extreme values in every numeric field of every served API (see
 * fuzz/extreme-fields.ts), inline and on a 2-worker pool: the broker answers
 * each, partitions keep serving, no actor crashes.
 */
import test from 'ava';
import { extremeFields } from './fuzz/extreme-fields.js';

for (const workers of [0, 2]) {
  test(`[workers ${workers}] every numeric field of every served API at its extremes: answered, no actor crash, partitions keep serving`, async (t) => {
    const r = await extremeFields({ workers, versions: 'edges', budgetMs: 60_000 });
    if (!r.specs) {
      t.log('skipped: no Kafka specs (SAMSA_KAFKA_SPECS or ../shared/kafka-protocol)');
      t.pass();
      return;
    }
    t.log(`${r.requests} requests in ${r.groups} field groups over ${r.apis} APIs: ${JSON.stringify(r.byApi)}`);
    t.deepEqual(r.failures, []);
    t.true(r.complete, 'the run did not finish within its budget');
    t.true(r.apis >= 20, `only ${r.apis} APIs walked`);
  });
}
