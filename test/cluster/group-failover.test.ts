/**
 * A kafkajs consumer group across coordinator failover on a real 3-broker
 * cluster (RF 3 for the topic and for __consumer_offsets): the group's
 * coordinator is killed with SIGKILL mid-read and restarted, the group
 * finds the new coordinator and reads on with nothing skipped; then, with
 * no member running, the coordinator is killed again and a new member
 * resumes exactly at the committed offsets — which survived because
 * __consumer_offsets is replicated. A commit is acknowledged only once the
 * ISR of its offsets partition has it.
 */
import type { EachMessagePayload } from 'kafkajs';
import { KafkaClient, KafkaClientError } from '../../cli/console/client.js';
import { ErrorCode } from '../../protocol/index.js';
import { startTestCluster, type TestCluster } from '../../testing.js';
import { Kafka, logLevel } from '../integration/helpers.js';
import { describe, groupCoordinator, inIsr } from './replication-helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const SESSION_MS = 6_000;
/** Shorter than a follower takes to leave the ISR (1.5x replica.lag.time.max.ms), longer than a follower fetch round. */
const COMMIT_TIMEOUT_MS = 2_000;
let c: TestCluster;

test.before(async () => {
  c = await startTestCluster({ brokers: 3, zookeepers: 1, sessionTimeoutMs: SESSION_MS, overrides: { 'replica.lag.time.max.ms': 3_000, 'offsets.commit.timeout.ms': COMMIT_TIMEOUT_MS } });
});
test.after.always(async () => {
  await c?.stop();
});

const kafka = () => new Kafka({ brokers: c.bootstrap.split(','), clientId: 'group-failover', logLevel: logLevel.NOTHING, retry: { retries: 15, initialRetryTime: 200, maxRetryTime: 2_000 } });

/**
 * `op`, tried again half a second apart for as long as a failover may take:
 * a dead broker stays the controller in metadata until its ZooKeeper session
 * expires, and kafkajs's idempotent connect asks the controller for a
 * producer id without retrying a refused connection.
 */
async function persist(op: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + SESSION_MS + 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await op();
      return;
    } catch (err) {
      if (attempt >= 100 || Date.now() > deadline) throw err;
      await new Promise((res) => setTimeout(res, 500));
    }
  }
}

/**
 * Records numbered [from, to) over the 3 partitions (n % 3), each send acks=all
 * and to one partition only: a kafkajs send spanning several leaders may
 * resolve without ever sending the batch of a partition whose leader moved
 * during its retries (kafkajs#1303: its retry skips every broker that already
 * answered, even one that has just become that partition's leader).
 */
async function produce(topic: string, from: number, to: number): Promise<void> {
  const producer = kafka().producer({ idempotent: true });
  // Connecting may meet the broker being killed (a dead seed, or a dead controller asked for the producer id): that is tried again too.
  await persist(() => producer.connect());
  try {
    for (let i = from; i < to; i += 30) {
      for (let partition = 0; partition < 3; partition++) {
        const messages: { partition: number; key: string; value: string }[] = [];
        for (let n = i; n < Math.min(i + 30, to); n++) if (n % 3 === partition) messages.push({ partition, key: `k${n}`, value: String(n) });
        // A send that failed (kafkajs gives up on a connection reset) was not acknowledged: it is sent again, which may store it twice.
        await persist(async () => {
          const answered = await producer.send({ topic, acks: -1, messages });
          if (!answered.some((m) => m.partition === partition && m.errorCode === 0)) throw new Error(`send to partition ${partition} resolved without its answer: ${JSON.stringify(answered)}`);
        });
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Kills the group's coordinator, waits for the cluster to serve every partition again, restarts it and waits for its replicas to rejoin. */
async function killCoordinator(group: string, topic: string): Promise<number> {
  const victim = await groupCoordinator(c, group);
  if (victim < 0) throw new Error(`no coordinator for ${group}`);
  await c.cluster.killBroker(victim);
  const served = async () => {
    const ps = await describe(c, topic).catch(() => null);
    return ps !== null && ps.every((p) => p.errorCode === 0 && p.leader >= 0 && p.leader !== victim);
  };
  if ((await waitFor(served, SESSION_MS + 20_000)) === -1) throw new Error(`no leaders without broker ${victim}`);
  await c.cluster.startBroker(victim);
  if ((await waitFor(inIsr(c, topic, [...c.cluster.brokerIds]), 30_000)) === -1) throw new Error(`broker ${victim} did not rejoin the ISR`);
  return victim;
}

/** Where the log holds each of `numbers` (partition and offset), read from each partition's leader up to its high watermark. */
async function whereStored(topic: string, numbers: number[]): Promise<Record<number, string>> {
  const out: Record<number, string> = {};
  for (const p of await describe(c, topic)) {
    const cl = await KafkaClient.connect(c.cluster.broker(p.leader)!.bootstrap);
    try {
      let offset = 0n;
      for (let i = 0; i < 1_000; i++) {
        const r = await cl.fetch(topic, p.p, offset, { maxBytes: 1 << 20, maxWaitMs: 0 });
        for (const rec of r.records) if (numbers.includes(Number(rec.value!.toString()))) out[Number(rec.value!.toString())] = `${p.p}@${rec.offset} (hw ${r.highWatermark})`;
        if (r.nextOffset >= r.highWatermark) break;
        offset = r.nextOffset;
      }
    } finally {
      cl.close();
    }
  }
  return out;
}

test('a kafkajs group reads on across a SIGKILLed coordinator, and a new member resumes at the committed offsets after another', async (t) => {
  const topic = 'group-failover';
  const group = 'failover-readers';
  const admin = kafka().admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
  await produce(topic, 0, 300);

  const seen = new Map<number, number>();
  const take = ({ message }: EachMessagePayload) => {
    const n = Number(message.value!.toString());
    seen.set(n, (seen.get(n) ?? 0) + 1);
    return Promise.resolve();
  };
  const first = kafka().consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 } });
  t.teardown(() => first.disconnect().catch(() => undefined));
  await first.connect();
  await first.subscribe({ topic, fromBeginning: true });
  await first.run({ autoCommitInterval: 100, eachMessage: take });
  t.not(await waitFor(() => seen.size >= 100, 30_000), -1, 'the group reads');

  // More records are produced while the coordinator (a partition leader too) dies and comes back.
  const at = Date.now();
  const producing = produce(topic, 300, 600);
  const killed = await killCoordinator(group, topic);
  t.log(`coordinator ${killed} killed and back in the ISR after ${Date.now() - at} ms; new coordinator ${await groupCoordinator(c, group)}`);
  await producing;
  const all = await waitFor(() => seen.size >= 600, 60_000);
  const missing = Array.from({ length: 600 }, (_, i) => i).filter((n) => !seen.has(n));
  if (missing.length > 0) t.log(`never read: ${JSON.stringify(await whereStored(topic, missing.slice(0, 20)))} stored of ${missing.slice(0, 20)}`);
  t.deepEqual(missing.slice(0, 20), [], `${missing.length} records never read after the failover`);
  t.not(all, -1);
  await first.disconnect();

  // Everything read was committed: the committed offsets are each partition's end.
  const ends = await admin.fetchTopicOffsets(topic);
  const committed = async () => (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions;
  const atEnd = await waitFor(async () => {
    const now = await committed();
    return ends.every((e) => now.find((p) => p.partition === e.partition)?.offset === e.high);
  }, 15_000);
  t.not(atEnd, -1, `committed ${JSON.stringify(await committed())}, ends ${JSON.stringify(ends)}`);

  await produce(topic, 600, 690);
  await killCoordinator(group, topic);
  const resumed = new Map<number, number>();
  const second = kafka().consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 } });
  t.teardown(() => second.disconnect().catch(() => undefined));
  await second.connect();
  await second.subscribe({ topic, fromBeginning: true });
  await second.run({ eachMessage: async ({ message }) => void resumed.set(Number(message.value!.toString()), (resumed.get(Number(message.value!.toString())) ?? 0) + 1) });
  await waitFor(() => resumed.size >= 90, 30_000);
  // A moment more: anything from before the committed offsets would show up now.
  await new Promise((res) => setTimeout(res, 1_000));
  await second.disconnect();
  const numbers = [...resumed.keys()].sort((a, b) => a - b);
  t.deepEqual(numbers, Array.from({ length: 90 }, (_, i) => 600 + i), 'the new member read exactly what came after the committed offsets');

});

test('an offset commit is acknowledged only once the ISR of its __consumer_offsets partition has it', async (t) => {
  const group = 'durable-commits';
  const admin = kafka().admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'committed', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  const coordinator = await groupCoordinator(c, group);
  t.true(coordinator > 0);
  const client = await KafkaClient.connect(c.cluster.broker(coordinator)!.bootstrap);
  t.teardown(() => client.close());
  await client.commitOffsets(group, [{ topic: 'committed', partition: 0, offset: 5n }]);
  // The offsets partition has RF 3 here: the other two brokers are its followers. Paused, they cannot fetch the next commit.
  const followers = c.cluster.brokerIds.filter((id) => id !== coordinator);
  for (const id of followers) c.cluster.broker(id)!.signal('SIGSTOP');
  let waited = 0;
  try {
    const started = Date.now();
    const err = await t.throwsAsync(client.commitOffsets(group, [{ topic: 'committed', partition: 0, offset: 7n }]));
    waited = Date.now() - started;
    t.is((err as KafkaClientError).errorCode, ErrorCode.REQUEST_TIMED_OUT, String(err));
  } finally {
    for (const id of followers) c.cluster.broker(id)!.signal('SIGCONT');
  }
  t.true(waited >= COMMIT_TIMEOUT_MS - 100, `answered after ${waited} ms`);
  t.log(`a commit the followers could not fetch was answered REQUEST_TIMED_OUT after ${waited} ms (offsets.commit.timeout.ms ${COMMIT_TIMEOUT_MS})`);
  const started = Date.now();
  await client.commitOffsets(group, [{ topic: 'committed', partition: 0, offset: 9n }]);
  t.log(`with the followers running again, a commit is acknowledged in ${Date.now() - started} ms`);
  const [fetched] = await client.fetchOffsets(group, [{ topic: 'committed', partitions: [0] }]);
  t.is(fetched!.offset, 9n);
});
