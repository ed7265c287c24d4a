// The perf tools end to end against the limit server: the summary they print with
// --json is what the harnesses read. No speed is asserted here (that is bench/).
import test from 'ava';
import { startLimitServer } from '../../bench/limit/server.js';
import { runPerfConsume, runPerfProduce, runPerf, type PerfSummary } from '../../cli/perf/index.js';

function capture(): { io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WritableStream;
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) }, out: () => out, err: () => err };
}

test('perf produce --json: every record acknowledged, one latency sample per request', async (t) => {
  const server = await startLimitServer();
  t.teardown(() => server.close());
  const c = capture();
  const args = ['--bootstrap', server.bootstrap, '--topic', 'pp', '--num-records', '10050', '--record-size', '100', '--batch-records', '1000', '--partitions', '3', '--max-in-flight', '4', '--json'];
  const s = (await runPerfProduce(args, c.io))!;
  const printed = JSON.parse(c.out()) as PerfSummary;
  t.is(printed.records, 10050);
  t.is(s.records, 10050);
  t.is(s.bytes, 1_005_000);
  t.is(s.requests, 11, '10 full batches and one of 50');
  t.is(s.errors, 0);
  t.is(s.latencyMs.count, 11);
  t.true(s.latencyMs.p50 <= s.latencyMs.p99 && s.latencyMs.p99 <= s.latencyMs.max);
  t.is(s.config['partitions'], 3);
  t.true(s.recordsPerSec > 0 && s.mbPerSec > 0);
});

test('perf produce with several partitions per request, compression and a throughput target', async (t) => {
  const server = await startLimitServer();
  t.teardown(() => server.close());
  const c = capture();
  const args = ['--bootstrap', server.bootstrap, '--topic', 'pq', '--num-records', '2000', '--batch-records', '100', '--partitions', '4', '--request-partitions', '4', '--compression', 'lz4', '--throughput', '100000', '--json'];
  const s = (await runPerf(['produce', ...args], c.io))!;
  t.is(s.records, 2000);
  t.is(s.requests, 5, '4 batches of 100 per request');
});

test('perf produce text output: a summary line in Kafka perf style', async (t) => {
  const server = await startLimitServer();
  t.teardown(() => server.close());
  const c = capture();
  await runPerfProduce(['--bootstrap', server.bootstrap, '--num-records', '100', '--progress-ms', '0'], c.io);
  t.regex(c.out(), /^100 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, .* 99\.9th/);
});

test('perf consume --json reads the stored log to the requested count', async (t) => {
  const server = await startLimitServer({ fetchLog: { records: 5000, recordBytes: 100, batchRecords: 500 } });
  t.teardown(() => server.close());
  const c = capture();
  const s = (await runPerfConsume(['--bootstrap', server.bootstrap, '--topic', 'cc', '--num-records', '5000', '--fetch-bytes', '100000', '--json'], c.io))!;
  t.is(s.records, 5000);
  t.is(s.errors, 0);
  t.true(s.requests >= 5000 / 500 / 1 / 2, 'about 1.8 batches per 100 kB fetch');
  t.is(s.latencyMs.count, s.requests);
  t.false(s.config['stoppedEarly'] as boolean);
});

test('perf consume stops when nothing arrives for --idle-ms', async (t) => {
  const server = await startLimitServer({ fetchLog: { records: 1000, recordBytes: 10, batchRecords: 100 } });
  t.teardown(() => server.close());
  const c = capture();
  const s = (await runPerfConsume(['--bootstrap', server.bootstrap, '--num-records', '5000', '--idle-ms', '100', '--fetch-max-wait-ms', '20', '--json'], c.io))!;
  t.is(s.records, 1000);
  t.true(s.config['stoppedEarly'] as boolean);
});

test('perf against a closed port fails with a connection error', async (t) => {
  const server = await startLimitServer();
  const port = server.port;
  await server.close();
  await t.throwsAsync(runPerfProduce(['--bootstrap', `127.0.0.1:${port}`, '--num-records', '1'], capture().io), { message: /127\.0\.0\.1/ });
});
