import test from 'ava';
import { readFileSync } from 'node:fs';
import {
  ActorFailedError,
  ActorLimitError,
  ActorStoppedError,
  AskTimeoutError,
  MailboxFullError,
  RemoteError,
  UnknownKindError,
  WorkerLostError,
  isOperational,
} from '../../../actors/runtime/index.js';
import { fromWireError, toWireError } from '../../../actors/runtime/errors.js';
import { FixturePartitionError } from './fixtures/fixture-errors.js';
import type { TestMsg } from './fixtures/test-actor.js';
import { eachMode, startHarness } from './modes.js';

test('runtime errors keep class, code and message through the wire form', (t) => {
  const errors = [
    new AskTimeoutError('t'),
    new MailboxFullError('m'),
    new ActorFailedError('f'),
    new ActorStoppedError('s'),
    new UnknownKindError('u'),
    new ActorLimitError('l'),
    new WorkerLostError('w'),
  ];
  for (const e of errors) {
    const back = fromWireError(structuredClone(toWireError(e)));
    t.is(back.constructor, e.constructor);
    t.is((back as { code?: string }).code, e.code);
    t.is(back.message, e.message);
    t.true(isOperational(back));
  }
});

test('data fields of a registered error survive; unregistered classes become RemoteError', (t) => {
  const e = fromWireError(structuredClone(toWireError(new FixturePartitionError('nl', 6))));
  t.true(e instanceof FixturePartitionError);
  t.is((e as FixturePartitionError).errorCode, 6);
  class Local extends Error {
    override name = 'NeverRegistered';
  }
  const r = fromWireError(structuredClone(toWireError(new Local('x'))));
  t.true(r instanceof RemoteError);
  t.is((r as RemoteError).remoteName, 'NeverRegistered');
  t.false(isOperational(r));
});

test('every runtime error code is documented in docs/actors.md', (t) => {
  const doc = readFileSync(new URL('../../../../docs/actors.md', import.meta.url), 'utf8');
  for (const code of ['ASK_TIMEOUT', 'MAILBOX_FULL', 'ACTOR_FAILED', 'ACTOR_STOPPED', 'UNKNOWN_KIND', 'ACTOR_LIMIT', 'WORKER_LOST', 'REMOTE_ERROR']) {
    t.true(doc.includes(`\`${code}\``), `${code} is not documented`);
  }
});

eachMode('errors thrown by actors arrive typed on the asking thread', async (t, mode) => {
  const h = await startHarness(t, mode, { restart: { backoffMs: 1 } });
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  const expected = await t.throwsAsync(a.ask({ op: 'expectedError' }), { instanceOf: FixturePartitionError, message: 'not leader for partition' });
  t.is(expected?.code, 'FIXTURE_PARTITION');
  t.is(expected?.errorCode, 6);
  t.true(isOperational(expected));
  const bug = await t.throwsAsync(a.ask({ op: 'crash' }), { instanceOf: TypeError });
  t.false(isOperational(bug));
  h.clock.advance(1);
  const unregistered = await t.throwsAsync(a.ask({ op: 'unregisteredBug' }));
  if (mode.workers === 0) t.is(unregistered?.name, 'UnregisteredBugError');
  else {
    t.true(unregistered instanceof RemoteError);
    t.is((unregistered as RemoteError).remoteName, 'UnregisteredBugError');
  }
  t.is(unregistered?.message, 'an unregistered bug');
});
