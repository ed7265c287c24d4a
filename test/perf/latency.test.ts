// Percentiles by nearest rank, the recorder's summary and progress windows, the pacer.
import test from 'ava';
import { LatencyRecorder, percentile } from '../../cli/perf/latency.js';
import { Pacer } from '../../cli/perf/pacer.js';

test('nearest-rank percentiles of 1..100', (t) => {
  const s = Array.from({ length: 100 }, (_, i) => i + 1);
  t.is(percentile(s, 50), 50);
  t.is(percentile(s, 95), 95);
  t.is(percentile(s, 99), 99);
  t.is(percentile(s, 99.9), 100);
  t.is(percentile(s, 100), 100);
  t.is(percentile(s, 0), 1);
  t.is(percentile(s, 1), 1);
  t.is(percentile(s, 1.5), 2);
});

test('percentiles of small and empty sets', (t) => {
  t.is(percentile([], 50), 0);
  t.is(percentile([7], 99.9), 7);
  t.is(percentile([1, 2], 50), 1);
  t.is(percentile([1, 2], 51), 2);
  t.is(percentile([1, 2, 3, 4], 75), 3);
  t.is(percentile([1, 2, 3, 4], 76), 4);
});

test('the recorder summarises samples recorded in any order', (t) => {
  const r = new LatencyRecorder(4);
  const samples = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1); // 1..1000 shuffled
  for (const s of samples) r.record(s);
  const s = r.summary();
  t.is(s.count, 1000);
  t.is(s.avg, 500.5);
  t.is(s.p50, 500);
  t.is(s.p95, 950);
  t.is(s.p99, 990);
  t.is(s.p999, 999);
  t.is(s.max, 1000);
});

test('beyond maxSamples, count, avg and max still include every sample', (t) => {
  const r = new LatencyRecorder(2, 3);
  for (const v of [1, 2, 3, 100]) r.record(v);
  const s = r.summary();
  t.is(s.count, 4);
  t.is(s.avg, 26.5);
  t.is(s.max, 100);
  t.is(s.p99, 3, 'percentiles over the kept samples');
});

test('progress windows restart after each take', (t) => {
  const r = new LatencyRecorder();
  r.record(2);
  r.record(4);
  t.deepEqual(r.takeWindow(), { count: 2, avg: 3, max: 4 });
  t.deepEqual(r.takeWindow(), { count: 0, avg: 0, max: 0 });
  r.record(1);
  t.deepEqual(r.takeWindow(), { count: 1, avg: 1, max: 1 });
  t.is(r.summary().count, 3);
});

test('the pacer holds records to the target rate on an injected clock', (t) => {
  let now = 1000;
  const p = new Pacer(1000, () => now); // 1000 records/s: record k is due at k ms
  t.is(p.delayMs(0), 0);
  t.is(p.delayMs(500), 500);
  now += 200;
  t.is(p.delayMs(500), 300);
  now += 1000;
  t.is(p.delayMs(500), 0, 'behind schedule: no wait');
  t.is(new Pacer(-1, () => now).delayMs(1e9), 0, 'unbounded');
});
