// Flag parsing of the perf tools.
import test from 'ava';
import { parseFlags, UsageError, usage, flagKey } from '../../cli/perf/args.js';
import { parseProduceArgs, parseConsumeArgs, batchRecordsOf, runPerf } from '../../cli/perf/index.js';
import { parseAcks } from '../../cli/perf/flags.js';

test('produce defaults follow Kafka (16 KiB batches, 5 in flight, acks=1)', (t) => {
  const f = parseProduceArgs([]);
  t.is(f.bootstrap, '127.0.0.1:9092');
  t.is(f.batchBytes, 16384);
  t.is(f.batchRecords, 0);
  t.is(f.maxInFlight, 5);
  t.is(f.acks, '1');
  t.is(f.throughput, -1);
  t.is(f.compression, 'none');
  t.false(f.json);
  t.false(f.help);
});

test('--flag value and --flag=value, camelCase keys, numbers with underscores', (t) => {
  const f = parseProduceArgs(['--num-records', '1_000_000', '--record-size=10', '--throughput', '-1', '--acks', 'all', '--json', '--compression=zstd']);
  t.is(f.numRecords, 1_000_000);
  t.is(f.recordSize, 10);
  t.is(f.throughput, -1);
  t.is(parseAcks(f.acks), -1);
  t.true(f.json);
  t.is(f.compression, 'zstd');
});

test('a bool flag followed by another flag takes true; explicit false works', (t) => {
  const f = parseProduceArgs(['--json', '--topic', 'x']);
  t.true(f.json);
  t.is(f.topic, 'x');
  t.false(parseProduceArgs(['--json=false']).json);
});

test('bad input names the flag', (t) => {
  t.throws(() => parseProduceArgs(['--nope', '1']), { instanceOf: UsageError, message: /--nope/ });
  t.throws(() => parseProduceArgs(['--num-records', 'ten']), { instanceOf: UsageError, message: /--num-records takes an integer/ });
  t.throws(() => parseProduceArgs(['--num-records', '1.5']), { instanceOf: UsageError });
  t.throws(() => parseProduceArgs(['--num-records', '0']), { instanceOf: UsageError, message: /at least 1/ });
  t.throws(() => parseProduceArgs(['--acks', '2']), { instanceOf: UsageError, message: /one of 0, 1, -1, all/ });
  t.throws(() => parseProduceArgs(['--topic']), { instanceOf: UsageError, message: /needs a value/ });
  t.throws(() => parseProduceArgs(['stray']), { instanceOf: UsageError, message: /unexpected argument/ });
  t.throws(() => parseConsumeArgs(['--record-size', '1']), { instanceOf: UsageError }, 'consume has no --record-size');
});

test('a flag without default is required unless --help', (t) => {
  const specs = { need: { type: 'string', help: 'x' } } as const;
  t.throws(() => parseFlags([], specs), { instanceOf: UsageError, message: /--need is required/ });
  t.true(parseFlags(['--help'], specs).help);
  t.is(parseFlags(['--need', 'v'], specs).need, 'v');
});

test('records per batch: explicit, or what fits --batch-bytes', (t) => {
  t.is(batchRecordsOf({ batchRecords: 1000, batchBytes: 16384, recordSize: 100 }), 1000);
  t.is(batchRecordsOf({ batchRecords: 0, batchBytes: 16384, recordSize: 100 }), 148);
  t.is(batchRecordsOf({ batchRecords: 0, batchBytes: 16384, recordSize: 1_000_000 }), 1);
});

test('usage lists every flag with its default', (t) => {
  const u = usage('samsa perf produce', { 'num-records': { type: 'int', default: 5, help: 'how many' } });
  t.regex(u, /--num-records\s+how many \(default 5\)/);
  t.is(flagKey('fetch-max-wait-ms'), 'fetchMaxWaitMs');
});

test('runPerf refuses an unknown sub-command and prints usage for none', async (t) => {
  await t.throwsAsync(runPerf(['bogus']), { instanceOf: UsageError });
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  t.is(await runPerf([], { stdout: sink, stderr: sink }), null);
  t.regex(out, /produce \| consume \| e2e/);
  out = '';
  t.is(await runPerf(['produce', '--help'], { stdout: sink, stderr: sink }), null);
  t.regex(out, /--max-in-flight/);
});
