// Hostile input: truncated, mutated and random frames must decode or fail with a
// ProtocolError: never another exception, a hang, or a big allocation.
import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as generated from '../../protocol/generated/index.js';
import { decodeRequestFrame, decodeResponseFrame } from '../../protocol/frames.js';
import { Writer } from '../../protocol/primitives/writer.js';
import { writeRequestHeader } from '../../protocol/headers.js';
import { ProtocolError } from '../../protocol/protocol-error.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../protocol/records/record-batch.js';
import { loadSpecSet, projectRootFrom, specDir } from '../../protocol/gen/spec.js';
import { Rng, randomStruct } from './helpers/spec-values.js';

type Enc = (w: Writer, v: unknown, version: number) => void;
const codecs = generated as unknown as Record<string, Enc>;
const dir = specDir(projectRootFrom(import.meta.url));
const specs = existsSync(join(dir, 'messages')) ? loadSpecSet(dir).messages : [];

function expectProtocolErrorOrValue(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof ProtocolError ? null : `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
}

function mutations(frame: Buffer, rng: Rng): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 6; i++) out.push(frame.subarray(0, rng.int(0, frame.length)));
  for (let i = 0; i < 10; i++) {
    const m = Buffer.from(frame);
    const n = rng.int(1, 4);
    for (let j = 0; j < n; j++) m[rng.int(0, m.length - 1)] = rng.chance(0.5) ? 0xff : rng.int(0, 255);
    out.push(m);
  }
  // A huge count or length at a random 4-byte position (after the header).
  for (let i = 0; i < 4 && frame.length > 12; i++) {
    const m = Buffer.from(frame);
    m.writeInt32BE(rng.chance(0.5) ? 0x7fffffff : -2, rng.int(8, m.length - 4));
    out.push(m);
  }
  return out;
}

// The mutations start from spec-driven random requests; without the specs beside
// the project there is nothing to mutate (the other hostile tests still run).
const specTest = specs.length > 0 ? test : test.skip;
if (specs.length === 0) console.log(`hostile: spec-driven mutation test skipped: no specs at ${dir}`);

specTest('mutated request frames of every API and version decode or throw ProtocolError', (t) => {
  const rng = new Rng(42);
  const failures: string[] = [];
  let cases = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  for (const msg of specs.filter((m) => m.kind === 'request')) {
    for (let version = msg.validVersions.lo; version <= msg.validVersions.hi; version++) {
      const w = new Writer(256);
      writeRequestHeader(w, { apiKey: msg.apiKey!, apiVersion: version, correlationId: 1, clientId: 'fuzz' });
      codecs[`encode${msg.name}`]!(w, randomStruct(msg, msg.root, version, rng), version);
      const frame = w.toBuffer();
      for (const m of mutations(frame, rng)) {
        cases++;
        const err = expectProtocolErrorOrValue(() => decodeRequestFrame(m));
        if (err) failures.push(`${msg.name} v${version}: ${err}`);
      }
    }
  }
  t.deepEqual(failures.slice(0, 5), []);
  t.true(cases > 5000);
  // Nothing retained or allocated in proportion to hostile counts.
  t.true(process.memoryUsage().heapUsed - heapBefore < 200 * 1024 * 1024);
});

test('random bytes as request and response frames never escape as other errors', (t) => {
  const rng = new Rng(7);
  const failures: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.alloc(rng.int(0, 64));
    for (let j = 0; j < b.length; j++) b[j] = rng.int(0, 255);
    // Aim at real api keys and versions so bodies get parsed, not just refused.
    if (b.length >= 4 && rng.chance(0.8)) {
      b.writeInt16BE(rng.int(0, 70), 0);
      b.writeInt16BE(rng.int(0, 12), 2);
    }
    const e1 = expectProtocolErrorOrValue(() => decodeRequestFrame(b));
    if (e1) failures.push(`request ${b.toString('hex')}: ${e1}`);
    const e2 = expectProtocolErrorOrValue(() => decodeResponseFrame(b, rng.int(0, 70) as never, rng.int(0, 12)));
    if (e2) failures.push(`response ${b.toString('hex')}: ${e2}`);
  }
  t.deepEqual(failures.slice(0, 5), []);
});

test('a count of 2^31 - 1 in a tiny frame is refused without allocating', (t) => {
  const w = new Writer(64);
  writeRequestHeader(w, { apiKey: 0, apiVersion: 3, correlationId: 1, clientId: null });
  w.int16(-1); // transactional id null
  w.int16(1); // acks
  w.int32(1000); // timeout
  w.int32(0x7fffffff); // topic count
  const e = t.throws(() => decodeRequestFrame(w.toBuffer()), { instanceOf: ProtocolError });
  t.is(e?.reason, 'length_exceeds_frame');
});

test('mutated record batches decode or throw ProtocolError', (t) => {
  const rng = new Rng(3);
  const failures: string[] = [];
  for (const compression of [0, 1, 2, 3, 4]) {
    const batch = encodeRecordBatchSync({
      compression,
      records: Array.from({ length: 20 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(i * 10, i), headers: [{ key: 'h', value: Buffer.from([i]) }] })),
    });
    for (let i = 0; i < 300; i++) {
      const [m] = mutations(batch, rng).slice(rng.int(0, 19), rng.int(0, 19) + 1);
      if (!m) continue;
      const err = expectProtocolErrorOrValue(() => decodeRecordBatchSync(m, { verifyCrc: false }));
      if (err) failures.push(`codec ${compression}: ${err}`);
    }
  }
  t.deepEqual(failures.slice(0, 5), []);
});
