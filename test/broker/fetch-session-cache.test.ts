/** The fetch session cache on its own: slots, ids, eviction order, staleness, with a hand-driven clock. */
import test from 'ava';
import { FetchSessionCache, MIN_EVICTION_MS } from '../../actors/broker/fetch/session-cache.js';
import { CachedPartition, FINAL_EPOCH, nextEpoch } from '../../actors/broker/fetch/fetch-session.js';

function cacheOf(slots: number, opts: { randomId?: () => number } = {}) {
  const clock = { ms: 1_000_000 };
  const cache = new FetchSessionCache({ slots, now: () => clock.ms, ...opts });
  const open = (size: number, privileged = false) =>
    cache.maybeCreate(privileged, size, false, (s) => {
      for (let p = 0; p < size; p++) s.partitions.set(s.key('t', '', p), new CachedPartition('t', '', p, 0n, 1024, -1));
    });
  return { clock, cache, open };
}

test('epochs follow 1, 2, ... and wrap from int32 max to 1; the final epoch stays final', (t) => {
  t.is(nextEpoch(0), 1);
  t.is(nextEpoch(41), 42);
  t.is(nextEpoch(0x7fffffff), 1);
  t.is(nextEpoch(FINAL_EPOCH), FINAL_EPOCH);
});

test('a new session has a non-zero id unique in the cache and expects epoch 1', (t) => {
  const ids = [0, 7, 7, -5, 9];
  const { cache, open } = cacheOf(10, { randomId: () => ids.shift()! });
  const a = open(1)!;
  const b = open(1)!;
  t.is(a.id, 7, 'zero is never an id');
  t.is(b.id, 9, 'a taken id or a negative one is drawn again');
  t.is(a.epoch, 1);
  t.is(cache.size, 2);
  t.is(cache.totalPartitions, 2);
});

test('slots 0: no session is ever created', (t) => {
  const { cache, open } = cacheOf(0);
  t.is(open(5), undefined);
  t.is(cache.size, 0);
});

test('when full, a young unprivileged session is not evicted by another unprivileged one, however large', (t) => {
  const { cache, open, clock } = cacheOf(2);
  open(1);
  open(1);
  clock.ms += 1000;
  t.is(open(500), undefined);
  t.is(cache.size, 2);
  t.is(cache.evictions, 0);
});

test('when full, the least recently used session goes once it has been unused past the eviction time', (t) => {
  const { cache, open, clock } = cacheOf(2);
  const a = open(10)!;
  clock.ms += 1000;
  const b = open(10)!;
  clock.ms += MIN_EVICTION_MS; // a unused for 121 s, b for 120 s: only a is stale
  const c = open(1)!;
  t.truthy(c, 'a stale session makes room even for a smaller one');
  t.is(cache.get(a.id), undefined);
  t.truthy(cache.get(b.id));
  t.is(cache.evictions, 1);
});

test('a touch keeps a session from going stale', (t) => {
  const { cache, open, clock } = cacheOf(1);
  const a = open(3)!;
  clock.ms += MIN_EVICTION_MS;
  cache.touch(a);
  clock.ms += MIN_EVICTION_MS;
  t.is(open(3), undefined, 'used 120 s ago, not more: kept');
  clock.ms += 1;
  t.truthy(open(3));
  t.is(cache.get(a.id), undefined);
});

test('an old but active session is evicted by a newcomer with more partitions, the smallest first', (t) => {
  const { cache, open, clock } = cacheOf(3);
  const small = open(2)!;
  const mid = open(5)!;
  const big = open(9)!;
  clock.ms += MIN_EVICTION_MS + 1;
  // all in use (touched now), all older than the eviction time
  for (const s of [small, mid, big]) cache.touch(s);
  t.is(open(2), undefined, 'as many partitions as the smallest is not enough');
  const next = open(3)!;
  t.truthy(next);
  t.is(cache.get(small.id), undefined);
  t.truthy(cache.get(mid.id));
  t.truthy(cache.get(big.id));
  t.is(cache.totalPartitions, 5 + 9 + 3);
});

test('a privileged newcomer evicts a young unprivileged session; privileged sessions only give way to larger privileged ones once old', (t) => {
  const { cache, open, clock } = cacheOf(2);
  const consumer = open(50)!;
  const follower = open(1, true)!;
  clock.ms += 10;
  const f2 = open(1, true)!;
  t.truthy(f2, 'privileged beats unprivileged whatever the sizes');
  t.is(cache.get(consumer.id), undefined);
  t.is(open(100, true), undefined, 'young privileged sessions are kept');
  t.is(open(100), undefined);
  clock.ms += MIN_EVICTION_MS; // neither stale (f2 used 120 s ago), follower older than 120 s once touched
  cache.touch(follower);
  cache.touch(f2);
  t.is(open(100), undefined, 'an unprivileged newcomer never beats a privileged session');
  const f3 = open(2, true)!;
  t.truthy(f3);
  t.is(cache.get(follower.id), undefined, 'the old privileged one of fewer partitions went');
  t.truthy(cache.get(f2.id), 'f2 was not yet old at its last touch');
});

test('remove frees the slot and its partitions; removing twice is harmless', (t) => {
  const { cache, open } = cacheOf(1);
  const a = open(4)!;
  t.is(cache.remove(a.id), a);
  t.is(cache.remove(a.id), undefined);
  t.is(cache.size, 0);
  t.is(cache.totalPartitions, 0);
  t.truthy(open(1));
});
