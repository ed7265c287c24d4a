import test from 'ava';
import { printable, rateLimitedLog } from '../../actors/broker/net/rate-limited-log.js';

test('at most maxPerWindow lines per window pass; the rest are summed up when the next window opens', (t) => {
  const lines: string[] = [];
  let now = 0;
  const log = rateLimitedLog((m) => lines.push(m), () => now, 3, 1000);
  for (let i = 0; i < 10; i++) log(`line ${i}`);
  t.deepEqual(lines, ['line 0', 'line 1', 'line 2']);
  now = 1000;
  log('next');
  t.deepEqual(lines.slice(3), ['7 more connection warnings suppressed in the last 1 s', 'next']);
});

test('client text is escaped and capped', (t) => {
  t.is(printable('ok-client'), '"ok-client"');
  t.is(printable('evil\nline\u0000'), '"evil\\nline\\u0000"');
  t.is(printable(null), 'null');
  t.is(printable('x'.repeat(100), 8), '"xxxxxxxx…"');
});
