/**
 * acks=-1 waits hold only in the leader epoch their batch was appended in:
 * a wait that reaches the broker's thread after its partition was given up,
 * or is still parked when the partition is led again in a newer epoch, fails
 * NOT_LEADER_OR_FOLLOWER instead of being acknowledged by a high watermark
 * that passed over other records (the fault checker's long form: acks=all
 * sends acknowledged at offsets that, in the final log, held other values).
 */
import test from 'ava';
import { AckWaits } from '../../actors/broker/ack-waits.js';

const K = 'orders-0';

test('a wait in the epoch led is acknowledged when the high watermark passes it', async (t) => {
  const w = new AckWaits();
  w.advance(K, 10n, 2, 5);
  const p = w.wait(K, 12n, 5, 5_000);
  w.advance(K, 11n, 2, 5);
  w.advance(K, 12n, 3, 5);
  t.deepEqual(await p, { ok: true, isrSize: 3 });
  t.is(w.size, 0);
});

test('a wait parked after the partition was given up fails at once, as does one for an older epoch', async (t) => {
  const w = new AckWaits();
  w.advance(K, 10n, 2, 5);
  w.abandon(K);
  t.deepEqual(await w.wait(K, 12n, 5, 5_000), { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
  w.advance(K, 20n, 2, 7);
  t.deepEqual(await w.wait(K, 12n, 5, 5_000), { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' }, 'appended in epoch 5, led again in 7');
  const p = w.wait(K, 21n, 7, 5_000);
  w.advance(K, 21n, 2, 7);
  t.deepEqual(await p, { ok: true, isrSize: 2 });
});

test('a wait still parked when the partition is led in a newer epoch fails; the newer epoch\'s high watermark does not acknowledge it', async (t) => {
  const w = new AckWaits();
  w.advance(K, 10n, 2, 5);
  const old = w.wait(K, 15n, 5, 5_000);
  w.advance(K, 30n, 2, 6);
  t.deepEqual(await old, { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
  t.is(w.size, 0);
});

test('waits time out, and all fail on close', async (t) => {
  const w = new AckWaits();
  t.deepEqual(await w.wait(K, 1n, 0, 20), { ok: false, error: 'REQUEST_TIMED_OUT' });
  const parked = w.wait('other-0', 1n, 0, 5_000);
  w.close();
  t.deepEqual(await parked, { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
  t.deepEqual(await w.wait(K, 1n, 0, 5_000), { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
});

test('a deleted partition is forgotten: a topic made again under its name waits in its own epochs from 0', async (t) => {
  const w = new AckWaits();
  w.advance(K, 10n, 2, 5);
  const parked = w.wait(K, 15n, 5, 5_000);
  w.abandon(K);
  t.deepEqual(await parked, { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' });
  t.deepEqual(await w.wait(K, 1n, 0, 5_000), { ok: false, error: 'NOT_LEADER_OR_FOLLOWER' }, 'epoch 0 is older than the 5 it led in');
  w.forget(K);
  const fresh = w.wait(K, 1n, 0, 5_000);
  w.advance(K, 1n, 3, 0);
  t.deepEqual(await fresh, { ok: true, isrSize: 3 });
});
