// Every message spec (requests, responses, headers, coordinator records) in every
// valid version: random value -> encode -> decode must give the value back, with
// fields the version lacks at their defaults, and re-encoding must give the same bytes.
import test from 'ava';
import { deepStrictEqual } from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as generated from '../../protocol/generated/index.js';
import { Reader } from '../../protocol/primitives/reader.js';
import { Writer } from '../../protocol/primitives/writer.js';
import { ProtocolError } from '../../protocol/protocol-error.js';
import { contains, isEmpty, loadSpecSet, projectRootFrom, specDir, type MessageSpec } from '../../protocol/gen/spec.js';
import { Rng, randomStruct, fieldDefault } from './helpers/spec-values.js';

type Enc = (w: Writer, v: unknown, version: number) => void;
type Dec = (r: Reader, version: number) => unknown;
const codecs = generated as unknown as Record<string, Enc | Dec>;

const dir = specDir(projectRootFrom(import.meta.url));
const present = existsSync(join(dir, 'messages'));
const specs = present ? loadSpecSet(dir) : { messages: [], records: [], errorsTsv: '' };
const SAMPLES = 8;

function codecOf(msg: MessageSpec): { enc: Enc; dec: Dec } {
  const enc = codecs[`encode${msg.name}`] as Enc | undefined;
  const dec = codecs[`decode${msg.name}`] as Dec | undefined;
  if (!enc || !dec) throw new Error(`no codec generated for ${msg.name}`);
  return { enc, dec };
}

function encode(enc: Enc, v: unknown, version: number): Buffer {
  // A tiny reference threshold exercises the by-reference path of byte fields too.
  const w = new Writer(16, 64);
  enc(w, v, version);
  return Buffer.concat(w.finish());
}

if (!present) {
  test('round trips need the kafka specs', (t) => {
    t.log(`skipped: no specs at ${dir}`);
    t.pass();
  });
}

for (const msg of [...specs.messages, ...specs.records]) {
  test(`${msg.name} round-trips in versions ${msg.validVersions.lo}-${msg.validVersions.hi}`, (t) => {
    const { enc, dec } = codecOf(msg);
    const rng = new Rng(msg.name.length * 7919 + (msg.apiKey ?? 0));
    let cases = 0;
    for (let version = msg.validVersions.lo; version <= msg.validVersions.hi; version++) {
      for (let i = 0; i < SAMPLES; i++) {
        const value = randomStruct(msg, msg.root, version, rng);
        const bytes = encode(enc, value, version);
        const r = new Reader(bytes);
        const back = dec(r, version);
        r.checkEnd();
        deepStrictEqual(back, value, `${msg.name} v${version} sample ${i}`);
        deepStrictEqual(encode(enc, back, version), bytes, `${msg.name} v${version} re-encode`);
        cases++;
      }
      // An empty input encodes as all defaults.
      const empty = encode(enc, {}, version);
      const r = new Reader(empty);
      const back = dec(r, version) as Record<string, unknown>;
      r.checkEnd();
      for (const f of msg.root.fields) deepStrictEqual(back[f.name], fieldDefault(msg, f), `${msg.name} v${version} default of ${f.name}`);
    }
    t.true(cases >= SAMPLES);
  });
}

// Fields a version lacks: an ignorable one is dropped silently, another one with a
// non-default value is refused.
for (const msg of specs.messages) {
  const fields = msg.root.fields.filter((f) => f.tag === undefined && !f.struct && !f.isArray && f.baseType !== 'records' && f.baseType !== 'bytes');
  const cases: { field: string; version: number; ignorable: boolean; value: unknown }[] = [];
  for (const f of fields) {
    for (let version = msg.validVersions.lo; version <= msg.validVersions.hi; version++) {
      if (contains(f.versions, version)) continue;
      const d = fieldDefault(msg, f);
      const value = typeof d === 'bigint' ? d + 1n : typeof d === 'number' ? d + 1 : typeof d === 'boolean' ? !d : f.baseType === 'uuid' ? 'AQEBAQEBAQEBAQEBAQEBAQ' : 'x';
      cases.push({ field: f.name, version, ignorable: f.ignorable, value });
      break;
    }
  }
  if (cases.length === 0) continue;
  test(`${msg.name} drops ignorable and refuses other fields its version lacks`, (t) => {
    const { enc } = codecOf(msg);
    for (const c of cases) {
      const run = (): Buffer => encode(enc, { [c.field]: c.value }, c.version);
      if (c.ignorable) t.deepEqual(run(), encode(enc, {}, c.version), `${c.field} v${c.version}`);
      else t.throws(run, { instanceOf: ProtocolError }, `${c.field} v${c.version}`);
    }
  });
}

// Unknown tagged fields are skipped by their size, never an error.
for (const msg of specs.messages.filter((m) => !isEmpty(m.flexibleVersions) && m.flexibleVersions.lo <= m.validVersions.hi)) {
  test(`${msg.name} skips unknown tagged fields`, (t) => {
    const { enc, dec } = codecOf(msg);
    const version = msg.validVersions.hi;
    const expected = dec(new Reader(encode(enc, {}, version)), version);
    const plain = encode(enc, {}, version);
    // The body's own tagged section is its last bytes; with all defaults it is one 0 byte.
    t.is(plain[plain.length - 1], 0);
    const withUnknown = Buffer.concat([plain.subarray(0, plain.length - 1), Buffer.from([2, 90, 3, 1, 2, 3, 91, 0])]);
    const r = new Reader(withUnknown);
    t.deepEqual(dec(r, version), expected);
    t.notThrows(() => r.checkEnd());
  });
}
