// Fetch sessions: what a consumer of many quiet partitions costs the broker
// with sessionless full fetches (every request names every partition, every
// answer lists them all) and with an incremental session (the request names
// only partitions whose offset moved, the answer only partitions with news).
// Same broker process, same partitions, phases alternating in one run:
//   produce-only: the trickle alone (one record to one partition per step), to subtract;
//   full:         trickle + a sessionless Fetch of all partitions per step;
//   incremental:  trickle + an incremental Fetch of the session per step.
// Broker CPU is read from /proc/<pid>/stat of the broker process (workers 0).
//
//   node dist/bench/fetch/sessions.js [--partitions 1000] [--steps 2000] [--rounds 3]
// Steps are many because /proc counts CPU in 10 ms ticks and an incremental
// fetch of quiet partitions costs a fraction of a millisecond.
// BENCH_PROF=DIR also writes a CPU profile of the broker process there.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaClient } from '../../cli/console/client.js';
import { parseFlags } from '../../cli/perf/args.js';
import { Writer, decodeResponseFrame, encodeRequestFrame, recordBatches, type TopicName } from '../../protocol/index.js';
import { median, NODE_FLAGS } from '../limit/processes.js';

const flags = parseFlags(process.argv.slice(2), {
  partitions: { type: 'int', default: 1000, min: 1, help: 'partitions the consumer reads' },
  steps: { type: 'int', default: 2000, min: 1, help: 'fetches per phase' },
  rounds: { type: 'int', default: 3, min: 1, help: 'rounds of the three phases' },
});
const TOPIC = 'quiet' as TopicName;
const CLK_TCK = 100;

const distBench = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, [...NODE_FLAGS, ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROF] : []), join(distBench, 'limit', 'samsa-main.js'), '--exit-with-stdin', '--max-ms', '600000'], { stdio: ['pipe', 'pipe', 'inherit'] });
const bootstrap = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const nl = out.indexOf('\n');
    if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { bootstrap: string }).bootstrap);
  });
  child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
});

/** Broker CPU so far, ms (user + system). */
function brokerCpuMs(): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

const client = await KafkaClient.connect(bootstrap);
const offsets = new Map<number, bigint>();
let responseBytes = 0;

interface PartitionFetch {
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  logStartOffset: bigint;
}

/** One Fetch v12; counts the response frame's bytes and moves the offsets past what it returned. */
async function fetch(sessionId: number, sessionEpoch: number, partitions: PartitionFetch[]) {
  const conn = client.conn;
  const id = conn.takeId();
  const chunks = encodeRequestFrame(new Writer(1 << 16), { apiKey: 1, apiVersion: 12, correlationId: id, clientId: 'bench' }, {
    replicaId: -1 as never,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 50 << 20,
    isolationLevel: 0,
    sessionId,
    sessionEpoch,
    topics: partitions.length === 0 ? [] : [{ topic: TOPIC, partitions }],
    forgottenTopicsData: [],
  });
  const r = await conn.sendFrame(id, chunks, (frame) => {
    responseBytes += frame.length + 4;
    return decodeResponseFrame(frame, 1, 12).body as { errorCode: number; sessionId: number; responses: Array<{ partitions: Array<{ partitionIndex: number; records: Buffer | null }> }> };
  });
  if (r.errorCode !== 0) throw new Error(`fetch failed with error ${r.errorCode}`);
  for (const t of r.responses) {
    for (const p of t.partitions) {
      if (p.records === null || p.records.length === 0) continue;
      for (const b of recordBatches(p.records)) offsets.set(p.partitionIndex, b.lastOffset + 1n);
    }
  }
  return r.sessionId;
}

const ask = (partition: number): PartitionFetch => ({ partition, fetchOffset: offsets.get(partition)!, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n });
const all = () => [...offsets.keys()].map(ask);

let next = 0;
async function trickle(): Promise<void> {
  await client.produce(TOPIC, next, [{ value: Buffer.from('tick') }]);
  next = (next + 1) % flags.partitions;
}

type Mode = 'produce-only' | 'full' | 'incremental';

async function phase(mode: Mode): Promise<{ cpuMs: number; bytes: number }> {
  let sessionId = 0;
  let epoch = 0;
  let sent = new Map<number, bigint>();
  if (mode === 'incremental') {
    sessionId = await fetch(0, 0, all());
    if (sessionId === 0) throw new Error('the broker created no session');
    epoch = 1;
    sent = new Map(offsets);
  }
  const bytes0 = responseBytes;
  const cpu0 = brokerCpuMs();
  for (let i = 0; i < flags.steps; i++) {
    await trickle();
    if (mode === 'full') await fetch(0, -1, all());
    else if (mode === 'incremental') {
      const moved = [...offsets].filter(([p, o]) => sent.get(p) !== o).map(([p]) => ask(p));
      await fetch(sessionId, epoch++, moved);
      for (const m of moved) sent.set(m.partition, m.fetchOffset);
    }
  }
  const out = { cpuMs: brokerCpuMs() - cpu0, bytes: responseBytes - bytes0 };
  if (mode === 'incremental') await fetch(sessionId, -1, []); // close it
  return out;
}

try {
  await client.createTopic(TOPIC, flags.partitions);
  for (let p = 0; p < flags.partitions; p++) offsets.set(p, 0n);
  await fetch(0, -1, all()); // warm: every partition opened
  const results: Record<Mode, Array<{ cpuMs: number; bytes: number }>> = { 'produce-only': [], full: [], incremental: [] };
  for (let round = 0; round < flags.rounds; round++) {
    for (const mode of ['produce-only', 'full', 'incremental'] as const) results[mode].push(await phase(mode));
  }
  const perFetch = (mode: Mode) =>
    median(results[mode].map((r, i) => (r.cpuMs - results['produce-only'][i]!.cpuMs) / flags.steps));
  const bytesPerFetch = (mode: Mode) => median(results[mode].map((r) => r.bytes / flags.steps));
  const full = perFetch('full');
  const inc = perFetch('incremental');
  const report = {
    partitions: flags.partitions,
    steps: flags.steps,
    rounds: flags.rounds,
    trickleCpuMsPerStep: median(results['produce-only'].map((r) => r.cpuMs / flags.steps)),
    fullCpuMsPerFetch: full,
    incrementalCpuMsPerFetch: inc,
    cpuRatio: inc / full,
    fullBytesPerFetch: bytesPerFetch('full'),
    incrementalBytesPerFetch: bytesPerFetch('incremental'),
    bytesRatio: bytesPerFetch('incremental') / bytesPerFetch('full'),
    raw: results,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} finally {
  client.close();
  const exited = once(child, 'exit');
  child.stdin!.end();
  child.kill('SIGTERM');
  await exited;
}
