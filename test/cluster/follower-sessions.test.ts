/**
 * Followers keep a fetch session at their leader (KIP-227, as Kafka's
 * replica fetchers do): with one session slot per broker, the follower's
 * session holds it, so a consumer asking for a session gets the sessionless
 * answer (id 0), while replication goes on incrementally and the replicas
 * agree byte for byte.
 */
import { KafkaConnection } from '../../protocol/client/connection.js';
import type { TopicName } from '../../protocol/index.js';
import { startTestCluster } from '../../testing.js';
import { Kafka, logLevel } from '../integration/helpers.js';
import { describe, inIsr, replicasAgree } from './replication-helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();

test('a follower holds a fetch session at its leader and replicates through it', async (t) => {
  const c = await startTestCluster({ brokers: 2, zookeepers: 1, sessionTimeoutMs: 6_000, overrides: { 'max.incremental.fetch.session.cache.slots': 1, 'auto.leader.rebalance.enable': false } });
  t.teardown(() => c.stop());
  const kafka = new Kafka({ brokers: c.bootstrap.split(','), clientId: 'follower-sessions', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'sess', replicaAssignment: [{ partition: 0, replicas: [1, 2] }, { partition: 1, replicas: [1, 2] }] }], waitForLeaders: true });
  t.not(await waitFor(inIsr(c, 'sess', [1, 2]), 20_000), -1);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  for (let i = 0; i < 20; i++) await producer.send({ topic: 'sess', acks: -1, messages: [{ partition: i % 2, value: `v${i}` }] });

  // A consumer's full fetch asking for a session (epoch 0) at the leader: the follower's session has the only slot.
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port: c.cluster.broker(1)!.port });
  t.teardown(() => conn.close());
  const asked = await conn.request(1, 12, {
    replicaId: -1 as never,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: 0,
    topics: [{ topic: 'sess' as TopicName, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  t.is(asked.errorCode, 0);
  t.is(asked.sessionId, 0, 'no slot left for the consumer: the follower holds it');
  t.is(asked.responses[0]!.partitions[0]!.records?.length ? 1 : 0, 1, 'the consumer is still served, sessionless');

  // Replication goes on through the session: more acks=all writes, equal replicas.
  for (let i = 20; i < 60; i++) await producer.send({ topic: 'sess', acks: -1, messages: [{ partition: i % 2, value: `v${i}` }] });
  for (const p of [0, 1]) t.true((await replicasAgree(c, 'sess', p)) > 0, `partition ${p}: the replicas agree`);
  t.deepEqual((await describe(c, 'sess')).map((p) => p.isr), [[1, 2], [1, 2]]);
});
