/**
 * Slow and stuck clients: a well-behaved producer and reader keep working
 * beside thousands of idle connections, byte-at-a-time senders and
 * connections that never read, and the broker's memory stays bounded.
 * Throughput is logged, never asserted.
 */
import test from 'ava';
import { slowClients } from './slow/slow-clients.js';

const MIB = 1 << 20;

test.serial('inline: 2000 idle, 100 trickling and 4 never-reading connections; good clients complete, RSS stays bounded', async (t) => {
  const r = await slowClients({ workers: 0, idleConnections: 2000, trickleConnections: 100, neverReaderConnections: 4, fetchesPerNeverReader: 500, windowMs: 2000 });
  t.log(`produce ${r.baseline.produceRecordsPerSecond} -> ${r.abused.produceRecordsPerSecond} records/s, read ${r.baseline.readMiBPerSecond} -> ${r.abused.readMiBPerSecond} MiB/s (baseline -> under abuse)`);
  t.log(`RSS ${r.rssBeforeBytes / MIB | 0} MiB, peak ${r.rssPeakBytes / MIB | 0} MiB, after ${r.rssAfterBytes / MIB | 0} MiB`);
  t.true(r.alive);
  t.deepEqual(r.problems, []);
  t.is(r.idleStillOpen, 2000);
  t.is(r.trickleClosed, 0);
  t.true(r.abused.produceRecordsPerSecond > 0 && r.abused.readMiBPerSecond > 0);
  t.true(r.rssPeakBytes < r.rssBeforeBytes + 512 * MIB, `RSS peaked at ${r.rssPeakBytes / MIB | 0} MiB from ${r.rssBeforeBytes / MIB | 0} MiB`);
});

// Known defect, kept visible: with partitions on the pool each Fetch answer is a copy, and a
// connection that pipelines queued.max.requests Fetches and never reads makes the broker hold
// every answer (400 x 1 MiB per connection here): nothing bounds response bytes per connection.
// ava reports when this starts passing; then make it a plain test.
test.serial('pool: 3 never-reading connections pipelining 400 Fetches of 1 MiB keep the broker under 256 MiB of growth', async (t) => {
  const r = await slowClients({ workers: 2, idleConnections: 0, trickleConnections: 0, neverReaderConnections: 3, fetchesPerNeverReader: 400, windowMs: 500 });
  t.log(`RSS ${r.rssBeforeBytes / MIB | 0} MiB, peak ${r.rssPeakBytes / MIB | 0} MiB, after ${r.rssAfterBytes / MIB | 0} MiB`);
  t.true(r.alive);
  t.deepEqual(r.problems, []);
  t.true(r.rssPeakBytes < r.rssBeforeBytes + 256 * MIB, `RSS peaked at ${r.rssPeakBytes / MIB | 0} MiB from ${r.rssBeforeBytes / MIB | 0} MiB`);
});
