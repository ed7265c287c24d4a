// samsa's extensions of Kafka's messages (protocol/gen/extensions/): only
// tagged fields with tags far above Kafka's are taken, they land on the named
// struct, and a reader that knows only Kafka's schema skips them and reads
// every field after them right.
import test from 'ava';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDescribeLogDirsResponse, encodeDescribeLogDirsResponse } from '../../protocol/generated/index.js';
import type { TopicName } from '../../protocol/index.js';
import { Reader } from '../../protocol/primitives/reader.js';
import { Writer } from '../../protocol/primitives/writer.js';
import { EXTENSION_TAG_MIN, extensionsDir, loadExtensions, loadSpecSet, projectRootFrom, specDir } from '../../protocol/gen/spec.js';

const root = projectRootFrom(import.meta.url);
const specs = specDir(root);
const present = existsSync(join(specs, 'messages'));

function extensionFile(body: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-ext-'));
  writeFileSync(join(dir, 'x.json'), `// a comment line\n${JSON.stringify(body)}`);
  return dir;
}

const CLEANER = { dirtyRatio: 0.375, dirtyBytes: 12_345n, firstDirtyOffset: 678n, cleanings: 9, lastCleanedMs: 1_765_000_000_000n };

function response(cleaner: typeof CLEANER | undefined) {
  return {
    throttleTimeMs: 5,
    errorCode: 0,
    results: [{
      errorCode: 0,
      logDir: '/data',
      topics: [{ name: 'changelog' as TopicName, partitions: [
        { partitionIndex: 0, partitionSize: 4096n, offsetLag: 0n, isFutureKey: false, ...(cleaner ? { cleaner } : {}) },
        { partitionIndex: 1, partitionSize: 8192n, offsetLag: 0n, isFutureKey: false },
      ] }],
      totalBytes: 1_000_000n,
      usableBytes: 500_000n,
    }],
  };
}

function encoded(v: unknown, version: number): Buffer {
  const w = new Writer(64);
  encodeDescribeLogDirsResponse(w, v as never, version);
  return Buffer.concat(w.finish());
}

test('every extension field is tagged above Kafka’s tags', (t) => {
  const exts = loadExtensions(extensionsDir(root));
  t.true(exts.length > 0);
  for (const e of exts) for (const f of e.fields) t.true(f.tag! >= EXTENSION_TAG_MIN, `${e.file}: ${f.name}`);
});

test('an extension field that is not tagged, or tagged low, is refused', (t) => {
  for (const field of [
    { name: 'X', type: 'int32', versions: '2+' },
    { name: 'X', type: 'int32', versions: '2+', taggedVersions: '2+', tag: 3 },
  ]) {
    const dir = extensionFile({ message: 'DescribeLogDirsResponse', struct: 'DescribeLogDirsPartition', fields: [field] });
    t.throws(() => loadExtensions(dir), { message: /must be a tagged field with a tag of at least 10000/ });
    rmSync(dir, { recursive: true, force: true });
  }
});

(present ? test : test.skip)('an extension lands on the named struct; one naming a struct or message the specs lack is refused', (t) => {
  const msg = loadSpecSet(specs).messages.find((m) => m.name === 'DescribeLogDirsResponse')!;
  const partition = msg.structs.get('DescribeLogDirsPartition')!;
  t.deepEqual(partition.fields.map((f) => f.name), ['partitionIndex', 'partitionSize', 'offsetLag', 'isFutureKey', 'cleaner']);
  t.false(loadSpecSet(specs, []).messages.find((m) => m.name === 'DescribeLogDirsResponse')!.structs.get('DescribeLogDirsPartition')!.fields.some((f) => f.name === 'cleaner'), 'Kafka’s own spec is untouched');
  const tagged = { name: 'X', type: 'int32', versions: '2+', taggedVersions: '2+', tag: 10_001 };
  for (const [body, message] of [
    [{ message: 'DescribeLogDirsResponse', struct: 'NoSuchStruct', fields: [tagged] }, /has no struct NoSuchStruct/],
    [{ message: 'NoSuchResponse', struct: 'Data', fields: [tagged] }, /extensions of messages the specs do not have/],
    [{ message: 'DescribeLogDirsResponse', struct: 'DescribeLogDirsPartition', fields: [{ ...tagged, tag: 10_000 }] }, /already has X or tag 10000/],
  ] as const) {
    const dir = extensionFile(body);
    const exts = [...loadExtensions(extensionsDir(root)), ...loadExtensions(dir)];
    t.throws(() => loadSpecSet(specs, exts), { message }, JSON.stringify(body));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DescribeLogDirs v4 carries the cleaner state and decodes it back', (t) => {
  const back = decodeDescribeLogDirsResponse(new Reader(encoded(response(CLEANER), 4)), 4);
  t.deepEqual(back.results[0]!.topics[0]!.partitions[0]!.cleaner, CLEANER);
  t.is(back.results[0]!.topics[0]!.partitions[1]!.cleaner.dirtyRatio, -1, 'a partition without one decodes to the default');
});

test('a reader with only Kafka’s schema skips the cleaner state and reads the rest right', (t) => {
  const bytes = encoded(response(CLEANER), 4);
  t.true(bytes.length > encoded(response(undefined), 4).length, 'the state is on the wire');
  // Kafka 3.9's DescribeLogDirsResponse v4, field by field, every tagged section skipped as its clients do.
  const r = new Reader(bytes);
  const skipTags = (): void => r.taggedFields({}, 4, null);
  t.is(r.int32(), 5);
  t.is(r.int16(), 0);
  const results = r.uvarint() - 1;
  t.is(results, 1);
  t.is(r.int16(), 0);
  t.is(r.string(true), '/data');
  t.is(r.uvarint() - 1, 1);
  t.is(r.string(true), 'changelog');
  t.is(r.uvarint() - 1, 2);
  const partitions: Array<[number, bigint]> = [];
  for (let i = 0; i < 2; i++) {
    partitions.push([r.int32(), r.int64()]);
    r.int64();
    r.bool();
    skipTags();
  }
  t.deepEqual(partitions, [[0, 4096n], [1, 8192n]]);
  skipTags();
  t.is(r.int64(), 1_000_000n);
  t.is(r.int64(), 500_000n);
  skipTags();
  skipTags();
  t.notThrows(() => r.check());
});

test('v0-1 have no tagged fields: the state is never encoded there', (t) => {
  for (const version of [0, 1]) {
    t.throws(() => encoded(response(CLEANER), version), { message: /cleaner/ }, 'a handler setting it for an old version is a bug, not silence');
    t.notThrows(() => encoded(response(undefined), version));
  }
});
