import { ActorFailedError } from '../../../actors/runtime/index.js';
import { FixturePartitionError } from './fixtures/fixture-errors.js';
import type { TestMsg } from './fixtures/test-actor.js';
import { eachMode, startHarness } from './modes.js';

interface State {
  total: number;
  starts: number;
  stops: number;
  volatile: number;
  startedAtMs: number;
}

const restart = { maxRestarts: 2, periodMs: 10_000, backoffMs: 100, backoffMaxMs: 1_000 };

eachMode('a crash rejects its ask with the error and the restart reloads durable state', async (t, mode) => {
  const h = await startHarness(t, mode, { restart });
  const a = h.system.ref<TestMsg, State>('test', h.key());
  await a.ask({ op: 'add', n: 3 });
  t.like(await a.ask({ op: 'state' }), { total: 3, volatile: 3, starts: 1 });
  await t.throwsAsync(a.ask({ op: 'crash' }), { instanceOf: TypeError, message: 'bug: crash requested' });
  const after = a.ask({ op: 'state' });
  h.clock.advance(100);
  // a fresh instance: volatile state is gone, the durable total came back from start()
  t.like(await after, { total: 3, volatile: 0, starts: 2, stops: 1 });
});

eachMode('an expected error rejects the ask and the actor keeps its state', async (t, mode) => {
  const h = await startHarness(t, mode, { restart });
  const a = h.system.ref<TestMsg, State>('test', h.key());
  await a.ask({ op: 'add', n: 2 });
  const err = await t.throwsAsync(a.ask({ op: 'expectedError' }), { instanceOf: FixturePartitionError });
  t.is(err?.errorCode, 6);
  t.like(await a.ask({ op: 'state' }), { volatile: 2, starts: 1 });
});

eachMode('a thrown non-Error is a bug and restarts the actor', async (t, mode) => {
  const h = await startHarness(t, mode, { restart });
  const a = h.system.ref<TestMsg, State>('test', h.key());
  await t.throwsAsync(a.ask({ op: 'throwString' }), { message: /non-Error thrown: a string/ });
  const after = a.ask({ op: 'state' });
  h.clock.advance(100);
  t.like(await after, { starts: 2 });
});

eachMode('restarts back off exponentially on the clock', async (t, mode) => {
  const h = await startHarness(t, mode, { restart: { ...restart, maxRestarts: 5 } });
  const a = h.system.ref<TestMsg, State>('test', h.key());
  await a.ask({ op: 'state' });
  await t.throwsAsync(a.ask({ op: 'crash' })); // crash 1 at t=0: backoff 100
  const first = a.ask({ op: 'state' });
  h.clock.advance(99);
  h.clock.advance(1);
  t.like(await first, { startedAtMs: 100, starts: 2 });
  await t.throwsAsync(a.ask({ op: 'crash' })); // crash 2 at t=100: backoff 200
  const second = a.ask({ op: 'state' });
  h.clock.advance(199);
  h.clock.advance(1);
  t.like(await second, { startedAtMs: 300, starts: 3 });
});

eachMode('past the restart intensity the actor is failed and asks reject with ActorFailedError', async (t, mode) => {
  const h = await startHarness(t, mode, { restart });
  const a = h.system.ref<TestMsg, State>('test', h.key());
  for (let i = 0; i < 2; i++) {
    await t.throwsAsync(a.ask({ op: 'crash' }), { instanceOf: TypeError });
    const back = a.ask({ op: 'state' });
    h.clock.advance(1_000);
    await back;
  }
  // the third crash inside the period is one more than maxRestarts: 2
  const crash = a.ask({ op: 'crash' });
  const queued = a.ask({ op: 'state' });
  await t.throwsAsync(crash, { instanceOf: TypeError });
  const err = await t.throwsAsync(queued, { instanceOf: ActorFailedError });
  t.is(err?.code, 'ACTOR_FAILED');
  await t.throwsAsync(a.ask({ op: 'state' }), { instanceOf: ActorFailedError });
  t.true(h.logs.some((l) => l.level === 'error' && l.msg === 'actor failed'));
});

eachMode('crashes older than the period no longer count toward the intensity', async (t, mode) => {
  const h = await startHarness(t, mode, { restart: { ...restart, maxRestarts: 1 } });
  const a = h.system.ref<TestMsg, State>('test', h.key());
  await t.throwsAsync(a.ask({ op: 'crash' }));
  const back = a.ask({ op: 'state' });
  h.clock.advance(100);
  t.like(await back, { starts: 2 });
  h.clock.advance(9_901); // the first crash (t=0) is now outside the 10 s period
  await t.throwsAsync(a.ask({ op: 'crash' }), { instanceOf: TypeError });
  const again = a.ask({ op: 'state' });
  h.clock.advance(100);
  t.like(await again, { starts: 3 });
});
