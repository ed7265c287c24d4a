/**
 * Real clients against a 3-broker cluster on a 3-server ZooKeeper ensemble,
 * every part a real process: kafkajs, librdkafka (kcat, confluent-kafka) and
 * kafka-python see three brokers, topics spread over all of them, records
 * produced with keys come back, a consumer group spans brokers, and topic
 * admin works across the cluster.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KafkaConnection } from '../../protocol/client/connection.js';
import { ErrorCode, type TopicName } from '../../protocol/index.js';
import { startTestBroker, startTestCluster, type TestCluster } from '../../testing.js';
import { hasKcat, hasPythonModule, Kafka, logLevel, PYTHON, run } from '../integration/helpers.js';
import { waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
let c: TestCluster;
const kafka = () => new Kafka({ brokers: c.bootstrap.split(','), clientId: 'cluster-test', logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
const script = fileURLToPath(new URL('../../../test/integration/python/clients.py', import.meta.url));

test.before(async () => {
  c = await startTestCluster({ brokers: 3, zookeepers: 3 });
});
test.after.always(async () => {
  await c?.stop();
});

async function raw(port: number) {
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  return conn;
}

test('every broker answers Metadata with the three brokers and one controller', async (t) => {
  const controllers = new Set<number>();
  for (const id of c.cluster.brokerIds) {
    const conn = await raw(c.cluster.broker(id)!.port);
    const r = await conn.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    conn.close();
    t.deepEqual(r.brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
    controllers.add(r.controllerId);
  }
  t.is(controllers.size, 1);
  t.true(c.cluster.brokerIds.includes([...controllers][0]!));
  const admin = kafka().admin();
  await admin.connect();
  const described = await admin.describeCluster();
  await admin.disconnect();
  t.is(described.brokers.length, 3);
  t.is(described.controller, [...controllers][0]);
});

test('kafkajs: a topic of 6 partitions leads on all three brokers; 3,000 keyed records land where murmur2 says and come back through a group of two members', async (t) => {
  const k = kafka();
  const admin = k.admin();
  await admin.connect();
  t.true(await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 6 }], waitForLeaders: true }));
  const md = await admin.fetchTopicMetadata({ topics: ['spread'] });
  const leaders = md.topics[0]!.partitions.map((p) => p.leader);
  t.deepEqual([...new Set(leaders)].sort(), [1, 2, 3], `leaders ${leaders}`);
  const producer = k.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sent = Array.from({ length: 3000 }, (_, i) => ({ key: `key-${i % 97}`, value: `value-${i}` }));
  for (let i = 0; i < sent.length; i += 500) await producer.send({ topic: 'spread', messages: sent.slice(i, i + 500) });
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets('spread');
  t.is(offsets.reduce((n, o) => n + Number(o.high), 0), 3000);
  const seen = new Map<string, number>();
  const byKey = new Map<string, Set<number>>();
  const members = [k.consumer({ groupId: 'spread-group' }), k.consumer({ groupId: 'spread-group' })];
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  for (const m of members) {
    await m.connect();
    await m.subscribe({ topic: 'spread', fromBeginning: true });
    await m.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key!.toString();
        seen.set(message.value!.toString(), (seen.get(message.value!.toString()) ?? 0) + 1);
        byKey.set(key, (byKey.get(key) ?? new Set()).add(partition));
        if (seen.size === 3000) done();
      },
    });
  }
  await Promise.race([all, new Promise((r) => setTimeout(r, 60_000))]);
  await Promise.all(members.map((m) => m.disconnect()));
  await admin.disconnect();
  t.is(seen.size, 3000, 'every record consumed');
  t.true([...byKey.values()].every((s) => s.size === 1), 'each key stays on one partition');
});

test('topic admin across the cluster: a replication factor above the brokers refused, CreateTopics elsewhere than the controller is NOT_CONTROLLER, configs and partitions change, deletion reaches every broker', async (t) => {
  const admin = kafka().admin();
  await admin.connect();
  const rf = await t.throwsAsync(admin.createTopics({ topics: [{ topic: 'rf4', numPartitions: 1, replicationFactor: 4 }] }));
  t.regex(JSON.stringify(rf), /INVALID_REPLICATION_FACTOR|replication/i);
  const { controllerId } = await c.cluster.metadata();
  const other = c.cluster.brokerIds.find((id) => id !== controllerId)!;
  const conn = await raw(c.cluster.broker(other)!.port);
  const r = await conn.request(19, 7, { topics: [{ name: 'elsewhere' as TopicName, numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 5_000, validateOnly: false });
  conn.close();
  t.is(r.topics[0]!.errorCode, ErrorCode.NOT_CONTROLLER);
  await admin.createTopics({ topics: [{ topic: 'admin-t', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '123456' }] }], waitForLeaders: true });
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'admin-t', configEntries: [{ name: 'retention.ms', value: '654321' }] }] });
  await admin.createPartitions({ topicPartitions: [{ topic: 'admin-t', count: 5 }] });
  // Every broker reports the change (each answers DescribeConfigs and Metadata from its own view).
  for (const id of c.cluster.brokerIds) {
    const one = new Kafka({ brokers: [c.cluster.broker(id)!.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await one.connect();
    const d = await one.describeConfigs({ resources: [{ type: 2, name: 'admin-t', configNames: ['retention.ms'] }], includeSynonyms: false });
    t.is(d.resources[0]!.configEntries[0]!.configValue, '654321', `broker ${id}`);
    const md = await one.fetchTopicMetadata({ topics: ['admin-t'] });
    t.is(md.topics[0]!.partitions.length, 5, `broker ${id}`);
    await one.disconnect();
  }
  await admin.deleteTopics({ topics: ['admin-t'] });
  t.false((await admin.listTopics()).includes('admin-t'));
  await admin.disconnect();
  const { readdirSync } = await import('node:fs');
  // The topic leaves metadata at once; the data goes when each replica confirms StopReplica.
  const left = (id: number) => readdirSync(c.cluster.broker(id)!.dataDir).filter((d) => d.startsWith('admin-t-'));
  await waitFor(() => c.cluster.brokerIds.every((id) => left(id).length === 0), 10_000);
  for (const id of c.cluster.brokerIds) t.deepEqual(left(id), [], `broker ${id} deleted its partitions`);
});

(hasKcat() ? test : test.skip)('kcat (librdkafka) lists three brokers, produces 5,000 keyed records through the cluster and reads them back', async (t) => {
  const list = await run('kcat', ['-b', c.bootstrap, '-L', '-J'], { timeoutMs: 30_000 });
  t.is(list.code, 0, list.stderr);
  t.is((JSON.parse(list.stdout) as { brokers: unknown[] }).brokers.length, 3);
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kcat-t', numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const lines = Array.from({ length: 5000 }, (_, i) => `k${i % 31}:v${i}`).join('\n') + '\n';
  const produced = await run('kcat', ['-b', c.bootstrap, '-P', '-t', 'kcat-t', '-K', ':', '-X', 'linger.ms=20'], { input: lines, timeoutMs: 60_000 });
  t.is(produced.code, 0, produced.stderr);
  const consumed = await run('kcat', ['-b', c.bootstrap, '-C', '-t', 'kcat-t', '-o', 'beginning', '-e', '-q', '-f', '%k:%s\n'], { timeoutMs: 60_000 });
  t.is(consumed.code, 0, consumed.stderr);
  t.deepEqual(consumed.stdout.trim().split('\n').sort(), lines.trim().split('\n').sort());
});

const python = hasPythonModule('confluent_kafka') && hasPythonModule('kafka');
(python ? test : test.skip)('confluent-kafka (idempotent, producer ids from ZooKeeper) produces 10,000 records; kafka-python reads them back byte-identical', async (t) => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'py-t', numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const py = async (...args: string[]) => {
    const r = await run(PYTHON, [script, ...args], { timeoutMs: 120_000 });
    t.is(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  };
  const produced = await py('confluent-produce', c.bootstrap, 'py-t', '10000', 'gzip');
  t.is(produced.delivered, 10000);
  const consumed = await py('kafka-python-consume', c.bootstrap, 'py-t', '10000');
  t.is(consumed.count, 10000);
  t.is(consumed.digest, produced.digest);
});

const ZK_CLI = '/usr/share/zookeeper/bin/zkCli.sh';
(existsSync(ZK_CLI) ? test : test.skip)("an operator reads the cluster with Debian's zkCli.sh, in Kafka's layout and JSON", async (t) => {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'zkcli-t', numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const server = c.cluster.ensemble.servers[0]!.address;
  const get = async (path: string) => {
    const r = await run(ZK_CLI, ['-server', server, 'get', `/samsa${path}`], { timeoutMs: 30_000 });
    t.is(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').at(-1)!;
  };
  const broker = JSON.parse(await get('/brokers/ids/1')) as { version: number; endpoints: string[]; port: number };
  t.is(broker.version, 5);
  t.deepEqual(broker.endpoints, [`PLAINTEXT://127.0.0.1:${c.cluster.broker(1)!.port}`]);
  const controller = JSON.parse(await get('/controller')) as { brokerid: number };
  t.is(controller.brokerid, (await c.cluster.metadata()).controllerId);
  t.regex(await get('/controller_epoch'), /^\d+$/);
  const topic = JSON.parse(await get('/brokers/topics/zkcli-t')) as { version: number; topic_id: string; partitions: Record<string, number[]> };
  t.is(topic.version, 3);
  t.deepEqual(Object.keys(topic.partitions), ['0', '1']);
  const state = JSON.parse(await get('/brokers/topics/zkcli-t/partitions/0/state')) as { leader: number; isr: number[]; leader_epoch: number; controller_epoch: number };
  t.deepEqual(state.isr, topic.partitions['0']);
  t.is(state.leader, topic.partitions['0']![0]);
  t.true(JSON.parse(await get('/cluster/id')).id.length > 0);
});

test('a cluster broker advertises what a single node does, plus the inter-broker APIs at the ranges docs/cluster.md gives', async (t) => {
  const section = readFileSync(fileURLToPath(new URL('../../../docs/cluster.md', import.meta.url)), 'utf8').split('## Versions narrower than Kafka 3.9')[1]!.split(/\n## /)[0]!;
  const documented = new Map<number, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((x) => x.trim());
    if (cells.length >= 7 && /^\d+$/.test(cells[2]!)) documented.set(Number(cells[2]), cells[3]!);
  }
  const single = await startTestBroker();
  t.teardown(() => single.stop());
  const ranges = async (port: number) => {
    const conn = await raw(port);
    const r = await conn.request(18, 3, { clientSoftwareName: 'cluster-check', clientSoftwareVersion: '1' });
    conn.close();
    return new Map(r.apiKeys.map((k) => [k.apiKey as number, `${k.minVersion}-${k.maxVersion}`]));
  };
  const inCluster = await ranges(c.cluster.broker(1)!.port);
  const alone = await ranges(single.port);
  const extra = new Map([...inCluster].filter(([k]) => !alone.has(k)));
  t.deepEqual(extra, documented);
  for (const [k, v] of alone) t.is(inCluster.get(k), v, `API ${k} as on a single node`);
});

test('the samsa CLI works on the cluster from any one broker: topics create goes to the controller, produce to each leader, consume follows the leaders', async (t) => {
  const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
  const { controllerId } = await c.cluster.metadata();
  const other = c.cluster.brokerIds.find((id) => id !== controllerId)!;
  const bs = ['--bootstrap-server', c.cluster.broker(other)!.bootstrap];
  const samsa = (args: string[], input?: string) => run(process.execPath, [MAIN, ...args, ...bs], { timeoutMs: 60_000, ...(input === undefined ? {} : { input }) });
  const created = await samsa(['topics', 'create', 'cli-t', '--partitions', '6']);
  t.is(created.code, 0, created.stderr);
  const lines = Array.from({ length: 300 }, (_, i) => `k${i}:v${i}`);
  const produced = await samsa(['produce', '--topic', 'cli-t', '--key-separator', ':'], `${lines.join('\n')}\n`);
  t.is(produced.code, 0, produced.stderr);
  const consumed = await samsa(['consume', '--topic', 'cli-t', '--from-beginning', '--max-messages', '300', '--timeout-ms', '10000']);
  t.is(consumed.code, 0, consumed.stderr);
  t.deepEqual(consumed.stdout.trim().split('\n').sort(), lines.map((l) => l.split(':')[1]!).sort());
  const listed = await samsa(['topics', 'list']);
  t.regex(listed.stdout, /cli-t/);
  const deleted = await samsa(['topics', 'delete', 'cli-t']);
  t.is(deleted.code, 0, deleted.stderr);
});

test('dynamic broker configs: the cluster default reaches every broker, a broker\'s own value only that one, and a bad value is refused', async (t) => {
  const alter = async (on: number, entity: string, value: string | null) => {
    const conn = await raw(c.cluster.broker(on)!.port);
    const configs = value === null ? [{ name: 'log.retention.ms', configOperation: 1, value: null }] : [{ name: 'log.retention.ms', configOperation: 0, value }];
    const r = await conn.request(44, 1, { resources: [{ resourceType: 4, resourceName: entity, configs }], validateOnly: false });
    conn.close();
    return r.responses[0]!.errorCode;
  };
  const describeOn = async (id: number) => {
    const conn = await raw(c.cluster.broker(id)!.port);
    const r = await conn.request(32, 4, { resources: [{ resourceType: 4, resourceName: String(id), configurationKeys: ['log.retention.ms'] }], includeSynonyms: false, includeDocumentation: false });
    conn.close();
    return r.results[0]!.configs[0]!.value;
  };
  const initial = await describeOn(1);
  t.is(await alter(1, '', '7200000'), 0);
  for (const id of c.cluster.brokerIds) t.not(await waitFor(async () => (await describeOn(id)) === '7200000', 10_000), -1, `broker ${id} took the default`);
  t.is(await alter(2, '2', '3600000'), 0);
  t.is(await alter(2, '2', '-9x'), ErrorCode.INVALID_CONFIG);
  t.is(await describeOn(2), '3600000');
  t.is(await describeOn(1), '7200000', 'the others keep the default');
  t.is(await alter(2, '2', null), 0);
  t.is(await alter(1, '', null), 0);
  for (const id of c.cluster.brokerIds) t.not(await waitFor(async () => (await describeOn(id)) === initial, 10_000), -1, `broker ${id} back to the static value`);
});
