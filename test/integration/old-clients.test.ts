/**
 * The clients in the field that predate record batches: kafka-python pinned
 * to api_version 0.9 (message format 0) and 0.10 (format 1), librdkafka with
 * ApiVersions off and broker.version.fallback 0.9.0 / 0.10.0, and Debian's
 * librdkafka 2.0 compressing with its default settings (it compresses only
 * when the broker serves Produce v0-v2). Each reads back exactly what it
 * wrote, and the segment files hold the producer's codec.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '../../testing.js';
import { hasKcat, hasPythonModule, PYTHON, run, storedCodecs } from './helpers.js';

const script = fileURLToPath(new URL('../../../test/integration/python/old_clients.py', import.meta.url));
const CODECS = ['none', 'gzip', 'snappy', 'lz4'] as const;
const CODEC_IDS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3 };
const N = 40;

const hasKafkaPython = hasPythonModule('kafka') && hasPythonModule('snappy') && hasPythonModule('lz4.frame') && hasPythonModule('xxhash');
const hasConfluent = hasPythonModule('confluent_kafka');
if (!hasKafkaPython) console.warn('old-clients: /usr/bin/python3 lacks kafka-python with snappy, lz4 and xxhash (python3-kafka python3-snappy python3-lz4 python3-xxhash): its tests are skipped');
if (!hasConfluent) console.warn('old-clients: /usr/bin/python3 lacks confluent_kafka (python3-confluent-kafka): its tests are skipped');
if (!hasKcat()) console.warn('old-clients: kcat is missing: its tests are skipped');

interface Rec {
  key: string | null;
  value: string | null;
  timestamp: number | null;
  offset?: number;
}

async function py(...args: string[]): Promise<{ written: Rec[]; offsets: number[]; read: Rec[] }> {
  const r = await run(PYTHON, [script, ...args], { timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function broker(t: import('ava').ExecutionContext): Promise<TestBroker> {
  const b = await startTestBroker();
  t.teardown(() => b.stop());
  return b;
}

function checkRoundTrip(t: import('ava').ExecutionContext, r: { written: Rec[]; offsets: number[]; read: Rec[] }): void {
  t.deepEqual(r.offsets, Array.from({ length: N }, (_, i) => i), 'acknowledged offsets');
  t.deepEqual(r.read.map((x) => x.offset), r.offsets, 'offsets read back');
  t.deepEqual(
    r.read.map(({ key, value, timestamp }) => ({ key, value, timestamp })),
    r.written,
  );
}

for (const api of ['0.9', '0.10']) {
  for (const codec of CODECS) {
    (hasKafkaPython ? test : test.skip)(`kafka-python api_version ${api} (message format ${api === '0.9' ? 0 : 1}), ${codec}: produces and reads back keys, values${api === '0.10' ? ', timestamps' : ''}; stored with its codec`, async (t) => {
      const b = await broker(t);
      const topic = `kp-${api.replace('.', '')}-${codec}`;
      const r = await py('kafka_python', b.bootstrap, topic, String(N), api, codec);
      checkRoundTrip(t, r);
      const stored = storedCodecs(b.dataDir, topic);
      t.true(stored.length > 0);
      t.deepEqual([...new Set(stored)], [CODEC_IDS[codec]!]);
    });
  }
}

for (const fallback of ['0.9.0', '0.10.0']) {
  for (const codec of CODECS) {
    (hasConfluent ? test : test.skip)(`librdkafka api.version.request=false, broker.version.fallback=${fallback}, ${codec}: produces and reads back; stored with its codec`, async (t) => {
      const b = await broker(t);
      const topic = `rd-${fallback.replace(/\./g, '')}-${codec}`;
      const r = await py('confluent', b.bootstrap, topic, String(N), fallback, codec);
      checkRoundTrip(t, r);
      t.deepEqual([...new Set(storedCodecs(b.dataDir, topic))], [CODEC_IDS[codec]!]);
    });
  }
}

for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
  (hasConfluent ? test : test.skip)(`Debian's librdkafka with default settings and compression.codec=${codec} stores ${codec} batches`, async (t) => {
    const b = await broker(t);
    const topic = `deb-${codec}`;
    await py('confluent_codec', b.bootstrap, topic, '200', codec);
    const stored = storedCodecs(b.dataDir, topic);
    t.true(stored.length > 0);
    t.deepEqual([...new Set(stored)], [CODEC_IDS[codec]!]);
  });

  (hasKcat() ? test : test.skip)(`kcat -z ${codec} stores ${codec} batches, and kcat reads them back`, async (t) => {
    const b = await broker(t);
    const topic = `kcat-${codec}`;
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'w'.repeat(100)}`);
    const p = await run('kcat', ['-b', b.bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec, '-m', '30'], { input: lines.join('\n') + '\n' });
    t.is(p.code, 0, p.stderr);
    t.deepEqual([...new Set(storedCodecs(b.dataDir, topic))], [CODEC_IDS[codec]!]);
    const c = await run('kcat', ['-b', b.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-m', '30']);
    t.is(c.code, 0, c.stderr);
    t.deepEqual(c.stdout.trim().split('\n'), lines);
  });
}
