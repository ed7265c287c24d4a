import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ActorStoppedError } from '../../../actors/runtime/index.js';
import { durablePath, type TestMsg } from './fixtures/test-actor.js';
import { eachMode, startHarness } from './modes.js';

eachMode('stop drains mailboxes, calls stop() on each actor, then refuses messages', async (t, mode) => {
  const h = await startHarness(t, mode);
  const keys = [h.key('s1'), h.key('s2'), h.key('s3')];
  for (const k of keys) {
    const a = h.system.ref<TestMsg, unknown>('test', k);
    for (let i = 0; i < 20; i++) a.tell({ op: 'add', n: 1 });
  }
  await h.system.stop();
  for (const k of keys) {
    const durable = JSON.parse(readFileSync(durablePath(k), 'utf8')) as { total: number; stops: number };
    t.deepEqual(durable, { total: 20, starts: 1, stops: 1 } as unknown as typeof durable);
  }
  const ref = h.system.ref<TestMsg, unknown>('test', keys[0]!);
  const err = await t.throwsAsync(ref.ask({ op: 'state' }), { instanceOf: ActorStoppedError });
  t.is(err?.code, 'ACTOR_STOPPED');
  await h.system.stop(); // idempotent
});

eachMode('stop rejects asks still waiting on an actor that is backing off', async (t, mode) => {
  const h = await startHarness(t, mode, { restart: { backoffMs: 1_000 } });
  const a = h.system.ref<TestMsg, unknown>('test', h.key());
  await t.throwsAsync(a.ask({ op: 'crash' }));
  const waiting = a.ask({ op: 'state' });
  await h.system.stop();
  await t.throwsAsync(waiting, { instanceOf: ActorStoppedError });
});

for (const workers of [0, 2]) {
  test(`a process with a stopped system (${workers} workers) exits by itself`, async (t) => {
    const script = fileURLToPath(new URL('./fixtures/exit-after-stop.js', import.meta.url));
    const child = spawn(process.execPath, [script, String(workers)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // a guard against hanging, not a performance bound
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearTimeout(guard);
    t.is(code, 0, out);
    t.regex(out, /stopped 6/);
  });
}
