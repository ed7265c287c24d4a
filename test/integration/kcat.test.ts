/** Conformance with librdkafka through kcat: metadata, codecs, idempotence, cross-client bytes. */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { partitionFor } from '../../native/index.js';
import { CompressionTypes, hasKcat, kafkaFor, kafkajsReadPartition, MODES, recordAt, registerKafkajsCodecs, run, withBroker } from './helpers.js';

registerKafkajsCodecs();
const kcatMissing = !hasKcat();
const maybe = kcatMissing ? test.skip : test;
if (kcatMissing) console.warn('kcat not found: skipping the kcat suite (apt-get install kcat)');

const TOTAL = 100_000;
/** The suite runs many brokers in one process; give librdkafka room when the event loop is busy. */
// kcat waits 5 s for its first metadata by default (-m); a loaded 2-core CI machine can take longer.
const PATIENT = ['-m', '30', '-X', 'api.version.request.timeout.ms=30000', '-X', 'socket.timeout.ms=60000', '-X', 'metadata.request.timeout.ms=30000'];
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function lines(from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const r = recordAt(i);
    out += `${r.key}\t${r.value}\n`;
  }
  return out;
}

maybe('metadata: kcat -L sees the broker, topics and partitions', async (t) => {
  const broker = await withBroker({ 'num.partitions': 3 });
  t.teardown(() => broker.stop());
  await run('kcat', ['-P', '-b', broker.bootstrap, '-t', 'listed'], { input: 'x\n' });
  const r = await run('kcat', ['-L', '-b', broker.bootstrap, '-J', ...PATIENT]);
  t.is(r.code, 0, r.stderr);
  const meta = JSON.parse(r.stdout) as { brokers: Array<{ id: number; name: string }>; topics: Array<{ topic: string; partitions: unknown[] }> };
  t.deepEqual(meta.brokers.map((b) => b.name), [broker.bootstrap]);
  t.is(meta.topics.find((x) => x.topic === 'listed')!.partitions.length, 3);
});

for (const mode of MODES) {
  for (const codec of CODECS) {
    maybe(`[${mode.name}] ${codec}: ${TOTAL} records with keys and headers from kcat (idempotent) read back byte-identical by kafkajs`, async (t) => {
      const broker = await withBroker({ workers: mode.workers });
      t.teardown(() => broker.stop());
      const topic = `kcat-${codec}`;
      const r = await run(
        'kcat',
        ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-K', '\t', '-H', 'source=kcat', '-z', codec, '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'],
        { input: lines(0, TOTAL), timeoutMs: 90_000 },
      );
      t.is(r.code, 0, r.stderr);
      const got = await kafkajsReadPartition(broker, topic, 0);
      t.is(got.length, TOTAL);
      let bad = 0;
      got.forEach((m, i) => {
        const want = recordAt(i);
        if (m.key?.toString() !== want.key || m.value?.toString() !== want.value || String(m.headers.source) !== 'kcat') bad++;
      });
      t.is(bad, 0);
    });
  }
}

maybe('kafkajs -> kcat: records produced by kafkajs with every codec read back byte-identical by kcat', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const producer = kafkaFor(broker).producer();
  await producer.connect();
  const types = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD];
  const per = 4_000;
  for (let c = 0; c < types.length; c++) {
    await producer.send({ topic: 'from-kafkajs', compression: types[c], messages: Array.from({ length: per }, (_, j) => ({ key: recordAt(c * per + j).key, value: recordAt(c * per + j).value, headers: { h: recordAt(c * per + j).header } })) });
  }
  await producer.disconnect();
  const r = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', 'from-kafkajs', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%s\t%h\n', ...PATIENT], { timeoutMs: 60_000 });
  t.is(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n');
  t.is(rows.length, per * types.length);
  let bad = 0;
  rows.forEach((row, i) => {
    const want = recordAt(i);
    if (row !== `${i}\t${want.key}\t${want.value}\th=${want.header}`) bad++;
  });
  t.is(bad, 0);
});

maybe('idempotent librdkafka producer delivers every record exactly once', async (t) => {
  const broker = await withBroker({ 'num.partitions': 4 });
  t.teardown(() => broker.stop());
  const n = 50_000;
  let input = '';
  for (let i = 0; i < n; i++) input += `k${i % 97}\tmsg-${i}\n`;
  const r = await run('kcat', ['-P', '-b', broker.bootstrap, '-t', 'exactly-once', '-K', '\t', '-X', 'enable.idempotence=true', '-X', 'acks=all', '-X', 'max.in.flight.requests.per.connection=5', '-X', 'batch.num.messages=200', '-X', 'partitioner=murmur2_random'], { input, timeoutMs: 90_000 });
  t.is(r.code, 0, r.stderr);
  const seen = new Map<string, number>();
  let misplaced = 0;
  for (let p = 0; p < 4; p++) {
    for (const m of await kafkajsReadPartition(broker, 'exactly-once', p)) {
      const v = m.value!.toString();
      seen.set(v, (seen.get(v) ?? 0) + 1);
      if (partitionFor(m.key!, 4) !== p) misplaced++;
    }
  }
  t.is(seen.size, n);
  t.true([...seen.values()].every((c) => c === 1));
  t.is(misplaced, 0, 'murmur2_random places keys as Java clients do');
});

maybe('kcat: out-of-range offset and unknown topic give librdkafka\'s errors; the broker keeps serving', async (t) => {
  const broker = await withBroker({ 'auto.create.topics.enable': false });
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic('present', 1);
  await client.produce('present', 0, [{ value: Buffer.from('one') }]);
  const oor = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', 'present', '-p', '0', '-o', '5', '-e', '-X', 'auto.offset.reset=error', ...PATIENT], { timeoutMs: 20_000 });
  t.regex(oor.stderr, /out of range/i);
  const unknown = await run('kcat', ['-P', '-b', broker.bootstrap, '-t', 'absent', '-p', '0', '-X', 'message.timeout.ms=2000', ...PATIENT], { input: 'x\n', timeoutMs: 20_000 });
  // librdkafka waits for an unknown topic to appear until message.timeout.ms.
  t.regex(unknown.stderr, /Unknown topic|Message timed out/i);
  const ok = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', 'present', '-p', '0', '-o', 'beginning', '-e', '-q', ...PATIENT]);
  t.is(ok.stdout, 'one\n');
});
