import test from 'ava';
import { BrokerConfig, ConfigError, describeTopicConfig, logPolicy, parseListener, parseProperties, validateTopicOverrides } from '../../actors/config/index.js';

test('server.properties syntax: comments, separators, continuations, escapes', (t) => {
  const props = parseProperties(
    ['# comment', '! also comment', 'broker.id=3', 'log.dirs : /tmp/a', 'num.partitions 4', 'listeners=PLAINTEXT://127.0.0.1:0,\\', '   PLAINTEXT://127.0.0.1:0', 'x.y=a\\=b\\u0041', ''].join('\n'),
  );
  t.is(props.get('broker.id'), '3');
  t.is(props.get('log.dirs'), '/tmp/a');
  t.is(props.get('num.partitions'), '4');
  t.is(props.get('listeners'), 'PLAINTEXT://127.0.0.1:0,PLAINTEXT://127.0.0.1:0');
  t.is(props.get('x.y'), 'a=bA');
});

test('defaults are Kafka\'s', (t) => {
  const c = BrokerConfig.from();
  t.is(c.get('message.max.bytes'), 1048588);
  t.is(c.get('socket.request.max.bytes'), 104857600);
  t.is(c.connectionsMaxIdleMs, 600000);
  t.is(c.retentionMs, 168 * 3_600_000);
  t.is(c.numPartitions, 1);
  t.true(c.autoCreateTopics);
  t.deepEqual(c.listeners, ['PLAINTEXT://127.0.0.1:9092']);
  t.is(c.logDir, './.samsa-data');
});

test('later layers win; camelCase names map to Kafka names; unknown names are warnings', (t) => {
  const c = BrokerConfig.from(new Map([['num.partitions', '3']]), { numPartitions: 5, logRetentionMinutes: 2, 'no.such.thing': 1 });
  t.is(c.numPartitions, 5);
  t.is(c.retentionMs, 120_000);
  t.is(c.source('num.partitions'), 'static');
  t.is(c.source('message.max.bytes'), 'default');
  t.deepEqual(c.warnings.map((w) => w.property), ['no.such.thing']);
});

test('retention: ms over minutes over hours', (t) => {
  t.is(BrokerConfig.from({ 'log.retention.hours': '1', 'log.retention.ms': '5' }).retentionMs, 5);
  t.is(BrokerConfig.from({ 'log.retention.hours': '1' }).retentionMs, 3_600_000);
  t.is(BrokerConfig.from({ 'log.retention.ms': '-1' }).retentionMs, -1);
});

test('bad values are refused with the property named', (t) => {
  t.throws(() => BrokerConfig.from({ 'num.partitions': 'many' }), { instanceOf: ConfigError, message: /num\.partitions/ });
  t.throws(() => BrokerConfig.from({ 'num.partitions': '0' }), { instanceOf: ConfigError });
  t.throws(() => BrokerConfig.from({ 'auto.create.topics.enable': 'yes' }), { instanceOf: ConfigError });
  t.throws(() => BrokerConfig.from({ listeners: 'SSL://127.0.0.1:9093' }), { instanceOf: ConfigError });
  t.throws(() => BrokerConfig.from({ 'default.replication.factor': '3' }), { instanceOf: ConfigError });
  t.throws(() => BrokerConfig.from({ 'log.message.timestamp.type': 'Whenever' }), { instanceOf: ConfigError });
});

test('Long.MAX_VALUE round-trips as Kafka prints it', (t) => {
  const c = BrokerConfig.from({ 'log.flush.interval.messages': '9223372036854775807' });
  const entry = describeTopicConfig(c, new Map()).find((e) => e.name === 'flush.messages')!;
  t.is(entry.value, '9223372036854775807');
});

test('listeners parse; an empty host binds loopback', (t) => {
  t.deepEqual(parseListener('PLAINTEXT://:9092'), { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 });
  t.deepEqual(parseListener('plaintext://localhost:0'), { name: 'PLAINTEXT', host: 'localhost', port: 0 });
  t.throws(() => parseListener('127.0.0.1:9092'));
});

test('topic configs: overrides validated, defaults and sources from the broker', (t) => {
  const broker = BrokerConfig.from({ 'log.retention.hours': '2' });
  t.throws(() => validateTopicOverrides(new Map([['retention.ms', 'soon']])), { instanceOf: ConfigError });
  t.throws(() => validateTopicOverrides(new Map([['not.a.config', '1']])), { instanceOf: ConfigError });
  const overrides = validateTopicOverrides(new Map([['max.message.bytes', '2000'], ['message.timestamp.type', 'logappendtime']]));
  const described = new Map(describeTopicConfig(broker, overrides).map((e) => [e.name, e]));
  t.is(described.get('max.message.bytes')!.source, 'topic');
  t.is(described.get('retention.ms')!.value, '7200000');
  t.is(described.get('retention.ms')!.source, 'static');
  t.is(described.get('segment.bytes')!.source, 'default');
  const policy = logPolicy(broker, overrides);
  t.is(policy.maxMessageBytes, 2000);
  t.true(policy.logAppendTime);
  t.is(policy.retentionMs, 7_200_000);
});

test('dynamic broker configs apply over static ones and only to dynamic properties', (t) => {
  const base = BrokerConfig.from({ 'message.max.bytes': '5000' });
  const dyn = base.withDynamic(new Map([['message.max.bytes', '6000']]));
  t.is(dyn.get('message.max.bytes'), 6000);
  t.is(dyn.source('message.max.bytes'), 'dynamic');
  t.is(dyn.withDynamic(new Map()).get('message.max.bytes'), 5000);
  t.throws(() => base.withDynamic(new Map([['broker.id', '2']])), { instanceOf: ConfigError });
});
