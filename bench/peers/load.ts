// A peer's load generator in its own process: prints the run's summary as JSON in
// the shape `samsa perf produce --json` prints, so harnesses read both alike.
//   node dist/bench/peers/load.js redis|nats --port P [--num-records N] [--record-size B] [--batch-records R] [--max-in-flight M]
import { parseFlags } from '../../cli/perf/args.js';
import { perfPayload } from '../../protocol/client/pre-encoded-batch.js';
import { summarize } from '../../cli/perf/report.js';
import { natsProduce } from './nats.js';
import { redisProduce } from './redis.js';

const [peer, ...rest] = process.argv.slice(2);
const f = parseFlags(rest, {
  port: { type: 'int', min: 1, help: 'server port on 127.0.0.1' },
  'num-records': { type: 'int', default: 1_000_000, min: 1, help: 'records to send' },
  'record-size': { type: 'int', default: 100, min: 0, help: 'bytes per record' },
  'batch-records': { type: 'int', default: 1000, min: 1, help: 'records per pipelined batch' },
  'max-in-flight': { type: 'int', default: 5, min: 1, help: 'batches outstanding' },
  'timeout-ms': { type: 'int', default: 300_000, min: 1, help: 'give up after this long' },
});
const w = { numRecords: f.numRecords, batchRecords: f.batchRecords, maxInFlight: f.maxInFlight, value: perfPayload(f.recordSize), timeoutMs: f.timeoutMs };
const run = peer === 'redis' ? redisProduce : peer === 'nats' ? natsProduce : null;
if (!run) {
  process.stderr.write(`unknown peer ${String(peer)}: expected redis or nats\n`);
  process.exit(2);
}
const out = await run(f.port, w);
const s = summarize('produce', out.records, out.records * f.recordSize, out.elapsedMs, out.batches, out.errors.length, out.latency, {
  peer,
  recordSize: f.recordSize,
  batchRecords: f.batchRecords,
  maxInFlight: f.maxInFlight,
  firstError: out.errors[0] ?? null,
});
process.stdout.write(JSON.stringify(s) + '\n');
process.exit(0);
