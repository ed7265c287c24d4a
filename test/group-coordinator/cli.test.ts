/** `samsa groups` against a broker with a real (kafkajs) consumer group. */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { TestBroker } from '../../testing.js';
import { run } from '../integration/helpers.js';
import { startGroupBroker } from './helpers/group-broker.js';
import { produceEach, seedTopic } from './helpers/group-admin.js';
import { until } from './helpers/py-consumer.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

let broker: TestBroker;
test.before(async () => {
  broker = await startGroupBroker();
});
test.after.always(() => broker?.stop());

function groups(...args: string[]) {
  return run(process.execPath, [MAIN, 'groups', ...args, '--bootstrap-server', broker.bootstrap], { timeoutMs: 30_000 });
}

/** The describe output's partition rows: partition -> [committed, log end, lag, member]. */
function rows(stdout: string, topic: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const line of stdout.split('\n')) {
    const cols = line.split('\t');
    if (cols[0] === topic) out.set(Number(cols[1]), cols.slice(2));
  }
  return out;
}

async function startConsumer(t: { teardown(fn: () => unknown): void }, seen: string[]): Promise<Consumer> {
  const kafka = new Kafka({ clientId: 'cli-consumer', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const c = kafka.consumer({ groupId: 'cg', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
  t.teardown(() => c.disconnect().catch(() => undefined));
  await c.connect();
  await c.subscribe({ topic: 'cli-t', fromBeginning: true });
  await c.run({ eachMessage: async (m) => void seen.push(`${m.partition}:${m.message.offset}`) });
  return c;
}

test('groups list, describe (members, assignments, committed offsets, lag), reset-offsets only when inactive, delete', async (t) => {
  await seedTopic(broker.bootstrap, 'cli-t', 2, 3);
  const seen: string[] = [];
  const consumer = await startConsumer(t, seen);
  await until('6 records', () => seen.length === 6);

  let d!: Awaited<ReturnType<typeof groups>>;
  // kafkajs commits after each batch; the describe waits for those commits.
  await until('committed offsets', async () => {
    d = await groups('describe', 'cg');
    return [...rows(d.stdout, 'cli-t').values()].every((r) => r[0] === '3') && rows(d.stdout, 'cli-t').size === 2;
  });
  t.is(d.code, 0, d.stderr);
  t.regex(d.stdout, /^Group: cg\tState: Stable\tProtocolType: consumer\tProtocol: RoundRobinAssigner\tMembers: 1$/m);
  t.regex(d.stdout, /^Member: cli-consumer-\S+\tClientId: cli-consumer\tHost: \S+\tInstanceId: -\tAssignment: cli-t-0,cli-t-1$/m);
  const memberId = /^Member: (\S+)/m.exec(d.stdout)![1]!;
  t.deepEqual(rows(d.stdout, 'cli-t').get(0), ['3', '3', '0', memberId]);
  t.deepEqual(rows(d.stdout, 'cli-t').get(1), ['3', '3', '0', memberId]);

  const listed = await groups('list');
  t.is(listed.code, 0, listed.stderr);
  t.true(listed.stdout.split('\n').includes('cg\tStable\tconsumer'));

  const refused = await groups('reset-offsets', 'cg', '--topic', 'cli-t', '--to-earliest', '--execute');
  t.is(refused.code, 1);
  t.regex(refused.stderr, /group cg has 1 active member.*stop its consumers/);
  const notEmpty = await groups('delete', 'cg');
  t.is(notEmpty.code, 1);
  t.regex(notEmpty.stderr, /NON_EMPTY_GROUP/);

  await consumer.disconnect();
  await produceEach(broker.bootstrap, 'cli-t', 1, 2, 'late-');
  d = await groups('describe', 'cg');
  t.regex(d.stdout, /State: Empty.*Members: 0/);
  t.deepEqual(rows(d.stdout, 'cli-t').get(0), ['3', '5', '2', '-'], 'lag counts the records after the commit');

  const dry = await groups('reset-offsets', 'cg', '--topic', 'cli-t', '--to-offset', '1');
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /^cli-t\t0\t3\t1$/m);
  t.regex(dry.stdout, /Dry run/);
  t.deepEqual(rows((await groups('describe', 'cg')).stdout, 'cli-t').get(0)?.[0], '3', 'a dry run commits nothing');

  const early = await groups('reset-offsets', 'cg', '--topic', 'cli-t', '--to-datetime', '2000-01-01T00:00:00Z');
  t.regex(early.stdout, /^cli-t\t0\t3\t0$/m, 'a time before every record: the log start');
  const late = await groups('reset-offsets', 'cg', '--topic', 'cli-t', '--to-latest');
  t.regex(late.stdout, /^cli-t\t0\t3\t5$/m);

  const done = await groups('reset-offsets', 'cg', '--topic', 'cli-t', '--to-offset', '1', '--execute');
  t.is(done.code, 0, done.stderr);
  t.regex(done.stdout, /Reset offsets of group cg/);
  d = await groups('describe', 'cg');
  t.deepEqual([...rows(d.stdout, 'cli-t')].map(([p, r]) => [p, r[0]]), [[0, '1'], [1, '1']]);

  const again: string[] = [];
  const resumed = await startConsumer(t, again);
  await until('the records from offset 1', () => again.length >= 6);
  t.deepEqual(again.sort(), ['0:1', '0:2', '0:3', '0:4', '1:1', '1:2'], 'a consumer resumes at the reset offsets');
  await resumed.disconnect();

  const deleted = await groups('delete', 'cg');
  t.is(deleted.code, 0, deleted.stderr);
  t.false((await groups('list')).stdout.split('\n').some((l) => l.startsWith('cg\t')));
  const gone = await groups('describe', 'cg');
  t.is(gone.code, 1);
  t.regex(gone.stderr, /group cg does not exist/);
});

test('groups usage errors exit 2 before connecting', async (t) => {
  for (const args of [['reset-offsets', 'cg', '--topic', 't'], ['reset-offsets', 'cg', '--to-earliest'], ['reset-offsets', 'cg', '--topic', 't', '--to-offset', 'x'], ['reset-offsets', 'cg', '--topic', 't', '--to-datetime', 'soon'], ['describe'], ['frobnicate']]) {
    const r = await run(process.execPath, [MAIN, 'groups', ...args, '--bootstrap-server', '127.0.0.1:1'], { timeoutMs: 30_000 });
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
});
