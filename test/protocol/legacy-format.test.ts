/**
 * Message formats 0 and 1: decoded and encoded against kafka-python's own
 * legacy codec (an independent implementation old clients run), every codec
 * those magics have, and the checks a produced message set must pass.
 */
import test from 'ava';
import { crc32, gzipSync } from 'node:zlib';
import {
  decodeLegacyMessageSet,
  decodeRecordBatchSync,
  downConvertBatches,
  ControlRecordType,
  encodeControlBatch,
  encodeLegacyMessageSet,
  encodeRecordBatchSync,
  LegacyFormatError,
  readLegacyMessageSet,
  upConvertMessageSet,
  type LegacyMagic,
} from '../../protocol/index.js';
import { hasPythonModule, PYTHON, run } from '../integration/helpers.js';

const SCRIPT = new URL('../../../test/protocol/python/legacy_messages.py', import.meta.url).pathname;
const MAX = 1 << 20;
const CODECS = [0, 1, 2, 3] as const;
const NAMES = ['none', 'gzip', 'snappy', 'lz4'];
/** kafka-python needs python3-snappy, python3-lz4 and python3-xxhash for these codecs. */
const hasPython = hasPythonModule('kafka') && hasPythonModule('snappy') && hasPythonModule('lz4.frame') && hasPythonModule('xxhash');
const withPython = hasPython ? test : test.skip;
if (!hasPython) console.warn('legacy-format: /usr/bin/python3 lacks kafka, snappy, lz4 or xxhash: the kafka-python reference tests are skipped');

interface PyRecord {
  offset: number;
  timestamp: number | null;
  key: string | null;
  value: string | null;
}

function sample(magic: LegacyMagic, n = 5): PyRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    offset: i,
    timestamp: magic === 1 ? 1_700_000_000_000 + i : null,
    key: i % 3 === 0 ? null : Buffer.from(`key-${i}`).toString('hex'),
    value: i === 2 ? null : Buffer.from(`value-${i}-${'x'.repeat(i * 7)}`).toString('hex'),
  }));
}

async function python(mode: 'build' | 'read', spec: object): Promise<unknown> {
  const r = await run(PYTHON, [SCRIPT, mode], { input: JSON.stringify(spec), timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`kafka-python ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));

for (const magic of [0, 1] as const) {
  for (const codec of CODECS) {
    withPython(`magic ${magic} ${NAMES[codec]}: what kafka-python writes decodes to its records`, async (t) => {
      const records = sample(magic);
      const bytes = Buffer.from((await python('build', { magic, codec, records })) as string, 'hex');
      const set = decodeLegacyMessageSet(bytes, MAX);
      t.is(set.magic, magic);
      t.is(set.compression, codec);
      t.deepEqual(
        set.records.map((r) => ({ key: hex(r.key), value: hex(r.value), timestamp: r.timestamp })),
        records.map((r) => ({ key: r.key, value: r.value, timestamp: BigInt(r.timestamp ?? -1) })),
      );
    });

    withPython(`magic ${magic} ${NAMES[codec]}: what samsa writes, kafka-python reads with its offsets`, async (t) => {
      const records = sample(magic).map((r, i) => ({ offset: 100n + BigInt(i), timestamp: BigInt(r.timestamp ?? -1), key: r.key === null ? null : Buffer.from(r.key, 'hex'), value: r.value === null ? null : Buffer.from(r.value, 'hex') }));
      const bytes = encodeLegacyMessageSet(records, magic, codec, 0);
      const read = (await python('read', { magic, hex: bytes.toString('hex') })) as PyRecord[];
      t.deepEqual(
        read.map((r) => ({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp })),
        records.map((r) => ({ offset: Number(r.offset), key: hex(r.key), value: hex(r.value), timestamp: magic === 1 ? Number(r.timestamp) : null })),
      );
    });
  }
}

test('up-conversion keeps the records and the producer codec in one magic 2 batch', (t) => {
  for (const magic of [0, 1] as const) {
    for (const codec of CODECS) {
      const records = [0, 1, 2].map((i) => ({ offset: BigInt(i), timestamp: magic === 1 ? 1_700_000_000_000n + BigInt(i) : -1n, key: i === 1 ? null : Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }));
      const batch = decodeRecordBatchSync(upConvertMessageSet(encodeLegacyMessageSet(records, magic, codec, 0), MAX));
      t.is(batch.compression, codec, `magic ${magic} codec ${codec}`);
      t.deepEqual(
        batch.records.map((r) => ({ key: hex(r.key), value: hex(r.value), timestamp: r.timestamp })),
        records.map((r) => ({ key: hex(r.key), value: hex(r.value), timestamp: r.timestamp })),
      );
    }
  }
});

test('down-conversion serves stored batches in the legacy magic: offsets, keys, values, codec kept; control batches skipped; a partial batch left out', (t) => {
  const recs = (base: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${base + i}`), value: Buffer.from(`v${base + i}`), timestamp: 1_700_000_000_000n + BigInt(base + i), headers: [{ key: 'h', value: Buffer.from('dropped') }] }));
  for (const codec of CODECS) {
    const a = encodeRecordBatchSync({ baseOffset: 10n, records: recs(10, 3), compression: codec });
    const control = encodeControlBatch({ baseOffset: 13n, type: ControlRecordType.Commit, timestamp: 1n, producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0 });
    const b = encodeRecordBatchSync({ baseOffset: 14n, records: recs(14, 2), compression: codec });
    for (const magic of [0, 1] as const) {
      const out = downConvertBatches([Buffer.concat([a, control]), b, b.subarray(0, 30)], magic);
      if (!out.ok) return t.fail(out.message);
      const read = readLegacyMessageSet(out.bytes, MAX);
      t.is(out.records, 5);
      t.deepEqual(read.map((r) => r.offset), [10n, 11n, 12n, 14n, 15n], `codec ${codec} magic ${magic}`);
      t.deepEqual(read.map((r) => r.value!.toString()), ['v10', 'v11', 'v12', 'v14', 'v15']);
      t.deepEqual(read.map((r) => r.key!.toString()), ['k10', 'k11', 'k12', 'k14', 'k15']);
      if (codec !== 0) t.is(out.bytes.readInt8(12 + 5) & 7, codec, 'the wrapper keeps the stored codec');
      t.deepEqual(read.map((r) => r.timestamp), magic === 1 ? [10n, 11n, 12n, 14n, 15n].map((n) => 1_700_000_000_000n + n) : Array(5).fill(-1n));
    }
  }
});

test('down-conversion of a zstd batch is UNSUPPORTED_COMPRESSION_TYPE (no legacy form), as Kafka answers Fetch below v10', (t) => {
  const z = encodeRecordBatchSync({ records: [{ value: Buffer.from('z') }], compression: 4 });
  const out = downConvertBatches([z], 1);
  t.false(out.ok);
  if (!out.ok) t.is(out.error, 'UNSUPPORTED_COMPRESSION_TYPE');
});

function refused(t: import('ava').ExecutionContext, bytes: Buffer, errorName: LegacyFormatError['errorName'], what: string): void {
  const err = t.throws(() => decodeLegacyMessageSet(bytes, MAX), { instanceOf: LegacyFormatError }, what);
  t.is(err?.errorName, errorName, `${what}: ${err?.message}`);
}

/** The CRC of the message at `at` (its entry header included) made right again after an edit. */
function recrc(set: Buffer, at = 0): Buffer {
  const size = set.readInt32BE(at + 8);
  const m = set.subarray(at + 12, at + 12 + size);
  m.writeUInt32BE(crc32(m.subarray(4)) >>> 0, 0);
  return set;
}

test('a produced message set is checked as Kafka checks it: CRC, framing, one magic, one wrapper of plain messages, no zstd', (t) => {
  const one = (magic: LegacyMagic, codec = 0) => encodeLegacyMessageSet([{ offset: 0n, timestamp: 5n, key: null, value: Buffer.from('hello') }], magic, codec, 0);
  const flipped = one(1);
  flipped[flipped.length - 1] ^= 1;
  refused(t, flipped, 'CORRUPT_MESSAGE', 'a flipped bit');
  refused(t, one(1).subarray(0, 20), 'CORRUPT_MESSAGE', 'a cut message');
  const lies = one(0);
  lies.writeInt32BE(lies.readInt32BE(8) + 100, 8);
  refused(t, lies, 'CORRUPT_MESSAGE', 'a size past the data');
  const longKey = one(0);
  longKey.writeInt32BE(1000, 12 + 6);
  refused(t, recrc(longKey), 'CORRUPT_MESSAGE', 'a key length past the message');
  const trailing = Buffer.concat([one(0), Buffer.alloc(12)]);
  refused(t, trailing, 'CORRUPT_MESSAGE', 'a zeroed entry after the last message');
  refused(t, Buffer.concat([one(0), one(1)]), 'INVALID_RECORD', 'magic 0 and 1 mixed');
  refused(t, Buffer.concat([one(1, 1), one(1, 1)]), 'INVALID_RECORD', 'two compressed wrappers');
  const zstd = one(1);
  zstd.writeInt8(4, 12 + 5);
  refused(t, recrc(zstd), 'UNSUPPORTED_COMPRESSION_TYPE', 'zstd attributes');
  const garbage = one(1, 1);
  garbage.fill(7, garbage.length - 8);
  refused(t, recrc(garbage), 'CORRUPT_MESSAGE', 'a gzip wrapper whose payload is garbage');
  // A gzip wrapper whose inner set is itself a (snappy) wrapper.
  const nested = encodeLegacyMessageSet([{ offset: 0n, timestamp: 1n, key: null, value: gzipSync(one(1, 2)) }], 1, 0, 0);
  nested.writeInt8(1, 12 + 5);
  refused(t, recrc(nested), 'INVALID_RECORD', 'a wrapper holding a compressed message');
  const notGzip = encodeLegacyMessageSet([{ offset: 0n, timestamp: 1n, key: null, value: one(1) }], 1, 0, 0);
  notGzip.writeInt8(1, 12 + 5);
  refused(t, recrc(notGzip), 'CORRUPT_MESSAGE', 'a gzip wrapper whose value is a plain message set');
  const magic0in1 = encodeLegacyMessageSet([{ offset: 0n, timestamp: 1n, key: null, value: gzipSync(one(0)) }], 1, 0, 0);
  magic0in1.writeInt8(1, 12 + 5);
  refused(t, recrc(magic0in1), 'INVALID_RECORD', 'a magic 1 wrapper holding a magic 0 message');
  refused(t, Buffer.alloc(0), 'CORRUPT_MESSAGE', 'nothing');
});

test('a compressed wrapper decompressing past the limit is MESSAGE_TOO_LARGE before it is all inflated', (t) => {
  const big = encodeLegacyMessageSet([{ offset: 0n, timestamp: 1n, key: null, value: Buffer.alloc(4 << 20) }], 1, 1, 0);
  const err = t.throws(() => decodeLegacyMessageSet(big, MAX), { instanceOf: LegacyFormatError });
  t.is(err?.errorName, 'MESSAGE_TOO_LARGE');
});
