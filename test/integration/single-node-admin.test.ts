/**
 * ElectLeaders and partition reassignment on a single node, through our
 * client and kafkajs: the node is every partition's only replica, so an
 * election is never needed, a move to itself is done at once, and a move to
 * any other broker names one that does not exist.
 */
import test from 'ava';
import { KafkaClient } from '../../cli/console/client.js';
import { ErrorCode } from '../../protocol/index.js';
import { Kafka, logLevel, withBroker } from './helpers.js';

/** broker.id's default. */
const NODE = 0;

test('a single node: elections are not needed, a move to itself is done, a move elsewhere is INVALID_REPLICA_ASSIGNMENT, nothing is ever moving', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const client = await KafkaClient.connect(broker.bootstrap);
  t.teardown(() => client.close());
  await client.createTopic('solo', 2);
  const codes = (rs: Array<{ errorCode: number }>) => rs.map((r) => r.errorCode);
  t.deepEqual(codes(await client.electLeaders('preferred', null)), [ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.ELECTION_NOT_NEEDED]);
  t.deepEqual(codes(await client.electLeaders('unclean', [{ topic: 'solo', partitions: [1, 2] }])), [ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  t.deepEqual(
    codes(await client.alterReassignments([
      { topic: 'solo', partition: 0, replicas: [NODE] },
      { topic: 'solo', partition: 1, replicas: [1] },
      { topic: 'solo', partition: 1, replicas: null },
      { topic: 'solo', partition: 9, replicas: [NODE] },
    ])),
    [0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  );
  const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  t.teardown(() => admin.disconnect());
  t.deepEqual(await admin.listPartitionReassignments({}), { topics: [] });
});
