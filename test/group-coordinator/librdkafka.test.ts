/**
 * Consumer groups with librdkafka (confluent-kafka in Python): each consumer
 * is a process, so a test can SIGKILL it, and sees what the client saw
 * (assignment and revocation callbacks, records, commits).
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestBroker } from '../../testing.js';
import { hasPythonModule, PYTHON } from '../integration/helpers.js';
import { BrokerProcess } from '../torture/harness/broker-process.js';
import { startGroupBroker } from './helpers/group-broker.js';
import { produceEach, seedTopic, storedGroupValues, withClient } from './helpers/group-admin.js';
import { ownedExactlyOnce, PyConsumer, until } from './helpers/py-consumer.js';

const confluent = hasPythonModule('confluent_kafka');
if (!confluent) console.warn(`${PYTHON} cannot import confluent_kafka: skipping the librdkafka group tests (apt-get install python3-confluent-kafka)`);
const withConfluent = confluent ? test : test.skip;

/** the offsets topic partitions of startGroupBroker */
const OFFSETS_PARTITIONS = 4;

// One in-process broker for the file: two brokers in one process must not
// both open a partition of the same name (here __consumer_offsets), so each
// test uses its own topic and group instead.
let broker: TestBroker;
test.before(async () => {
  if (confluent) broker = await startGroupBroker();
});
test.after.always(() => broker?.stop());

async function describe(bootstrap: string, group: string) {
  return withClient(bootstrap, (c) => c.describeGroup(group));
}

/** Every partition of `topic` owned by exactly one member, from the assignments the coordinator hands out. */
function ownersOf(d: Awaited<ReturnType<typeof describe>>, topic: string): Map<number, string[]> {
  const owners = new Map<number, string[]>();
  for (const m of d.members) for (const p of m.assignment.get(topic) ?? []) owners.set(p, [...(owners.get(p) ?? []), m.memberId]);
  return owners;
}

withConfluent('classic: one consumer gets all 4 partitions, two split them, extras idle, another group reads everything', async (t) => {
  const all = await seedTopic(broker.bootstrap, 't1', 4, 5);
  const settings = { group: 'g1', topics: ['t1'] };

  const c1 = PyConsumer.start(t, 'c1', broker.bootstrap, settings);
  await c1.waitFor('all 4 partitions and 20 records', (c) => c.owned().length === 4 && c.values().length >= 20);
  t.deepEqual(c1.owned(), [0, 1, 2, 3]);
  t.deepEqual([...c1.values()].sort(), [...all].sort());

  const c2 = PyConsumer.start(t, 'c2', broker.bootstrap, settings);
  await until('two consumers with 2 partitions each', () => c2.owned().length === 2 && c1.owned().length === 2 && ownedExactlyOnce([c1, c2], 4));
  t.true(ownedExactlyOnce([c1, c2], 4), 'together they own all 4 partitions, each once');

  const extras = ['c3', 'c4', 'c5'].map((name) => PyConsumer.start(t, name, broker.bootstrap, settings));
  const five = [c1, c2, ...extras];
  await until('five consumers, each partition one owner', () => five.every((c) => c.assignCount() > 0 && c.joinState() === 'steady') && ownedExactlyOnce(five, 4) && five.filter((c) => c.owned().length === 0).length === 1, 30_000);
  const d = await describe(broker.bootstrap, 'g1');
  t.is(d.state, 'Stable');
  t.is(d.members.length, 5);
  const owners = ownersOf(d, 't1');
  t.deepEqual([...owners.keys()].sort(), [0, 1, 2, 3]);
  t.true([...owners.values()].every((o) => o.length === 1), 'the coordinator stored one owner per partition');
  t.is(five.filter((c) => c.owned().length === 0).length, 1, 'the fifth consumer is idle');

  const other = PyConsumer.start(t, 'other', broker.bootstrap, { group: 'g2', topics: ['t1'] });
  await other.waitFor('every record in g2', (c) => c.values().length >= 20);
  t.deepEqual([...other.values()].sort(), [...all].sort(), 'g2 reads every record once, independently of g1');
  await Promise.all([...five, other].map((c) => c.close()));
});

withConfluent('commit, close, resume exactly at the committed offsets; again after the broker is SIGKILLed and restarted', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-groups-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const overrides = { 'offsets.topic.num.partitions': OFFSETS_PARTITIONS, 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 1000 };
  let proc = await BrokerProcess.start({ dataDir, overrides });
  t.teardown(() => proc.kill9());
  const first = await seedTopic(proc.bootstrap, 'orders', 4, 5, 'a-');
  const settings = { group: 'resume', topics: ['orders'] };

  const c1 = PyConsumer.start(t, 'c1', proc.bootstrap, settings);
  await c1.waitFor('20 records', (c) => c.values().length >= 20);
  t.deepEqual([...c1.values()].sort(), [...first].sort());
  t.deepEqual(await c1.commit(), [0, 1, 2, 3].map((p) => ['orders', p, 5]));
  await c1.close();

  const second = await produceEach(proc.bootstrap, 'orders', 4, 1, 'b-');
  const c2 = PyConsumer.start(t, 'c2', proc.bootstrap, settings);
  await c2.waitFor('the 4 new records', (c) => second.every((v) => c.values().includes(v)));
  // Within a partition records arrive in offset order: a re-read would come before the new ones.
  t.deepEqual([...c2.values()].sort(), [...second].sort(), 'nothing lost, nothing read twice');
  t.deepEqual(await c2.commit(), [0, 1, 2, 3].map((p) => ['orders', p, 6]));
  await c2.close();

  await proc.kill9();
  proc = await BrokerProcess.start({ dataDir, overrides });
  const third = await produceEach(proc.bootstrap, 'orders', 4, 1, 'c-');
  const c3 = PyConsumer.start(t, 'c3', proc.bootstrap, settings);
  await c3.waitFor('the 4 records produced after the restart', (c) => third.every((v) => c.values().includes(v)), 30_000);
  t.deepEqual([...c3.values()].sort(), [...third].sort(), 'commits survived SIGKILL: resumed exactly after them');
  await c3.close();
});

withConfluent('static membership: a member restarting with its group.instance.id within the session timeout gets its partitions back, no rebalance', async (t) => {
  await seedTopic(broker.bootstrap, 'static', 4, 2);
  const settings = (id: string) => ({ group: 'gs', topics: ['static'], config: { 'group.instance.id': id, 'session.timeout.ms': 10_000 } });
  const a = PyConsumer.start(t, 'a', broker.bootstrap, settings('a'));
  const b = PyConsumer.start(t, 'b', broker.bootstrap, settings('b'));
  await until('2 partitions each', () => a.owned().length === 2 && b.owned().length === 2 && ownedExactlyOnce([a, b], 4) && a.settled() && b.settled());
  const aPartitions = a.owned();
  const bEventsBefore = b.events.filter((e) => e.ev === 'assign' || e.ev === 'revoke' || e.ev === 'lost').length;
  const bRebalancesBefore = b.rebalanceCount();
  const stored = await storedGroupValues(broker.bootstrap, 'gs', OFFSETS_PARTITIONS);
  const generation = stored.at(-1)!.generation;

  // A static member does not leave the group when its process dies.
  await a.kill();
  const a2 = PyConsumer.start(t, 'a2', broker.bootstrap, settings('a'));
  await a2.waitFor('its old partitions', (c) => c.owned().length === 2);
  t.deepEqual(a2.owned(), aPartitions, 'the same partitions come back');
  // b heartbeats every 300 ms and its statistics come every 200 ms: a rebalance would have reached it by now.
  await new Promise((r) => setTimeout(r, 1500));
  t.is(b.events.filter((e) => e.ev === 'assign' || e.ev === 'revoke' || e.ev === 'lost').length, bEventsBefore, 'b saw no revocation or assignment');
  t.is(b.rebalanceCount(), bRebalancesBefore, "librdkafka counted no rebalance in b");
  const after = await storedGroupValues(broker.bootstrap, 'gs', OFFSETS_PARTITIONS);
  t.is(after.at(-1)!.generation, generation, 'the generation is unchanged');
  t.true(after.at(-1)!.members.some((m) => m.groupInstanceId === 'a' && m.clientId === 'a2'), 'the stored member a is the new process');
  const d = await describe(broker.bootstrap, 'gs');
  t.is(d.state, 'Stable');
  t.deepEqual(d.members.map((m) => m.groupInstanceId).sort(), ['a', 'b']);
  await Promise.all([a2, b].map((c) => c.close()));
});

withConfluent('cooperative-sticky: a second consumer joining revokes only the partitions that move', async (t) => {
  await seedTopic(broker.bootstrap, 'coop', 4, 2);
  const settings = { group: 'gc', topics: ['coop'], config: { 'partition.assignment.strategy': 'cooperative-sticky' } };
  const a = PyConsumer.start(t, 'a', broker.bootstrap, settings);
  await a.waitFor('all 4 partitions', (c) => c.owned().length === 4 && c.joinState() === 'steady');
  const before = a.events.length;
  const b = PyConsumer.start(t, 'b', broker.bootstrap, settings);
  await until('2 partitions each', () => a.owned().length === 2 && b.owned().length === 2 && ownedExactlyOnce([a, b], 4) && a.joinState() === 'steady' && b.joinState() === 'steady', 30_000);

  const aLater = a.events.slice(before);
  const revoked = aLater.flatMap((e) => (e.ev === 'revoke' || e.ev === 'lost' ? e.partitions.map(([, p]) => p) : []));
  t.deepEqual(revoked.sort(), b.owned(), 'a gave up exactly the partitions b took');
  t.false(aLater.some((e) => e.ev === 'lost'), 'nothing was lost');
  for (const p of a.owned()) t.false(revoked.includes(p), `partition ${p} stayed with a and was never revoked`);
  const reassignedToA = aLater.flatMap((e) => (e.ev === 'assign' ? e.partitions.map(([, p]) => p) : []));
  t.deepEqual(reassignedToA, [], 'a was assigned nothing again: the assignment callbacks were incremental');
  const d = await describe(broker.bootstrap, 'gc');
  t.is(d.protocol, 'cooperative-sticky');
  await Promise.all([a, b].map((c) => c.close()));
});

withConfluent('a consumer killed with SIGKILL is evicted after its session timeout and its partitions go to the survivor', async (t) => {
  await seedTopic(broker.bootstrap, 'evict', 4, 1);
  const SESSION_TIMEOUT_MS = 2000;
  const settings = { group: 'ge', topics: ['evict'], config: { 'session.timeout.ms': SESSION_TIMEOUT_MS } };
  const a = PyConsumer.start(t, 'a', broker.bootstrap, settings);
  const b = PyConsumer.start(t, 'b', broker.bootstrap, settings);
  await until('2 partitions each', () => a.owned().length === 2 && b.owned().length === 2 && ownedExactlyOnce([a, b], 4) && a.joinState() === 'steady');
  await b.kill();
  const killedAt = Date.now();
  await a.waitFor('all 4 partitions', (c) => c.owned().length === 4);
  // a lower bound only: the member was not dropped before its session ran out
  t.true(Date.now() - killedAt >= SESSION_TIMEOUT_MS - 500, 'moved once the session timed out, not before');
  const d = await describe(broker.bootstrap, 'ge');
  t.deepEqual(d.members.map((m) => m.clientId), ['a']);
  t.deepEqual(d.members[0]!.assignment.get('evict'), [0, 1, 2, 3]);
  await a.close();
});

withConfluent('five consumers joining at once settle into one stable generation, each partition one owner', async (t) => {
  await seedTopic(broker.bootstrap, 'five', 4, 1);
  const names = ['f1', 'f2', 'f3', 'f4', 'f5'];
  const consumers = names.map((name) => PyConsumer.start(t, name, broker.bootstrap, { group: 'gf', topics: ['five'] }));
  await until('five steady consumers', () => consumers.every((c) => c.assignCount() > 0 && c.joinState() === 'steady') && ownedExactlyOnce(consumers, 4), 30_000);
  const d = await describe(broker.bootstrap, 'gf');
  t.is(d.state, 'Stable');
  t.deepEqual(d.members.map((m) => m.clientId).sort(), names);
  const owners = ownersOf(d, 'five');
  t.deepEqual([...owners.keys()].sort(), [0, 1, 2, 3]);
  t.true([...owners.values()].every((o) => o.length === 1), 'one owner per partition');
  for (const c of consumers) {
    const stored = d.members.find((m) => m.clientId === c.name)!.assignment.get('five') ?? [];
    t.deepEqual(stored, c.owned(), `${c.name} consumes what the coordinator assigned it`);
  }
  // Every member's assignment came from the same SyncGroup: the last stored generation has all five.
  const last = (await storedGroupValues(broker.bootstrap, 'gf', OFFSETS_PARTITIONS)).at(-1)!;
  t.deepEqual(last.members.map((m) => m.clientId).sort(), names);
  t.deepEqual(last.members.map((m) => m.memberId).sort(), d.members.map((m) => m.memberId).sort(), 'the stored generation is the one serving');
  await Promise.all(consumers.map((c) => c.close()));
});

withConfluent('__consumer_offsets: 50 internal partitions by default once a group commits; DescribeGroups shows members and assignments', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-groups-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const proc = await BrokerProcess.start({ dataDir, overrides: { 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 1000 } });
  t.teardown(() => proc.kill9());
  await seedTopic(proc.bootstrap, 'meta', 2, 3);
  const c = PyConsumer.start(t, 'm1', proc.bootstrap, { group: 'gm', topics: ['meta'] });
  await c.waitFor('6 records', (x) => x.values().length >= 6);
  await c.commit();
  const [offsets] = await withClient(proc.bootstrap, (k) => k.metadata(['__consumer_offsets']));
  t.is(offsets!.errorCode, 0);
  t.is(offsets!.partitions, 50);
  t.true(offsets!.internal, 'marked internal');
  const listed = await withClient(proc.bootstrap, (k) => k.metadata(null));
  t.true(listed.some((x) => x.name === '__consumer_offsets' && x.internal));
  const d = await describe(proc.bootstrap, 'gm');
  t.is(d.state, 'Stable');
  t.is(d.protocolType, 'consumer');
  t.deepEqual(d.members.map((m) => [m.clientId, m.assignment.get('meta')]), [['m1', [0, 1]]]);
  await c.close();
});
