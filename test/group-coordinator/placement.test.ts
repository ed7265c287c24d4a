import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../actors/broker/broker.js';
import { coordinatorKey, coordinatorPartition, GROUP_COORDINATOR_KIND, OFFSETS_TOPIC } from '../../actors/group-coordinator/actor-messages.js';
import { PARTITION_KIND, partitionKey } from '../../actors/partition/messages.js';
import { silentLogger } from '../../actors/runtime/index.js';
import { standardExtensions } from '../../actors/standard-extensions.js';
import { brokerConfigFrom } from '../../index.js';

test('coordinator keys name their __consumer_offsets partition', (t) => {
  t.is(coordinatorKey(7), '__consumer_offsets-7');
  for (const n of [0, 1, 49, 999_999_999]) t.is(coordinatorPartition(coordinatorKey(n)), n);
  for (const bad of ['7', '__consumer_offsets-', '__consumer_offsets-07', '__consumer_offsets--1', 'orders-3', '__consumer_offsets-1x']) {
    t.is(coordinatorPartition(bad), -1, bad);
  }
});

test('on the pool, each group coordinator runs on the worker of its __consumer_offsets partition', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-coord-placement-'));
  const broker = await Broker.start({ config: brokerConfigFrom({ dataDir: dir, port: 0, workers: 2 }), logger: silentLogger, extensions: standardExtensions() });
  t.teardown(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const used = new Set<number>();
  for (let n = 0; n < 50; n++) {
    const w = broker.system.workerIndexOf(GROUP_COORDINATOR_KIND, coordinatorKey(n));
    t.is(w, broker.system.workerIndexOf(PARTITION_KIND, partitionKey(OFFSETS_TOPIC, n)), `partition ${n}`);
    used.add(w);
  }
  t.deepEqual([...used].sort(), [0, 1]);
});
