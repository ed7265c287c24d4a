import test from 'ava';
import { AskTimeoutError, MailboxFullError, UnknownKindError } from '../../../actors/runtime/index.js';
import type { TestMsg } from './fixtures/test-actor.js';
import { eachMode, startHarness, turn } from './modes.js';

eachMode('tell and ask reach the same actor by kind and key', async (t, mode) => {
  const h = await startHarness(t, mode);
  const key = h.key();
  const a = h.system.ref<TestMsg, number>('test', key);
  a.tell({ op: 'add', n: 2 });
  a.tell({ op: 'add', n: 3 });
  t.is(await a.ask({ op: 'add', n: 4 }), 9);
  // a second ref to the same address reaches the same activation
  const again = h.system.ref<TestMsg, { total: number; starts: number }>('test', key);
  t.like(await again.ask({ op: 'state' }), { total: 9, starts: 1 });
});

eachMode('messages are handled in FIFO order, one at a time, even when handlers await', async (t, mode) => {
  const h = await startHarness(t, mode);
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  // earlier messages yield more often, so any overlap would reorder the log
  const values = ['a', 'b', 'c', 'd', 'e', 'f'];
  const asks = values.map((value, i) => a.ask({ op: 'append', value, yields: 6 - i }));
  t.deepEqual(await Promise.all(asks), [1, 2, 3, 4, 5, 6]);
  t.deepEqual(await a.ask({ op: 'log' }), { log: values, maxInFlight: 1 });
});

eachMode('a full mailbox rejects at once with MailboxFullError', async (t, mode) => {
  const h = await startHarness(t, mode, { mailboxCapacity: 4 });
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  await a.ask({ op: 'state' }); // activated: later messages go straight to the mailbox
  // one batch, so both placements enqueue all six before the first runs
  const items: TestMsg[] = [{ op: 'sleep', ms: 100 }, ...[1, 2, 3, 4, 5].map((n) => ({ op: 'add', n }) as TestMsg)];
  const done = h.system.askMany(items.map((msg) => ({ ref: a, msg })));
  await turn();
  h.clock.advance(100);
  const outcomes = await done;
  t.deepEqual(
    outcomes.map((o) => o.ok),
    [true, true, true, true, false, false],
  );
  for (const o of outcomes.slice(4)) {
    t.true(!o.ok && o.error instanceof MailboxFullError);
    t.is(!o.ok && (o.error as MailboxFullError).code, 'MAILBOX_FULL');
  }
  t.like(await a.ask({ op: 'state' }), { total: 1 + 2 + 3 });
});

eachMode('ask rejects with AskTimeoutError on the manual clock and drops the late reply', async (t, mode) => {
  const h = await startHarness(t, mode);
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  await a.ask({ op: 'state' });
  const sleeping = a.ask({ op: 'sleep', ms: 1_000 }, { timeoutMs: 60_000 });
  const late = a.ask({ op: 'add', n: 1 }, { timeoutMs: 50 });
  await turn();
  h.clock.advance(49);
  h.clock.advance(1);
  const err = await t.throwsAsync(late, { instanceOf: AskTimeoutError });
  t.is(err?.code, 'ASK_TIMEOUT');
  h.clock.advance(950);
  t.is(await sleeping, 'slept');
  // the timed-out message was still handled; its reply went nowhere
  t.like(await a.ask({ op: 'state' }), { total: 1 });
  t.is(h.system.stats().pendingAsks, 0);
});

eachMode('scheduled messages arrive after their delay on the clock', async (t, mode) => {
  const h = await startHarness(t, mode);
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  t.is(await a.ask({ op: 'schedule', delayMs: 100, msg: { op: 'add', n: 5 } }), 'scheduled');
  h.clock.advance(99);
  t.like(await a.ask({ op: 'state' }), { total: 0 });
  h.clock.advance(1);
  t.like(await a.ask({ op: 'state' }), { total: 5, nowMs: 100 });
});

eachMode('actors ask other actors wherever they are placed', async (t, mode) => {
  const h = await startHarness(t, mode);
  h.system.register('main-side', { module: new URL('./fixtures/test-actor.js', import.meta.url), exportName: 'TestActor', placement: 'inline' });
  // find two keys on different workers (in the pool) to force a worker-to-worker ask
  const from = h.key('from');
  let to = h.key('to');
  while (mode.workers > 0 && h.system.workerIndexOf('test', to) === h.system.workerIndexOf('test', from)) to = h.key('to');
  const a = h.system.ref<TestMsg, unknown>('test', from);
  t.is(await a.ask({ op: 'askOther', kind: 'test', key: to, msg: { op: 'add', n: 7 } }), 7);
  const inlineKey = h.key('main');
  t.is(await a.ask({ op: 'askOther', kind: 'main-side', key: inlineKey, msg: { op: 'add', n: 8 } }), 8);
  t.like(await h.system.ref<TestMsg, unknown>('main-side', inlineKey).ask({ op: 'where' }), { workerIndex: -1 });
  t.like(await h.system.ref<TestMsg, unknown>('test', to).ask({ op: 'state' }), { total: 7 });
});

eachMode('asking an unregistered kind rejects with UnknownKindError', async (t, mode) => {
  const h = await startHarness(t, mode);
  await t.throwsAsync(h.system.ref('nope', 'x').ask({}), { instanceOf: UnknownKindError });
  const [o] = await h.system.askMany([{ ref: h.system.ref('nope', 'x'), msg: {} }]);
  t.true(!o!.ok && o!.error instanceof UnknownKindError);
});

test('a tell to a full mailbox is counted as a dead letter', async (t) => {
  const h = await startHarness(t, { name: 'inline', workers: 0 }, { mailboxCapacity: 1 });
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  await a.ask({ op: 'state' });
  a.tell({ op: 'add', n: 1 });
  a.tell({ op: 'add', n: 1 });
  t.is(h.system.stats().deadLetters, 1);
});
