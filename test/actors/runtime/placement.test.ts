import test from 'ava';
import { workerIndexForKey } from '../../../actors/runtime/index.js';
import type { TestMsg } from './fixtures/test-actor.js';
import { eachMode, startHarness } from './modes.js';

interface Where {
  workerIndex: number;
  threadId: number;
}

test('workerIndexForKey is xxhash64 of the key mod the worker count', (t) => {
  // pinned values: placement must not change between releases for a pool size
  t.is(workerIndexForKey('a', 1), 0);
  const spread = new Set(Array.from({ length: 64 }, (_, i) => workerIndexForKey(`orders-${i}`, 4)));
  t.deepEqual([...spread].sort(), [0, 1, 2, 3]);
  t.is(workerIndexForKey('orders-3', 4), workerIndexForKey('orders-3', 4));
  t.is(workerIndexForKey('a', 7), Number(15154266338359012955n % 7n));
  t.throws(() => workerIndexForKey('a', 0), { instanceOf: RangeError });
});

test("'spread' placement deals a group's numbered members round-robin from the group's hash", (t) => {
  for (const workers of [2, 3, 4]) {
    for (const group of ['orders', 'payments', 'a-b-c', '']) {
      const first = workerIndexForKey(group, workers);
      const placed = Array.from({ length: 4 * workers }, (_, n) => workerIndexForKey(`${group}-${n}`, workers, 'spread'));
      t.deepEqual(placed, placed.map((_, n) => (first + n) % workers), `${group} over ${workers}`);
    }
  }
  // keys that are not `<group>-<decimal>` fall back to hashing the whole key
  for (const key of ['orders', 'orders-', 'orders-01', 'orders-x', 'orders-12345678901']) {
    t.is(workerIndexForKey(key, 4, 'spread'), workerIndexForKey(key, 4), key);
  }
});

eachMode('a spread kind places 8 members of a group evenly over the workers', async (t, mode) => {
  const h = await startHarness(t, mode, { placementRule: 'spread' });
  const group = h.key('topic');
  const counts = new Map<number, number>();
  for (let n = 0; n < 8; n++) {
    const where = await h.system.ref<TestMsg, Where>('test', `${group}-${n}`).ask({ op: 'where' });
    t.is(where.workerIndex, mode.workers === 0 ? -1 : workerIndexForKey(`${group}-${n}`, mode.workers, 'spread'));
    counts.set(where.workerIndex, (counts.get(where.workerIndex) ?? 0) + 1);
  }
  t.deepEqual([...counts.values()], mode.workers === 0 ? [8] : Array.from({ length: mode.workers }, () => 8 / mode.workers));
});

eachMode('the same key always runs on the same worker and keys spread over workers', async (t, mode) => {
  const h = await startHarness(t, mode);
  const keys = Array.from({ length: 16 }, (_, i) => `orders-${i}-${h.key()}`);
  const seen = new Map<number, number>();
  for (const key of keys) {
    const ref = h.system.ref<TestMsg, Where>('test', key);
    const first = await ref.ask({ op: 'where' });
    const second = await h.system.ref<TestMsg, Where>('test', key).ask({ op: 'where' });
    t.deepEqual(second, first);
    const expected = mode.workers === 0 ? -1 : workerIndexForKey(key, mode.workers);
    t.is(first.workerIndex, expected);
    t.is(h.system.workerIndexOf('test', key), expected);
    const tid = seen.get(first.workerIndex);
    if (tid !== undefined) t.is(first.threadId, tid, 'one worker index maps to one thread');
    seen.set(first.workerIndex, first.threadId);
  }
  t.is(seen.size, mode.workers === 0 ? 1 : mode.workers);
});

eachMode('askMany sends one message per worker and returns outcomes in item order', async (t, mode) => {
  const h = await startHarness(t, mode);
  const keys = Array.from({ length: 8 }, (_, i) => h.key(`p${i}`));
  await h.system.askMany(keys.map((k) => ({ ref: h.system.ref('test', k), msg: { op: 'state' } })));
  const before = h.system.stats().postedToWorker;
  const outcomes = await h.system.askMany<number>(keys.map((k, i) => ({ ref: h.system.ref<TestMsg, number>('test', k), msg: { op: 'add', n: i + 1 } as TestMsg })));
  t.deepEqual(
    outcomes.map((o) => (o.ok ? o.value : o.error)),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  const after = h.system.stats().postedToWorker;
  const workersUsed = new Set(keys.map((k) => h.system.workerIndexOf('test', k)).filter((w) => w >= 0));
  t.deepEqual(
    after.map((n, i) => n - before[i]!),
    Array.from({ length: mode.workers }, (_, i) => (workersUsed.has(i) ? 1 : 0)),
  );
  if (mode.workers > 0) t.is(workersUsed.size, mode.workers, '8 keys should touch both workers');
});

eachMode('runJob runs a stateless export with transferred input', async (t, mode) => {
  const h = await startHarness(t, mode);
  const buf = new Uint8Array(1024).fill(2).buffer;
  const res = await h.system.runJob<{ byteLength: number; sum: number }>(new URL('./fixtures/test-actor.js', import.meta.url), 'sumJob', { buf }, { transfer: [buf] });
  t.like(res, { byteLength: 1024, sum: 2048 });
  t.is(buf.byteLength, 0);
});
