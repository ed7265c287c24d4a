/** The cluster's ZooKeeper operations against a real server: registration, election with epoch fencing, topics, producer id blocks. */
import { BrokerIdInUseError, ControllerMovedError, KafkaZk } from '../../cluster/kafka-zk.js';
import { ZkSession } from '../../cluster/zookeeper/session.js';
import * as z from '../../cluster/zookeeper/znodes.js';
import { ensembleForFile, freshChroot, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const zk = ensembleForFile(1);

async function kzkIn(t: import('ava').ExecutionContext, chroot: string) {
  const s = await ZkSession.connect(zk().connectString + chroot, { sessionTimeoutMs: 4_000, connectionTimeoutMs: 10_000 });
  t.teardown(() => s.close());
  const k = new KafkaZk(s);
  await k.ensurePersistentPaths();
  return k;
}

const reg = (id: number) => ({ id, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port: 9000 + id, securityProtocol: 'PLAINTEXT' }], rack: null, timestamp: 1 });

test('the first cluster id written stays; broker ids register once per session; generated ids start above the reserved ones', async (t) => {
  const root = freshChroot();
  const a = await kzkIn(t, root);
  const b = await kzkIn(t, root);
  t.is(await a.getOrCreateClusterId('first'), 'first');
  t.is(await b.getOrCreateClusterId('second'), 'first');
  const epoch = await a.registerBroker(reg(1));
  t.true(epoch > 0n);
  t.is(await a.registerBroker(reg(1)), epoch, 'the same session registering again is a no-op');
  await t.throwsAsync(b.registerBroker(reg(1)), { instanceOf: BrokerIdInUseError });
  await b.registerBroker(reg(2));
  t.deepEqual([...(await a.brokers()).keys()].sort(), [1, 2]);
  const g1 = await a.generateBrokerId();
  const g2 = await b.generateBrokerId();
  t.true(g1 > 1000 && g2 === g1 + 1);
});

test('election: one winner per epoch; a deposed controller\'s fenced write changes nothing', async (t) => {
  const root = freshChroot();
  const a = await kzkIn(t, root);
  const b = await kzkIn(t, root);
  const fa = await a.registerControllerAndIncrementEpoch(1);
  t.is(fa.epoch, 1);
  await t.throwsAsync(b.registerControllerAndIncrementEpoch(2), { instanceOf: ControllerMovedError });
  t.is(await b.controllerId(), 1);
  await a.createPartitionStates(fa, 't', new Map([[0, { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1, leaderRecoveryState: 0 }]]));
  // The controller's session ends (its /controller goes); another broker is elected.
  await a.zk.close();
  const fb = await b.registerControllerAndIncrementEpoch(2);
  t.is(fb.epoch, 2);
  const c = await kzkIn(t, root);
  const stale = { leader: 1, leaderEpoch: 9, isr: [1], controllerEpoch: 1, leaderRecoveryState: 0 };
  const state = (await c.partitionState('t', 0))!;
  await t.throwsAsync(c.updatePartitionStates(fa, 't', new Map([[0, { state: stale, zkVersion: state.zkVersion }]])), { instanceOf: ControllerMovedError });
  t.is((await c.partitionState('t', 0))!.leaderEpoch, 0, 'the old epoch wrote nothing');
  await c.updatePartitionStates(fb, 't', new Map([[0, { state: { ...stale, controllerEpoch: 2 }, zkVersion: state.zkVersion }]]));
  t.is((await c.partitionState('t', 0))!.leaderEpoch, 9);
});

test('a topic is created whole, marked and deleted; producer id blocks never overlap', async (t) => {
  const root = freshChroot();
  const a = await kzkIn(t, root);
  const b = await kzkIn(t, root);
  const fence = await a.registerControllerAndIncrementEpoch(1);
  await a.createTopic('orders', { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: new Map([[0, [1]], [1, [2]]]), addingReplicas: new Map(), removingReplicas: new Map() }, { 'retention.ms': '5' });
  t.deepEqual(await a.topicConfig('orders'), { 'retention.ms': '5' });
  t.is((await b.topicAssignment('orders'))!.partitions.size, 2);
  await t.throwsAsync(a.createTopic('orders', { topicId: null, partitions: new Map([[0, [1]]]), addingReplicas: new Map(), removingReplicas: new Map() }, {}));
  await a.createPartitionStates(fence, 'orders', new Map([[0, { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1, leaderRecoveryState: 0 }]]));
  await b.markTopicForDeletion('orders');
  t.deepEqual(await a.topicsMarkedForDeletion(), ['orders']);
  await a.deleteTopicZNodes(fence, 'orders');
  t.deepEqual(await a.topicNames(), []);
  t.deepEqual(await a.topicsMarkedForDeletion(), []);
  t.is(await a.zk.exists(z.configPath('topics', 'orders')), null);
  const blocks = await Promise.all([a.claimProducerIdBlock(1), b.claimProducerIdBlock(2), a.claimProducerIdBlock(1), b.claimProducerIdBlock(2)]);
  const starts = blocks.map((x) => x.start).sort((x, y) => (x < y ? -1 : 1));
  t.deepEqual(starts, [0n, 1000n, 2000n, 3000n]);
});
