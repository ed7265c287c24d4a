// Several brokers in one process (test suites that embed one per test file or
// per case): topics of the same name live apart, each in its own data directory.
import test from 'ava';
import { startTestBroker } from '../../testing.js';
import { KafkaClient } from '../../cli/console/client.js';

for (const workers of [0, 2]) {
  test(`two brokers in one process serve a topic of the same name independently [workers ${workers}]`, async (t) => {
    const a = await startTestBroker({ workers });
    t.teardown(() => a.stop());
    const b = await startTestBroker({ workers });
    t.teardown(() => b.stop());
    const ca = await KafkaClient.connect(a.bootstrap);
    t.teardown(() => ca.close());
    const cb = await KafkaClient.connect(b.bootstrap);
    t.teardown(() => cb.close());

    await ca.createTopic('x', 1);
    await cb.createTopic('x', 1);
    t.is(await ca.produce('x', 0, [{ value: Buffer.from('from a') }]), 0n);
    t.is(await cb.produce('x', 0, [{ value: Buffer.from('from b') }]), 0n);
    t.is(await cb.produce('x', 0, [{ value: Buffer.from('from b again') }]), 1n);

    const readAll = async (c: KafkaClient) => (await c.fetch('x', 0, 0n, { maxWaitMs: 10 })).records.map((r) => r.value?.toString());
    t.deepEqual(await readAll(ca), ['from a']);
    t.deepEqual(await readAll(cb), ['from b', 'from b again']);
  });
}
