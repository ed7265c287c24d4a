/**
 * ListOffsets by timestamp over the whole int64 range: a target past every
 * record answers "no record" (offset -1) as Kafka does, and never crashes the
 * partition (which would mark it failed and reopen it at an old log start).
 */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { crashWatch } from '../torture/harness/crash-watch.js';
import { startTestBroker } from '../../testing.js';

const TWO_53 = 2n ** 53n;
const INT64_MAX = 2n ** 63n - 1n;

for (const workers of [0, 2]) {
  test(`[workers ${workers}] timestamps past 2^53 answer offset -1 without crashing the partition; DeleteRecords stays`, async (t) => {
    const watch = crashWatch();
    const broker = await startTestBroker({ workers, logger: watch.logger });
    t.teardown(() => broker.stop());
    const client = await KafkaClient.connect(broker.bootstrap);
    t.teardown(() => client.close());
    await client.createTopic('times', 1);
    await client.produce('times', 0, Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`v${i}`), timestamp: 1_700_000_000_000n + BigInt(i) })));
    const r = await client.conn.request(21, 2, { topics: [{ name: 'times' as never, partitions: [{ partitionIndex: 0, offset: 4n }] }], timeoutMs: 1000 });
    t.is(r.topics[0]!.partitions[0]!.errorCode, 0);
    // More than the supervisor's restart intensity (3 a minute), had each one crashed.
    for (const ts of [TWO_53 - 1n, TWO_53, TWO_53 + 1n, INT64_MAX, INT64_MAX, INT64_MAX]) {
      t.deepEqual(await client.listOffset('times', 0, ts), { offset: -1n, timestamp: -1n }, `timestamp ${ts}`);
    }
    t.deepEqual(watch.crashes, []);
    t.is((await client.listOffset('times', 0, -2n)).offset, 4n);
    t.is(await client.produce('times', 0, [{ value: Buffer.from('after') }]), 10n);
  });
}

test('a record stamped past 2^53 is found by a target past 2^53, exactly', async (t) => {
  const broker = await startTestBroker({ workers: 0 });
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic('far', 1);
  await client.produce('far', 0, [{ value: Buffer.from('a'), timestamp: 1_700_000_000_000n }]);
  await client.produce('far', 0, [
    { value: Buffer.from('b'), timestamp: 2n ** 60n },
    { value: Buffer.from('c'), timestamp: 2n ** 60n + 1n },
  ]);
  t.deepEqual(await client.listOffset('far', 0, TWO_53 + 1n), { offset: 1n, timestamp: 2n ** 60n });
  t.deepEqual(await client.listOffset('far', 0, 2n ** 60n + 1n), { offset: 2n, timestamp: 2n ** 60n + 1n });
  t.deepEqual(await client.listOffset('far', 0, 2n ** 60n + 2n), { offset: -1n, timestamp: -1n });
});
