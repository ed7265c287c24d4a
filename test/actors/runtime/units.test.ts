import test from 'ava';
import { BoundedQueue } from '../../../actors/runtime/bounded-queue.js';
import { ManualClock } from '../../../actors/runtime/clock.js';
import { DeliveryOutbox, maxItemsPerDelivery } from '../../../actors/runtime/outbox.js';
import { RestartTracker, resolveRestartPolicy } from '../../../actors/runtime/restart-policy.js';
import type { WireDelivery } from '../../../actors/runtime/wire.js';
import { turn } from './modes.js';

test('ManualClock fires due timers in time order, ties in creation order, including timers set by timers', (t) => {
  const c = new ManualClock(10);
  const fired: string[] = [];
  c.setTimeout(() => fired.push('b@30'), 20);
  c.setTimeout(() => fired.push('a@20'), 10);
  c.setTimeout(() => fired.push('c@30'), 20);
  const cancelled = c.setTimeout(() => fired.push('never'), 5);
  c.clearTimeout(cancelled);
  c.setTimeout(() => c.setTimeout(() => fired.push(`nested@${c.now()}`), 5), 15);
  c.advance(9); // now 19: the first timer is due at 20
  t.deepEqual(fired, []);
  c.advance(21);
  t.deepEqual(fired, ['a@20', 'b@30', 'c@30', 'nested@30']);
  t.is(c.now(), 40);
  t.is(c.pendingTimers, 0);
  t.throws(() => c.advanceTo(39), { instanceOf: RangeError });
});

test('ManualClock tells listeners the new time after each advance', (t) => {
  const c = new ManualClock();
  const seen: number[] = [];
  const off = c.onAdvance((n) => seen.push(n));
  c.advance(5);
  c.advance(7);
  off();
  c.advance(1);
  t.deepEqual(seen, [5, 12]);
});

test('BoundedQueue is FIFO across wrap-around and refuses past capacity', (t) => {
  const q = new BoundedQueue<number>(3);
  t.true(q.push(1));
  t.true(q.push(2));
  t.is(q.shift(), 1);
  t.true(q.push(3));
  t.true(q.push(4));
  t.false(q.push(5));
  t.is(q.size, 3);
  t.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()], [2, 3, 4, undefined]);
  t.throws(() => new BoundedQueue(0), { instanceOf: RangeError });
});

test('RestartTracker: exponential backoff, capped, and null past the intensity within the period', (t) => {
  const r = new RestartTracker(resolveRestartPolicy({ maxRestarts: 3, periodMs: 1_000, backoffMs: 100, backoffMaxMs: 250 }));
  t.is(r.onCrash(0), 100);
  t.is(r.onCrash(10), 200);
  t.is(r.onCrash(20), 250);
  t.is(r.onCrash(30), null);
  // all four crashes fall out of the period
  t.is(r.onCrash(1_031), 100);
  t.throws(() => resolveRestartPolicy({ periodMs: -1 }), { instanceOf: RangeError });
});

test('DeliveryOutbox coalesces a microtask\'s deliveries, keeps order, and splits by sender', async (t) => {
  const sent: Array<{ from: number; reqIds: number[]; transfer: number }> = [];
  const o = new DeliveryOutbox(
    (from, items, transfer) => sent.push({ from, reqIds: items.map((i) => i.reqId), transfer: transfer.length }),
    () => t.fail('nothing here is undeliverable'),
  );
  const d = (reqId: number): WireDelivery => ({ kind: 'k', key: 'x', msg: null, reqId });
  o.add(-1, [d(1)], []);
  o.add(-1, [d(2), d(3)], []);
  o.add(0, [d(4)], []); // another sender: what was queued goes first
  t.deepEqual(sent, [{ from: -1, reqIds: [1, 2, 3], transfer: 0 }]);
  await turn();
  t.deepEqual(sent[1], { from: 0, reqIds: [4], transfer: 0 });
  // a transfer is sent at once, with what was queued before it
  o.add(-1, [d(5)], []);
  o.add(-1, [d(6)], [new ArrayBuffer(1)]);
  t.deepEqual(sent[2], { from: -1, reqIds: [5, 6], transfer: 1 });
  o.add(-1, Array.from({ length: maxItemsPerDelivery }, (_, i) => d(100 + i)), []);
  t.is(sent.length, 4, 'a full message is sent without waiting');
});

test('DeliveryOutbox reports only the items that cannot be posted', async (t) => {
  const sent: number[] = [];
  const failed: number[] = [];
  const o = new DeliveryOutbox(
    (_from, items) => {
      if (items.some((i) => typeof i.msg === 'function')) throw new Error('could not be cloned');
      sent.push(...items.map((i) => i.reqId));
    },
    (items) => failed.push(...items.map((i) => i.reqId)),
  );
  o.add(-1, [{ kind: 'k', key: 'x', msg: 1, reqId: 1 }], []);
  o.add(-1, [{ kind: 'k', key: 'x', msg: () => 0, reqId: 2 }], []);
  o.add(-1, [{ kind: 'k', key: 'x', msg: 3, reqId: 3 }], []);
  await turn();
  t.deepEqual(sent, [1, 3]);
  t.deepEqual(failed, [2]);
});
