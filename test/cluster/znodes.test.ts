/** Kafka 3.9's znode JSON: what samsa writes Kafka reads, what Kafka wrote samsa reads, and hand-made garbage is a typed error. */
import test from 'ava';
import * as z from '../../cluster/zookeeper/znodes.js';

const buf = (s: string) => Buffer.from(s, 'utf8');

test('broker registration: version 5 as Kafka writes it, and the older versions Kafka documents', (t) => {
  const reg = { id: 3, endpoints: [{ listener: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }, { listener: 'REPLICATION', host: '::1', port: 9093, securityProtocol: 'PLAINTEXT' }], rack: 'r1', timestamp: 1700000000000 };
  const json = JSON.parse(z.encodeBrokerRegistration(reg).toString());
  t.deepEqual(json, {
    version: 5,
    host: '127.0.0.1',
    port: 9092,
    jmx_port: -1,
    timestamp: '1700000000000',
    endpoints: ['PLAINTEXT://127.0.0.1:9092', 'REPLICATION://[::1]:9093'],
    listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT', REPLICATION: 'PLAINTEXT' },
    rack: 'r1',
    features: {},
  });
  t.deepEqual(z.decodeBrokerRegistration(3, z.encodeBrokerRegistration(reg)), reg);
  t.false('rack' in JSON.parse(z.encodeBrokerRegistration({ ...reg, rack: null }).toString()), 'no rack key without a rack, as Kafka');
  // The examples of Kafka's BrokerIdZNode.decode.
  const v1 = z.decodeBrokerRegistration(1, buf('{"version":1,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666"}'));
  t.deepEqual(v1.endpoints, [{ listener: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }]);
  const v2 = z.decodeBrokerRegistration(1, buf('{"version":2,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666","endpoints":["PLAINTEXT://host1:9092","SSL://host1:9093"]}'));
  t.deepEqual(v2.endpoints.map((e) => e.securityProtocol), ['PLAINTEXT', 'SSL']);
  const v4 = z.decodeBrokerRegistration(1, buf('{"version":4,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666","endpoints":["CLIENT://host1:9092","REPLICATION://host1:9093"],"listener_security_protocol_map":{"CLIENT":"SSL","REPLICATION":"PLAINTEXT"},"rack":"dc1"}'));
  t.is(v4.rack, 'dc1');
  t.deepEqual(v4.endpoints.map((e) => `${e.listener}/${e.securityProtocol}`), ['CLIENT/SSL', 'REPLICATION/PLAINTEXT']);
});

test('controller, controller epoch and cluster id', (t) => {
  t.deepEqual(JSON.parse(z.encodeController(2, 5).toString()), { version: 2, brokerid: 2, timestamp: '5', kraftControllerEpoch: -1 });
  t.is(z.decodeController(buf('{"version":1,"brokerid":7,"timestamp":"1"}')), 7, 'version 1, as Kafka 2.x wrote it');
  t.is(z.decodeControllerEpoch(z.encodeControllerEpoch(41)), 41);
  t.is(z.encodeControllerEpoch(41).toString(), '41');
  t.is(z.decodeClusterId(z.encodeClusterId('kVk9n1x0Sj2m0oW0Q0m5Yg')), 'kVk9n1x0Sj2m0oW0Q0m5Yg');
  t.deepEqual(JSON.parse(z.encodeClusterId('x').toString()), { version: '1', id: 'x' });
});

test('topic assignment and partition state round-trip in Kafka\'s JSON', (t) => {
  const a = { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: new Map([[1, [2, 3]], [0, [1, 2]]]), addingReplicas: new Map(), removingReplicas: new Map() };
  const json = JSON.parse(z.encodeTopicAssignment(a).toString());
  t.deepEqual(json, { version: 3, topic_id: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: { 0: [1, 2], 1: [2, 3] }, adding_replicas: {}, removing_replicas: {} });
  const back = z.decodeTopicAssignment('t', z.encodeTopicAssignment(a));
  t.deepEqual([...back.partitions], [[0, [1, 2]], [1, [2, 3]]]);
  t.is(z.decodeTopicAssignment('t', buf('{"version":1,"partitions":{"0":[1]}}')).topicId, null, 'a topic from before topic ids');
  const s = { leader: 1, leaderEpoch: 4, isr: [1, 2], controllerEpoch: 9, leaderRecoveryState: 0 };
  t.deepEqual(JSON.parse(z.encodePartitionState(s).toString()), { version: 1, leader: 1, leader_epoch: 4, controller_epoch: 9, isr: [1, 2] });
  t.deepEqual(z.decodePartitionState('t', 0, z.encodePartitionState(s)), s);
  t.is(JSON.parse(z.encodePartitionState({ ...s, leaderRecoveryState: 1 }).toString()).leader_recovery_state, 1);
});

test('config and config change notifications', (t) => {
  t.deepEqual(JSON.parse(z.encodeConfig({ 'retention.ms': '1000' }).toString()), { version: 1, config: { 'retention.ms': '1000' } });
  t.deepEqual(z.decodeConfig('/config/topics/t', z.encodeConfig({ 'retention.ms': '1000' })), { 'retention.ms': '1000' });
  t.deepEqual(z.decodeConfig('/config/topics/t', null), {});
  t.is(z.decodeConfigChange('/config/changes/config_change_0000000001', z.encodeConfigChange('topics/t')), 'topics/t');
  t.true(z.PERSISTENT_PATHS.includes('/config/topics'));
  t.is(z.partitionStatePath('orders', 3), '/brokers/topics/orders/partitions/3/state');
});

test('malformed znodes are a ZnodeFormatError naming the path, never a crash', (t) => {
  const bad: Array<[string, () => unknown]> = [
    ['not JSON', () => z.decodeBrokerRegistration(1, buf('{'))],
    ['null data', () => z.decodeController(null)],
    ['array', () => z.decodeTopicAssignment('t', buf('[]'))],
    ['version 9', () => z.decodeBrokerRegistration(1, buf('{"version":9}'))],
    ['endpoint without port', () => z.decodeBrokerRegistration(1, buf('{"version":5,"jmx_port":-1,"endpoints":["PLAINTEXT://h"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"}}'))],
    ['listener not in the map', () => z.decodeBrokerRegistration(1, buf('{"version":5,"endpoints":["X://h:1"],"listener_security_protocol_map":{}}'))],
    ['port out of range', () => z.decodeBrokerRegistration(1, buf('{"version":5,"endpoints":["PLAINTEXT://h:99999"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"}}'))],
    ['epoch text', () => z.decodeControllerEpoch(buf('x1'))],
    ['epoch too big', () => z.decodeControllerEpoch(buf('4294967296'))],
    ['replicas not ids', () => z.decodeTopicAssignment('t', buf('{"partitions":{"0":["a"]}}'))],
    ['partition gap', () => z.decodeTopicAssignment('t', buf('{"partitions":{"0":[1],"2":[1]}}'))],
    ['partition name', () => z.decodeTopicAssignment('t', buf('{"partitions":{"x":[1]}}'))],
    ['leader a float', () => z.decodePartitionState('t', 0, buf('{"leader":1.5,"leader_epoch":0,"controller_epoch":0,"isr":[1]}'))],
    ['isr missing', () => z.decodePartitionState('t', 0, buf('{"leader":1,"leader_epoch":0,"controller_epoch":0}'))],
    ['config value a number', () => z.decodeConfig('/config/topics/t', buf('{"version":1,"config":{"a":1}}'))],
    ['empty cluster id', () => z.decodeClusterId(buf('{"version":"1","id":""}'))],
  ];
  for (const [what, f] of bad) {
    const err = t.throws(f, { instanceOf: z.ZnodeFormatError }, what);
    t.true(err!.message.startsWith('/'), `${what}: the message starts with the path`);
  }
});
