/**
 * What ApiVersions advertises against Kafka 3.9's message specs: for every
 * key served, the full validVersions range (the newest version left out when
 * the spec marks it unstable, as Kafka does), or a narrower range written
 * down with its reason in docs/broker.md. Old clients decide what to send
 * from these ranges (librdkafka 2.0 compresses only when Produce v0-v2 are
 * there), so a silently narrower range is a compatibility bug.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecSet, projectRootFrom, specDir } from '../../protocol/gen/spec.js';
import { startTestBroker } from '../../testing.js';
import { WireClient } from '../torture/harness/wire.js';

const root = projectRootFrom(import.meta.url);
const NARROWER_HEADING = '## Versions narrower than Kafka 3.9';

interface Documented {
  readonly served: string;
  readonly reason: string;
}

/** Rows `| API | key | served | Kafka 3.9 | why |` of docs/broker.md's section on narrower ranges. */
function documentedNarrowing(): Map<number, Documented> {
  const text = readFileSync(join(root, 'docs', 'broker.md'), 'utf8');
  const at = text.indexOf(NARROWER_HEADING);
  const out = new Map<number, Documented>();
  if (at < 0) return out;
  const section = text.slice(at + NARROWER_HEADING.length).split(/\n## /)[0]!;
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 7 || !/^\d+$/.test(cells[2]!)) continue;
    out.set(Number(cells[2]), { served: cells[3]!, reason: cells[5]! });
  }
  return out;
}

function specRanges(): Map<number, { name: string; min: number; max: number }> {
  const out = new Map<number, { name: string; min: number; max: number }>();
  for (const m of loadSpecSet(specDir(root)).messages) {
    if (m.kind !== 'request' || m.apiKey === undefined) continue;
    const max = m.latestVersionUnstable ? m.validVersions.hi - 1 : m.validVersions.hi;
    out.set(m.apiKey, { name: m.name.replace(/Request$/, ''), min: m.validVersions.lo, max });
  }
  return out;
}

test('ApiVersions advertises Kafka 3.9 ranges for every served key; each narrower range is documented with its reason', async (t) => {
  const broker = await startTestBroker();
  t.teardown(() => broker.stop());
  const port = Number(broker.bootstrap.split(':')[1]);
  const c = await WireClient.connect(port);
  t.teardown(() => c.close());
  const res = await c.request(18, 3, { clientSoftwareName: 'spec-check', clientSoftwareVersion: '1' });
  t.is(res.errorCode, 0);
  const specs = specRanges();
  const documented = documentedNarrowing();
  t.true(res.apiKeys.length > 10, 'ApiVersions lists the served keys');
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  for (const k of res.apiKeys) {
    const spec = specs.get(k.apiKey);
    if (spec === undefined) {
      problems.push(`API key ${k.apiKey} is advertised but Kafka 3.9 has no such request`);
      continue;
    }
    const served = `${k.minVersion}-${k.maxVersion}`;
    check(k.minVersion >= spec.min && k.maxVersion <= spec.max, `${spec.name} (${k.apiKey}) advertises ${served}, beyond Kafka 3.9's ${spec.min}-${spec.max}`);
    const full = k.minVersion === spec.min && k.maxVersion === spec.max;
    const doc = documented.get(k.apiKey);
    if (full) {
      check(doc === undefined, `${spec.name} (${k.apiKey}) is served in full, but docs/broker.md still lists it as narrower`);
    } else {
      check(doc !== undefined, `${spec.name} (${k.apiKey}) advertises ${served}, narrower than Kafka 3.9's ${spec.min}-${spec.max}, and docs/broker.md ("${NARROWER_HEADING}") does not say why`);
      if (doc) {
        check(doc.served === served, `docs/broker.md lists ${spec.name} as serving ${doc.served}; it advertises ${served}`);
        check(doc.reason.length > 10, `docs/broker.md gives no reason for ${spec.name}`);
      }
    }
  }
  for (const key of documented.keys()) check(res.apiKeys.some((k) => k.apiKey === key), `docs/broker.md lists key ${key} as narrower, but it is not advertised`);
  t.deepEqual(problems, []);
});
