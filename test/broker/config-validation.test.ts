/**
 * Every config key, with out-of-range, wrong-type and boundary values, through
 * every path that takes one: the validator and the native log, server.properties,
 * `--override`, and over the wire CreateTopics, AlterConfigs and
 * IncrementalAlterConfigs on topics and on the broker. An accepted value is
 * stored and the partition keeps serving; a refused one gets INVALID_CONFIG
 * and leaves nothing behind.
 */
import test from 'ava';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_CONFIGS, BrokerConfig, ConfigError, logPolicy, parseProperties, TOPIC_CONFIGS, validateTopicOverrides } from '../../actors/config/index.js';
import { logConfigOf } from '../../actors/partition/partition-actor.js';
import { parseArgs } from '../../cli/args.js';
import { startConfig } from '../../cli/start-config.js';
import { PartitionLog } from '../../native/index.js';
import { encodeRecordBatchSync, ErrorCode, type TopicName } from '../../protocol/index.js';
import { startTestBroker } from '../../testing.js';
import { WireClient } from '../torture/harness/wire.js';
import { BROKER_RULES, canonical, casesOf, TOPIC_RULES, type Rule } from './config-rules.js';

const TOPIC = 2;
const BROKER = 4;
/** Answers a produce may get from a partition that serves, under a legal but strict config. */
const PRODUCE_SERVED = new Set<number>([0, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.INVALID_TIMESTAMP, ErrorCode.NOT_ENOUGH_REPLICAS]);

/** Memory-backed when the machine has one: hundreds of logs are opened, and fsync on a disk would make that minutes. */
const TEMP_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

function tempDir(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(TEMP_ROOT, 'samsa-config-validation-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Keyed: some configs under test make the topic compacted, which refuses keyless records.
const batch = (value: string) => encodeRecordBatchSync({ records: [{ key: Buffer.from('k'), value: Buffer.from(value) }], compression: 0 });

/** Opens a native log with the partition actor's mapping of `broker` + `overrides`, appends two batches and reads them back. */
function openAppendRead(dir: string, broker: BrokerConfig, overrides: ReadonlyMap<string, string>): string | null {
  let log: PartitionLog;
  try {
    log = PartitionLog.open(dir, logConfigOf(logPolicy(broker, overrides)));
  } catch (err) {
    return `open: ${(err as Error).message}`;
  }
  try {
    log.append(batch('a'));
    log.append(batch('b'));
    const r = log.read(1, 1 << 20);
    return r.bytes > 0 && r.firstOffset <= 1 ? null : `read at 1 gave ${r.bytes} bytes from ${r.firstOffset}`;
  } catch (err) {
    return `append/read: ${(err as Error).message}`;
  } finally {
    log.close();
  }
}

test('the rule tables cover every property of the definitions table, and only those', (t) => {
  t.deepEqual([...TOPIC_RULES.keys()].sort(), [...TOPIC_CONFIGS.keys()].sort());
  t.deepEqual([...BROKER_RULES.keys()].sort(), [...BROKER_CONFIGS.keys()].sort());
});

test('topic configs: the validator accepts exactly the rule, and the native log opens with every accepted value', (t) => {
  const dir = tempDir(t);
  const broker = BrokerConfig.from({});
  const wrong: string[] = [];
  let n = 0;
  for (const [name, rule] of TOPIC_RULES) {
    for (const c of casesOf(rule)) {
      let stored: string | undefined;
      try {
        stored = validateTopicOverrides(new Map([[name, c.value]])).get(name);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (c.ok) wrong.push(`${name}=${JSON.stringify(c.value)} refused: ${err.message}`);
        else if (err.property !== name) wrong.push(`${name}=${JSON.stringify(c.value)} refused naming ${err.property}`);
        continue;
      }
      if (!c.ok) {
        wrong.push(`${name}=${JSON.stringify(c.value)} accepted`);
        continue;
      }
      if (stored !== canonical(rule, c.value)) wrong.push(`${name}=${JSON.stringify(c.value)} stored as ${stored}`);
      const problem = openAppendRead(join(dir, `t${n++}`), broker, new Map([[name, stored!]]));
      if (problem !== null) wrong.push(`${name}=${JSON.stringify(c.value)}: ${problem}`);
    }
  }
  t.deepEqual(wrong, []);
});

/** BrokerConfig from one property through a path; the error when refused. */
type BrokerPath = 'server.properties' | '--override' | 'environment' | 'embedding';

/** `log.flush.interval.ms` -> `logFlushIntervalMs`, as startBroker options name it. */
const camel = (name: string) => name.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());

function brokerThrough(path: BrokerPath, name: string, value: string): BrokerConfig | ConfigError {
  try {
    if (path === 'server.properties') return BrokerConfig.from(parseProperties(`# one property\n${name}=${value}\n`));
    if (path === 'embedding') return BrokerConfig.from({ [camel(name)]: value });
    if (path === 'environment') return startConfig(parseArgs([], new Set()), { [`SAMSA_${name.toUpperCase().replace(/\./g, '_')}`]: value });
    return startConfig(parseArgs(['--override', `${name}=${value}`], new Set()), {});
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

test('broker properties: server.properties, --override, SAMSA_* environment and embedding options accept exactly the rule; accepted topic defaults open the native log', (t) => {
  const dir = tempDir(t);
  const wrong: string[] = [];
  let n = 0;
  for (const [name, rule] of BROKER_RULES) {
    const isTopicDefault = [...TOPIC_CONFIGS.values()].some((d) => d.name === name) || /^log\.(retention|roll|flush)\./.test(name);
    for (const c of casesOf(rule)) {
      for (const path of ['server.properties', '--override', 'environment', 'embedding'] as const) {
        const got = brokerThrough(path, name, c.value);
        const what = `${path} ${name}=${JSON.stringify(c.value)}`;
        if (got instanceof ConfigError) {
          if (c.ok) wrong.push(`${what} refused: ${got.message}`);
          else if (got.property !== name) wrong.push(`${what} refused naming ${got.property}`);
          continue;
        }
        if (!c.ok) {
          wrong.push(`${what} accepted`);
          continue;
        }
        if (path === 'server.properties' && isTopicDefault) {
          const problem = openAppendRead(join(dir, `b${n++}`), got, new Map());
          if (problem !== null) wrong.push(`${what}: ${problem}`);
        }
      }
    }
  }
  t.deepEqual(wrong, []);
});

test('a negative log.retention.* means -1 (forever), as Kafka resolves it', (t) => {
  t.is(BrokerConfig.from({ 'log.retention.ms': '-7' }).retentionMs, -1);
  t.is(BrokerConfig.from({ 'log.retention.minutes': '-3' }).retentionMs, -1);
  t.is(BrokerConfig.from({ 'log.retention.hours': '-1' }).retentionMs, -1);
  t.is(BrokerConfig.from({ 'log.retention.ms': '-7' }).withDynamic(new Map([['log.retention.ms', '-9']])).retentionMs, -1);
});

test('min.compaction.lag.ms may not pass max.compaction.lag.ms, on a topic and on the broker (Kafka\'s LogConfig.validateValues)', (t) => {
  const conflict = { instanceOf: ConfigError, message: /^min\.compaction\.lag\.ms: / };
  t.throws(() => validateTopicOverrides(new Map([['min.compaction.lag.ms', '10'], ['max.compaction.lag.ms', '5']])), conflict);
  t.notThrows(() => validateTopicOverrides(new Map([['min.compaction.lag.ms', '5'], ['max.compaction.lag.ms', '5']])));
  t.notThrows(() => validateTopicOverrides(new Map([['min.compaction.lag.ms', '10']])));
  t.throws(() => BrokerConfig.from({ 'log.cleaner.min.compaction.lag.ms': '10', 'log.cleaner.max.compaction.lag.ms': '5' }), { instanceOf: ConfigError, message: /^log\.cleaner\.min\.compaction\.lag\.ms: / });
  t.throws(() => BrokerConfig.from({ 'log.cleaner.max.compaction.lag.ms': '5' }).withDynamic(new Map([['log.cleaner.min.compaction.lag.ms', '6']])), { instanceOf: ConfigError });
});

// ---- over the wire ----

type Described = Map<string, string | null>;

async function describe(c: WireClient, resourceType: number, resourceName: string): Promise<{ errorCode: number; configs: Described }> {
  const res = await c.request(32, 1, { resources: [{ resourceType, resourceName, configurationKeys: null }], includeSynonyms: false });
  const r = res.results[0]!;
  return { errorCode: r.errorCode, configs: new Map(r.configs.map((e) => [e.name, e.value])) };
}

/** A produce of one record, then a fetch at its offset: null when the partition serves. */
async function produceAndFetch(c: WireClient, topic: string): Promise<string | null> {
  const res = await c.request(0, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: topic as TopicName, partitionData: [{ index: 0, records: batch('v') }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  if (!PRODUCE_SERVED.has(p.errorCode)) return `produce answered ${p.errorCode}`;
  if (p.errorCode !== 0) return null;
  const f = await c.request(1, 11, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    topics: [{ topic: topic as TopicName, partitions: [{ partition: 0, fetchOffset: p.baseOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
  });
  const fp = f.responses[0]!.partitions[0]!;
  if (fp.errorCode !== 0) return `fetch answered ${fp.errorCode}`;
  const records = fp.records ?? Buffer.alloc(0);
  if (records.length < 12 || records.readBigInt64BE(0) > p.baseOffset) return `fetch at ${p.baseOffset} returned no batch holding it`;
  return null;
}

async function createTopic(c: WireClient, name: string, configs: Record<string, string>): Promise<number> {
  const res = await c.request(19, 5, {
    topics: [{ name: name as TopicName, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  return res.topics[0]!.errorCode;
}

async function deleteTopic(c: WireClient, name: string): Promise<void> {
  const res = await c.request(20, 4, { topicNames: [name as TopicName], timeoutMs: 10_000 });
  if (res.responses[0]!.errorCode !== 0) throw new Error(`delete ${name}: ${res.responses[0]!.errorCode}`);
}

type Alter = (c: WireClient, resourceType: number, resourceName: string, name: string, value: string) => Promise<number>;

const alterConfigs: Alter = async (c, resourceType, resourceName, name, value) => {
  const res = await c.request(33, 1, { resources: [{ resourceType, resourceName, configs: [{ name, value }] }], validateOnly: false });
  return res.responses[0]!.errorCode;
};

const incrementalSet: Alter = async (c, resourceType, resourceName, name, value) => {
  const res = await c.request(44, 0, { resources: [{ resourceType, resourceName, configs: [{ name, configOperation: 0, value }] }], validateOnly: false });
  return res.responses[0]!.errorCode;
};

function withBroker(title: string, body: (c: WireClient, wrong: string[]) => Promise<void>): void {
  test(title, async (t) => {
    t.timeout(120_000);
    const broker = await startTestBroker({ dataDir: tempDir(t) });
    t.teardown(() => broker.stopKeepingData());
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());
    const wrong: string[] = [];
    await body(c, wrong);
    t.deepEqual(wrong, []);
  });
}

withBroker('CreateTopics: an accepted config is stored and served, a refused one gets INVALID_CONFIG and no topic', async (c, wrong) => {
  let n = 0;
  for (const [name, rule] of TOPIC_RULES) {
    for (const { value, ok } of casesOf(rule, 'core')) {
      const topic = `create-${n++}`;
      const what = `CreateTopics ${name}=${JSON.stringify(value)}`;
      const code = await createTopic(c, topic, { [name]: value });
      const d = await describe(c, TOPIC, topic);
      if (!ok) {
        if (code !== ErrorCode.INVALID_CONFIG) wrong.push(`${what} answered ${code}`);
        if (d.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) wrong.push(`${what} left the topic behind`);
        continue;
      }
      if (code !== 0) wrong.push(`${what} answered ${code}`);
      else if (d.configs.get(name) !== canonical(rule, value)) wrong.push(`${what} described as ${d.configs.get(name)}`);
      else {
        const problem = await produceAndFetch(c, topic);
        if (problem !== null) wrong.push(`${what}: ${problem}`);
      }
      if (code === 0) await deleteTopic(c, topic);
    }
  }
});

function topicAlterSuite(label: string, alter: Alter): void {
  withBroker(`${label} on a topic: an accepted value is stored and served, a refused one gets INVALID_CONFIG and changes nothing`, async (c, wrong) => {
    const topic = 'altered';
    if ((await createTopic(c, topic, {})) !== 0) throw new Error('create failed');
    let previous: Awaited<ReturnType<typeof describe>> | null = null;
    for (const [name, rule] of TOPIC_RULES) {
      for (const { value, ok } of casesOf(rule, 'core')) {
        const what = `${label} ${name}=${JSON.stringify(value)}`;
        const before = previous ?? (await describe(c, TOPIC, topic));
        const code = await alter(c, TOPIC, topic, name, value);
        const after = await describe(c, TOPIC, topic);
        previous = after;
        if (!ok) {
          if (code !== ErrorCode.INVALID_CONFIG) wrong.push(`${what} answered ${code}`);
          if (JSON.stringify([...after.configs]) !== JSON.stringify([...before.configs])) wrong.push(`${what} changed the topic's configs`);
          continue;
        }
        if (code !== 0) wrong.push(`${what} answered ${code}`);
        else if (after.configs.get(name) !== canonical(rule, value)) wrong.push(`${what} described as ${after.configs.get(name)}`);
        const problem = await produceAndFetch(c, topic);
        if (problem !== null) wrong.push(`${what}: ${problem}`);
      }
      // back to no overrides, so one key's values do not decide another's
      await c.request(33, 1, { resources: [{ resourceType: TOPIC, resourceName: topic, configs: [] }], validateOnly: false });
      previous = null;
    }
  });
}

topicAlterSuite('AlterConfigs', alterConfigs);
topicAlterSuite('IncrementalAlterConfigs', incrementalSet);

/** Dynamic broker properties and the rule of each. */
const DYNAMIC: Array<[string, Rule]> = [...BROKER_CONFIGS.values()].filter((d) => d.dynamic).map((d) => [d.name, BROKER_RULES.get(d.name)!]);

withBroker('IncrementalAlterConfigs and AlterConfigs on the broker: accepted values apply and every topic keeps serving; refused ones get INVALID_CONFIG and change nothing', async (c, wrong) => {
  const topic = 'under-broker-defaults';
  if ((await createTopic(c, topic, {})) !== 0) throw new Error('create failed');
  for (const [label, alter] of [['IncrementalAlterConfigs', incrementalSet], ['AlterConfigs', alterConfigs]] as const) {
    for (const [name, rule] of DYNAMIC) {
      for (const { value, ok } of casesOf(rule, 'core')) {
        const what = `${label} broker ${name}=${JSON.stringify(value)}`;
        const before = await describe(c, BROKER, '');
        const code = await alter(c, BROKER, '', name, value);
        const after = await describe(c, BROKER, '');
        if (!ok) {
          if (code !== ErrorCode.INVALID_CONFIG) wrong.push(`${what} answered ${code}`);
          if (JSON.stringify([...after.configs]) !== JSON.stringify([...before.configs])) wrong.push(`${what} changed the broker's configs`);
          continue;
        }
        if (code !== 0) wrong.push(`${what} answered ${code}`);
        const problem = await produceAndFetch(c, topic);
        if (problem !== null) wrong.push(`${what}: ${problem}`);
      }
      await c.request(33, 1, { resources: [{ resourceType: BROKER, resourceName: '', configs: [] }], validateOnly: false });
    }
  }
});
