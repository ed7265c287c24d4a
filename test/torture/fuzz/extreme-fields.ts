/**
 * Every API the broker serves, with each numeric field of its request (walked
 * from the Kafka message specs) set in turn to the extremes of its type: 0,
 * -1, the type's min and max, and 2^53 and 2^53+1 for int64. The rest of the
 * request is sane (the test topic, partition 0, a valid record batch), so the
 * odd value reaches as deep as it can. After each field, the broker must still
 * answer, a partition must still take a produce and serve it back, and no
 * actor may have crashed (the supervisor's log says so).
 *
 * `mixed` adds seeded random requests with several fields extreme at once:
 * the larger form the torture runner uses.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaClient } from '../../../cli/console/client.js';
import { contains, loadSpecSet, projectRootFrom, specDir, type FieldSpec, type MessageSpec, type StructSpec } from '../../../protocol/gen/spec.js';
import { decodeResponseFrame, encodeRecordBatchSync, encodeRequestFrame, Writer } from '../../../protocol/index.js';
import { startTestBroker } from '../../../testing.js';
import { present } from '../../protocol/helpers/spec-values.js';
import { crashWatch } from '../harness/crash-watch.js';
import { Random } from '../harness/random.js';
import { WireClient } from '../harness/wire.js';

export const EXTREME_TOPIC = 'xf';
const GROUP = 'xf-g';
const RESPONSE_TIMEOUT_MS = 10_000;
/** CreateTopics gets a fresh name per request (an existing one would stop at TOPIC_ALREADY_EXISTS); DeleteTopics one that does not exist. */
const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const PRODUCE = 0;

const TWO_53 = 2n ** 53n;
const EXTREMES: Record<string, readonly (number | bigint)[]> = {
  int8: [0, -1, -128, 127],
  int16: [0, -1, -32768, 32767],
  uint16: [0, 65535],
  int32: [0, -1, -2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n, TWO_53, TWO_53 + 1n],
  float64: [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE],
};

type Path = ReadonlyArray<string | number>;
type Body = Record<string, unknown>;

export interface ExtremeFieldsOptions {
  readonly workers: number;
  /** 'edges': each API's lowest and highest served version; 'all': every served version. */
  readonly versions: 'edges' | 'all';
  /** Seeded random requests with several extreme fields each, after the field-by-field pass. */
  readonly mixed?: number;
  readonly seed?: number;
  /** No new request group starts after this. */
  readonly budgetMs: number;
}

export interface ExtremeFieldsResult {
  /** False when no Kafka specs were found (nothing was sent). */
  readonly specs: boolean;
  readonly requests: number;
  readonly groups: number;
  readonly apis: number;
  /** Field groups sent, by request name. */
  readonly byApi: Record<string, number>;
  readonly complete: boolean;
  /** What went wrong, with the request group that caused it. */
  readonly failures: string[];
}

interface Context {
  topicId: string;
  created: number;
  batch: Buffer;
}

function nullableIn(f: FieldSpec, version: number): boolean {
  return contains(f.nullableVersions, version);
}

function saneScalar(msg: MessageSpec, f: FieldSpec, version: number, ctx: Context): unknown {
  switch (f.baseType) {
    case 'string':
      if (f.entityType === 'topicName') return msg.apiKey === CREATE_TOPICS ? `${EXTREME_TOPIC}-c${ctx.created++}` : msg.apiKey === DELETE_TOPICS ? `${EXTREME_TOPIC}-absent` : EXTREME_TOPIC;
      if (f.entityType === 'groupId') return GROUP;
      if (nullableIn(f, version) && (f.default === 'null' || f.entityType === 'transactionalId')) return null;
      return typeof f.default === 'string' && f.default !== 'null' ? f.default : '';
    case 'uuid':
      return f.name === 'topicId' ? ctx.topicId : 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'records':
      return ctx.batch;
    case 'bytes':
      return nullableIn(f, version) ? null : Buffer.alloc(0);
    case 'bool':
      return f.default === true || f.default === 'true';
    case 'int64':
      return f.default === undefined || f.default === null ? 0n : BigInt(f.default as string | number);
    default:
      // Produce needs an answer to check: acks=-1 (acks 0 is one of the extremes).
      if (msg.apiKey === PRODUCE && f.name === 'acks') return -1;
      if (/^partition(Index|Indexes|s)?$/.test(f.name)) return 0;
      return f.default === undefined || f.default === null ? 0 : Number(f.default);
  }
}

/** A request of `version` that reaches the test topic's partition 0 where it can. */
function saneStruct(msg: MessageSpec, s: StructSpec, version: number, ctx: Context): Body {
  const o: Body = {};
  for (const f of s.fields) {
    if (present(msg, f, version) === 'absent') continue;
    const one = () => (f.struct ? saneStruct(msg, f.struct, version, ctx) : saneScalar(msg, f, version, ctx));
    o[f.name] = f.isArray ? [one()] : one();
  }
  return o;
}

/** Paths to every numeric field of a version (array fields through their one element), with the field. */
function numericPaths(msg: MessageSpec, s: StructSpec, version: number, at: Path = []): Array<{ path: Path; field: FieldSpec }> {
  const out: Array<{ path: Path; field: FieldSpec }> = [];
  for (const f of s.fields) {
    if (present(msg, f, version) === 'absent') continue;
    const here: Path = f.isArray ? [...at, f.name, 0] : [...at, f.name];
    if (f.struct) out.push(...numericPaths(msg, f.struct, version, here));
    else if (EXTREMES[f.baseType] !== undefined) out.push({ path: here, field: f });
  }
  return out;
}

function setAt(body: Body, path: Path, value: unknown): void {
  let o = body as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]!] = value;
}

function label(msg: MessageSpec, version: number, sets: ReadonlyArray<{ path: Path; value: unknown }>): string {
  return `${msg.name} v${version} ${sets.map((s) => `${s.path.join('.')}=${String(s.value)}`).join(' ')}`;
}

/** Sends the requests on a fresh connection; resolves with what failed (nothing when all were answered). */
async function sendAll(port: number, apiKey: number, version: number, bodies: readonly Body[]): Promise<string | null> {
  const c = await WireClient.connect(port);
  try {
    const waits: Promise<unknown>[] = [];
    for (const body of bodies) {
      const id = c.takeId();
      const frame = Buffer.concat(encodeRequestFrame(new Writer(256), { apiKey: apiKey as 0, apiVersion: version, correlationId: id, clientId: 'extreme' }, body as never));
      // acks=0 has no response, as Kafka.
      if (apiKey === PRODUCE && body.acks === 0) c.write(frame);
      else waits.push(c.expect(id, frame, (f) => decodeResponseFrame(f, apiKey as 0, version).body, RESPONSE_TIMEOUT_MS));
    }
    const settled = await Promise.allSettled(waits);
    const bad = settled.find((s) => s.status === 'rejected');
    return bad ? String((bad as PromiseRejectedResult).reason) : null;
  } finally {
    c.close();
  }
}

/** The broker answers and partition 0 of the test topic takes a record and serves it back. */
async function probe(client: KafkaClient, n: number): Promise<string | null> {
  try {
    const value = `probe-${n}`;
    const offset = await client.produce(EXTREME_TOPIC, 0, [{ value: Buffer.from(value) }]);
    const got = await client.fetch(EXTREME_TOPIC, 0, offset, { maxWaitMs: 0 });
    if (got.records[0]?.value?.toString() !== value) return `fetch at ${offset} gave ${got.records[0]?.value?.toString()}`;
    return null;
  } catch (err) {
    return `probe failed: ${(err as Error).message}`;
  }
}

function versionsOf(lo: number, hi: number, which: ExtremeFieldsOptions['versions']): number[] {
  if (which === 'edges') return lo === hi ? [lo] : [lo, hi];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export async function extremeFields(opts: ExtremeFieldsOptions): Promise<ExtremeFieldsResult> {
  const dir = specDir(projectRootFrom(import.meta.url));
  if (!existsSync(join(dir, 'messages'))) return { specs: false, requests: 0, groups: 0, apis: 0, byApi: {}, complete: false, failures: [] };
  const requests = new Map(loadSpecSet(dir).messages.filter((m) => m.kind === 'request' && m.apiKey !== undefined).map((m) => [m.apiKey!, m]));
  const watch = crashWatch();
  // No initial rebalance delay: a JoinGroup that gets through answers at once.
  const broker = await startTestBroker({ workers: opts.workers, logger: watch.logger, 'group.initial.rebalance.delay.ms': 0 } as never);
  const failures: string[] = [];
  // A wire timeout added to a margin past 2^31-1 ms makes Node fire the timer after 1 ms instead.
  const overflows: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'TimeoutOverflowWarning') overflows.push(w.message);
  };
  process.on('warning', onWarning);
  let sent = 0;
  const byApi: Record<string, number> = {};
  let groups = 0;
  let complete = true;
  const client = await KafkaClient.connect(broker.bootstrap);
  try {
    await client.createTopic(EXTREME_TOPIC, 1);
    const meta = await client.conn.request(3, 12, { topics: [{ name: EXTREME_TOPIC as never, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' as never }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const ctx: Context = { topicId: meta.topics[0]!.topicId as string, created: 0, batch: encodeRecordBatchSync({ records: [{ value: Buffer.from('x'), timestamp: 1_700_000_000_000n }], compression: 0 }) };
    const versions = await client.conn.request(18, 3, { clientSoftwareName: 'extreme', clientSoftwareVersion: '1' });
    const served = versions.apiKeys.filter((k) => requests.has(k.apiKey));
    const deadline = Date.now() + opts.budgetMs;

    const check = async (what: string) => {
      groups++;
      const p = await probe(client, groups);
      if (p !== null) failures.push(`${what}: ${p}`);
      if (watch.crashes.length > 0) failures.push(`${what}: ${watch.crashes.splice(0).join('; ')}`);
      if (overflows.length > 0) failures.push(`${what}: ${overflows.splice(0).join('; ')}`);
    };

    field: for (const api of served) {
      const msg = requests.get(api.apiKey)!;
      for (const version of versionsOf(api.minVersion, api.maxVersion, opts.versions)) {
        for (const { path, field } of numericPaths(msg, msg.root, version)) {
          if (Date.now() > deadline) {
            complete = false;
            break field;
          }
          const values = EXTREMES[field.baseType]!;
          const bodies = values.map((value) => {
            const body = saneStruct(msg, msg.root, version, ctx);
            setAt(body, path, value);
            return body;
          });
          const what = label(msg, version, [{ path, value: values.map(String).join('|') }]);
          const err = await sendAll(broker.port, api.apiKey, version, bodies);
          sent += bodies.length;
          byApi[msg.name] = (byApi[msg.name] ?? 0) + 1;
          if (err !== null) failures.push(`${what}: ${err}`);
          await check(what);
        }
      }
    }

    const rnd = new Random(opts.seed ?? 1);
    for (let i = 0; i < (opts.mixed ?? 0); i++) {
      if (Date.now() > deadline) {
        complete = false;
        break;
      }
      const api = served[rnd.int(0, served.length - 1)]!;
      const msg = requests.get(api.apiKey)!;
      const version = rnd.int(api.minVersion, api.maxVersion);
      const paths = numericPaths(msg, msg.root, version);
      const body = saneStruct(msg, msg.root, version, ctx);
      const sets = paths.filter(() => rnd.int(0, 2) === 0).map(({ path, field }) => {
        const values = EXTREMES[field.baseType]!;
        return { path, value: values[rnd.int(0, values.length - 1)]! };
      });
      for (const s of sets) setAt(body, s.path, s.value);
      const what = label(msg, version, sets);
      const err = await sendAll(broker.port, api.apiKey, version, [body]);
      sent++;
      if (err !== null) failures.push(`${what}: ${err}`);
      await check(what);
    }
    return { specs: true, requests: sent, groups, apis: served.length, byApi, complete, failures };
  } finally {
    process.off('warning', onWarning);
    client.close();
    await broker.stop();
  }
}
