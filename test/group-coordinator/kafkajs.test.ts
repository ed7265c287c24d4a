import test from 'ava';
import net from 'node:net';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { startGroupBroker } from './helpers/group-broker.js';
import type { TestBroker } from '../../testing.js';

let broker: TestBroker;
let kafka: Kafka;

test.before(async () => {
  broker = await startGroupBroker();
  kafka = new Kafka({ clientId: 'groups-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 4 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < 4; p++) {
    await producer.send({ topic: 'orders', messages: Array.from({ length: 5 }, (_, i) => ({ partition: p, value: `p${p}-m${i}` })) });
  }
  await producer.disconnect();
});

test.after.always(async () => {
  await Promise.all([...running].map((c) => c.disconnect().catch(() => undefined)));
  await broker?.stop();
});

function waitFor(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (cond()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(poll, 50);
    };
    poll();
  });
}

const running = new Set<Consumer>();

/** true once the consumers' latest assignments own every partition exactly once */
function exactlyOnce(assigned: Map<Consumer, number[]>, sizes: number[]): boolean {
  const all = [...assigned.values()].flat().sort();
  const lengths = [...assigned.values()].map((a) => a.length).sort();
  return JSON.stringify(all) === '[0,1,2,3]' && JSON.stringify(lengths) === JSON.stringify(sizes);
}

async function consumer(groupId: string, seen: string[], assigned: Map<Consumer, number[]>, client = kafka, sessionTimeout = 6000): Promise<Consumer> {
  // kafkajs heartbeats only between fetches: a short fetch wait lets members notice a rebalance within a second, not 5.
  const c = client.consumer({ groupId, sessionTimeout, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 500 });
  c.on(c.events.GROUP_JOIN, (e) => {
    assigned.set(c, (e.payload.memberAssignment['orders'] ?? []).slice().sort());
  });
  running.add(c);
  await c.connect();
  await c.subscribe({ topic: 'orders', fromBeginning: true });
  await c.run({ eachMessage: async (m: EachMessagePayload) => void seen.push(m.message.value!.toString()) });
  return c;
}

test.serial('classic scenario: one consumer gets all partitions, a second splits them, extras idle, a second group reads everything too', async (t) => {
  const seen: string[] = [];
  const assigned = new Map<Consumer, number[]>();
  const c1 = await consumer('g1', seen, assigned);
  await waitFor(() => seen.length === 20);
  t.deepEqual(assigned.get(c1), [0, 1, 2, 3]);

  const c2 = await consumer('g1', seen, assigned);
  await waitFor(() => exactlyOnce(assigned, [2, 2]));
  t.is(assigned.get(c1)!.length, 2, 'each partition has exactly one owner, two each');

  const extras = [];
  for (let i = 0; i < 3; i++) extras.push(await consumer('g1', seen, assigned));
  await waitFor(() => assigned.size === 5 && exactlyOnce(assigned, [0, 1, 1, 1, 1]));
  t.is([...assigned.values()].filter((a) => a.length === 0).length, 1, 'the fifth consumer is idle');

  const seen2: string[] = [];
  const other = await consumer('g2', seen2, new Map());
  await waitFor(() => seen2.length === 20);
  t.is(new Set(seen2).size, 20, 'the second group gets every record independently');

  const admin = kafka.admin();
  await admin.connect();
  const d = await admin.describeGroups(['g1']);
  t.is(d.groups[0]!.state, 'Stable');
  t.is(d.groups[0]!.members.length, 5);
  // Kafka reports each member's host as its peer address, "/<ip>".
  t.deepEqual([...new Set(d.groups[0]!.members.map((m) => m.clientHost))], ['/127.0.0.1']);
  const listed = await admin.listGroups();
  t.deepEqual(listed.groups.map((g) => g.groupId).sort(), ['g1', 'g2']);
  await admin.disconnect();
  await Promise.all([c1, c2, ...extras, other].map((c) => c.disconnect()));
});

test.serial('commit, close and resume exactly at the committed offsets', async (t) => {
  const seen: string[] = [];
  const c = await consumer('resume', seen, new Map());
  await waitFor(() => seen.length === 20);
  await c.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'resume', topics: ['orders'] });
  t.deepEqual(offsets[0]!.partitions.map((p) => p.offset).sort(), ['5', '5', '5', '5']);
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: [{ partition: 0, value: 'after' }] });
  await producer.disconnect();
  const again: string[] = [];
  const c2 = await consumer('resume', again, new Map());
  await waitFor(() => again.length >= 1);
  await new Promise((r) => setTimeout(r, 500));
  t.deepEqual(again, ['after'], 'nothing already committed is read again');
  await c2.disconnect();
});

test.serial('a killed consumer is evicted after its session timeout and its partitions move', async (t) => {
  const seen: string[] = [];
  const assigned = new Map<Consumer, number[]>();
  // b's sockets can be cut, and its reconnects sent nowhere: a process that died without a LeaveGroup
  let dead = false;
  const sockets = new Set<net.Socket>();
  // Without retries b stops at once when its sockets fail, instead of retrying a dead address with backoff for most
  // of a minute (its disconnect waits for that); a stopped b can still not leave: every connection goes nowhere.
  const killable = new Kafka({
    clientId: 'doomed',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0, restartOnFailure: async () => false },
    socketFactory: ({ host, port, onConnect }) => {
      const s = net.connect({ host, port: dead ? 1 : port }, onConnect);
      sockets.add(s);
      return s;
    },
  });
  const SESSION_TIMEOUT_MS = 3000;
  const a = await consumer('evict', seen, assigned, kafka, SESSION_TIMEOUT_MS);
  const b = await consumer('evict', seen, assigned, killable, SESSION_TIMEOUT_MS);
  await waitFor(() => exactlyOnce(assigned, [2, 2]));
  dead = true;
  // with an error, as a reset connection: kafkajs fails the requests in flight instead of waiting out their timeout
  for (const s of sockets) s.destroy(new Error('process killed'));
  const killedAt = Date.now();
  await waitFor(() => assigned.get(a)?.length === 4, 30_000);
  // b's last heartbeat was at most one interval (500 ms) before the kill
  t.true(Date.now() - killedAt >= SESSION_TIMEOUT_MS - 600, 'moved only once the session expired');
  t.deepEqual(assigned.get(a), [0, 1, 2, 3]);
  await a.disconnect();
  await b.disconnect().catch(() => undefined);
});
