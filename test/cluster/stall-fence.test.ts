/**
 * A leader woken from a stall longer than its ZooKeeper session (SIGSTOP)
 * leads nothing until it knows what it leads: a fetch past its log end and
 * an acks=all produce sent while it was paused are answered
 * NOT_LEADER_OR_FOLLOWER, never OFFSET_OUT_OF_RANGE or an out-of-order
 * sequence, and its Metadata names no leader of its own; then it follows,
 * rejoins the ISR and leads again. The fence's states on a manual clock too.
 */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { StallFence } from '../../cluster/broker/stall-fence.js';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { encodeRecordBatch } from '../../protocol/records/index.js';
import { startTestCluster, type TestCluster } from '../../testing.js';
import { controllerId, describe, inIsr, replicasAgree } from './replication-helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const SESSION_MS = 4_000;

function manualFence() {
  let now = 1_000;
  const stalls: number[] = [];
  const lines: string[] = [];
  const fence = new StallFence({ stallMs: 2_000, reregisteredBoundMs: 8_000, onStall: (ms) => stalls.push(ms), log: (m) => lines.push(m), now: () => now });
  return { fence, stalls, lines, advance: (ms: number) => (now += ms) };
}

test('fence: a gap of half the session between ticks fences at once; ZooKeeper answering in the same session lifts it', (t) => {
  const f = manualFence();
  t.teardown(() => f.fence.stop());
  f.advance(1_999);
  t.false(f.fence.fenced, 'a gap under the threshold is no stall');
  f.advance(2_500);
  t.true(f.fence.fenced, 'seen on the first question after waking, before any timer ran');
  t.deepEqual(f.stalls, [2_500]);
  t.is(f.fence.current, 'stalled');
  f.fence.controllerSpoke();
  t.true(f.fence.fenced, 'the controller speaking to the old registration lifts nothing');
  f.fence.sessionAlive();
  t.false(f.fence.fenced);
  t.regex(f.lines.join('\n'), /stalled for 2500 ms[\s\S]*lifted: its ZooKeeper session lives/);
});

test('fence: an expired session stays fenced through registering again until the controller speaks, or a bound', (t) => {
  const f = manualFence();
  t.teardown(() => f.fence.stop());
  f.advance(5_000);
  t.true(f.fence.fenced);
  f.fence.sessionExpired();
  f.fence.sessionAlive();
  t.true(f.fence.fenced, 'an answer from a session found expired lifts nothing');
  f.fence.controllerSpoke();
  t.true(f.fence.fenced, 'not registered again yet');
  f.fence.registered();
  t.is(f.fence.current, 'registered');
  f.fence.controllerSpoke();
  t.false(f.fence.fenced, 'LeaderAndIsr to the new registration');
  f.fence.sessionExpired();
  f.fence.registered();
  f.advance(7_999);
  t.true(f.fence.fenced);
  f.advance(1);
  t.false(f.fence.fenced, 'lifted by the bound when the controller says nothing');
  f.fence.registered();
  t.false(f.fence.fenced, 'registering without a stall or an expiry fences nothing');
});

const zk = zkTest();
let c: TestCluster | undefined;
zk.after.always(async () => {
  await c?.stop();
});

zk('a leader paused past its session answers what it was sent while paused NOT_LEADER_OR_FOLLOWER, names no leader of its own, then follows and leads again', async (t) => {
  c = await startTestCluster({ brokers: 3, zookeepers: 1, sessionTimeoutMs: SESSION_MS, overrides: { 'replica.lag.time.max.ms': 2_000, 'auto.leader.rebalance.enable': false, 'default.replication.factor': 3 } });
  const cluster = c;
  const admin = await KafkaClient.connect(cluster.cluster.broker(cluster.cluster.brokerIds[0]!)!.bootstrap);
  t.teardown(() => admin.close());
  await admin.createTopic('stalled', 1, { 'min.insync.replicas': '2' });
  t.not(await waitFor(inIsr(cluster, 'stalled', cluster.cluster.brokerIds), 30_000), -1);
  const [before] = await describe(cluster, 'stalled');
  const old = before!.leader;
  await admin.produce('stalled', 0, Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`a${i}`) })), { acks: -1 });
  const zombie = await KafkaConnection.connect({ host: '127.0.0.1', port: cluster.cluster.broker(old)!.port, requestTimeoutMs: 60_000 });
  t.teardown(() => zombie.close());
  const paused = cluster.cluster.broker(old)!;
  paused.signal('SIGSTOP');
  let resumed = false;
  t.teardown(() => {
    if (!resumed) paused.signal('SIGCONT');
  });
  const others = cluster.cluster.brokerIds.filter((id) => id !== old);
  const moved = await waitFor(async () => {
    const ps = await describe(cluster, 'stalled', others[0]).catch(() => null);
    return ps !== null && others.includes(ps[0]!.leader);
  }, SESSION_MS + 20_000);
  t.not(moved, -1, 'another broker leads once the paused one\'s session expired');
  const writer = await KafkaClient.connect(cluster.cluster.broker(others[0]!)!.bootstrap);
  t.teardown(() => writer.close());
  await writer.produce('stalled', 0, Array.from({ length: 20 }, (_, i) => ({ value: Buffer.from(`b${i}`) })), { acks: -1 });

  // Sent while it is paused: read when it wakes, before it can have heard of the new leader.
  const fetching = zombie.request(1, 12, {
    replicaId: -1 as never,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'stalled' as TopicName, partitions: [{ partition: 0, fetchOffset: 25n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
  });
  const producing = zombie.request(0, 9, { acks: -1, timeoutMs: 5_000, topicData: [{ name: 'stalled' as TopicName, partitionData: [{ index: 0, records: await encodeRecordBatch({ records: [{ value: Buffer.from('c0') }], compression: 0 }) }] }] });
  const asking = zombie.request(3, 12, { topics: [{ name: 'stalled' as TopicName, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' as never }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  await new Promise((r) => setTimeout(r, 200));
  paused.signal('SIGCONT');
  resumed = true;
  const [fetched, produced, metadata] = await Promise.all([fetching, producing, asking]);
  t.is(fetched.responses[0]!.partitions[0]!.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'a fetch past its log end: not OFFSET_OUT_OF_RANGE');
  t.is(produced.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  t.not(metadata.topics[0]!.partitions[0]!.leaderId as number, old, 'its Metadata does not name itself the leader');

  t.not(await waitFor(inIsr(cluster, 'stalled', [old]), 30_000), -1, 'it follows and rejoins the ISR');
  t.true((await replicasAgree(cluster, 'stalled', 0)) > 0);
  const ctl = await KafkaClient.connect(cluster.cluster.broker(await controllerId(cluster))!.bootstrap);
  t.teardown(() => ctl.close());
  const [elected] = await ctl.electLeaders('preferred', [{ topic: 'stalled', partitions: [0] }]);
  t.is(elected!.errorCode, 0);
  const leader = await KafkaClient.connect(cluster.cluster.broker(old)!.bootstrap);
  t.teardown(() => leader.close());
  // The election is answered once written; the brokers hear of it after.
  t.not(await waitFor(async () => (await describe(cluster, 'stalled', old))[0]?.leader === old, 15_000), -1, 'the preferred replica leads again');
  await leader.produce('stalled', 0, [{ value: Buffer.from('led again') }], { acks: -1 });
  t.regex(paused.stderr, /fenced: stalled for \d+ ms/);
});
