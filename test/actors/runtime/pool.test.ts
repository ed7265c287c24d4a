// Behaviour only a pool has: coalescing of hops, and a worker that dies.
import test from 'ava';
import { WorkerLostError } from '../../../actors/runtime/index.js';
import type { TestMsg } from './fixtures/test-actor.js';
import { startHarness } from './modes.js';

const pool = { name: 'pool' as const, workers: 2 };

test('a burst of tells and asks to one worker travels in one message', async (t) => {
  const h = await startHarness(t, pool);
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  await a.ask({ op: 'state' });
  const w = h.system.workerIndexOf('test', a.address.key);
  const before = h.system.stats().postedToWorker[w]!;
  for (let i = 0; i < 100; i++) a.tell({ op: 'add', n: 1 });
  const state = a.ask({ op: 'state' });
  t.like(await state, { total: 100 });
  t.is(h.system.stats().postedToWorker[w]! - before, 1);
});

test('a worker that dies fails its in-flight asks with WorkerLostError and its actors come back', async (t) => {
  const h = await startHarness(t, pool);
  const key = h.key();
  const a = h.system.ref<TestMsg, unknown>('test', key);
  await a.ask({ op: 'add', n: 4 });
  await t.throwsAsync(a.ask({ op: 'exitThread' }), { instanceOf: WorkerLostError });
  t.true(h.logs.some((l) => l.level === 'error' && l.msg.startsWith('pool worker lost')));
  // the host is restarted on a fresh worker; the actor reactivates from its durable state
  t.like(await a.ask({ op: 'state' }), { total: 4, starts: 2 });
});

test('an ask whose message cannot be cloned rejects instead of crashing the process', async (t) => {
  const h = await startHarness(t, pool);
  const a = h.system.ref<unknown, unknown>('test', h.key());
  await t.throwsAsync(a.ask({ op: 'state', f: () => 0 }), { instanceOf: TypeError, message: /could not be posted/ });
  t.is(await a.ask({ op: 'add', n: 1 }), 1);
  t.is(await a.ask({ op: 'add', n: 1 }), 2);
});
