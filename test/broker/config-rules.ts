/**
 * The accepted range of every config, written out from Kafka 3.9's own
 * definitions (LogConfig, ServerLogConfigs, KafkaConfig, CleanerConfig,
 * ServerConfigs, SocketServerConfigs, GroupCoordinatorConfig) and, where
 * samsa's range is its own, from docs/configuration.md. Kept apart from
 * actors/config/definitions.ts on purpose: the suites check the validator
 * against this table, not against itself.
 */

export type Rule =
  | { readonly kind: 'int' | 'short' | 'long'; readonly min?: bigint; readonly max?: bigint }
  | { readonly kind: 'double'; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly list?: true }
  | { readonly kind: 'text' }
  | { readonly kind: 'cases'; readonly accept: readonly string[]; readonly refuse: readonly string[] };

export interface Case {
  readonly value: string;
  readonly ok: boolean;
  /** Part of the short list (the boundaries and one value of each wrong type) that the over-the-wire suites send. */
  readonly core: boolean;
}

const TYPE_RANGE = {
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;
export const LONG_MAX_TEXT = '9223372036854775807';

const int = (min?: bigint): Rule => ({ kind: 'int', ...(min !== undefined ? { min } : {}) });
const long = (min?: bigint): Rule => ({ kind: 'long', ...(min !== undefined ? { min } : {}) });
const short = (min?: bigint): Rule => ({ kind: 'short', ...(min !== undefined ? { min } : {}) });
const bool: Rule = { kind: 'boolean' };
const text: Rule = { kind: 'text' };
const COMPRESSION = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'];
const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'];

/** Topic-level configs (LogConfig.configDef), plus samsa's message.decompressed.max.bytes. */
export const TOPIC_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['segment.bytes', int(14n)],
  ['segment.ms', long(1n)],
  ['segment.jitter.ms', long(0n)],
  ['segment.index.bytes', int(4n)],
  ['flush.messages', long(1n)],
  ['flush.ms', long(0n)],
  ['retention.bytes', long()],
  ['retention.ms', long(-1n)],
  ['max.message.bytes', int(0n)],
  ['index.interval.bytes', int(0n)],
  ['delete.retention.ms', long(0n)],
  ['min.compaction.lag.ms', long(0n)],
  ['max.compaction.lag.ms', long(1n)],
  ['file.delete.delay.ms', long(0n)],
  ['min.cleanable.dirty.ratio', { kind: 'double', min: 0, max: 1 }],
  ['cleanup.policy', { kind: 'enum', values: ['compact', 'delete'], list: true }],
  ['unclean.leader.election.enable', bool],
  ['min.insync.replicas', int(1n)],
  ['compression.type', { kind: 'enum', values: COMPRESSION }],
  ['preallocate', bool],
  ['message.timestamp.type', { kind: 'enum', values: TIMESTAMP_TYPES }],
  ['message.timestamp.before.max.ms', long(0n)],
  ['message.timestamp.after.max.ms', long(0n)],
  ['message.downconversion.enable', bool],
  ['message.decompressed.max.bytes', int(0n)],
]);

const LISTENERS: Rule = {
  kind: 'cases',
  accept: ['PLAINTEXT://127.0.0.1:0', 'PLAINTEXT://:0', 'plaintext://localhost:9092,PLAINTEXT://127.0.0.1:0'],
  refuse: ['SSL://127.0.0.1:9093', 'nonsense', 'PLAINTEXT://127.0.0.1:70000', 'PLAINTEXT://127.0.0.1'],
};

/** Broker properties. A property that is a topic default also meets the topic rule (Kafka validates a LogConfig built from them). */
export const BROKER_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['broker.id', int(-1n)],
  ['broker.rack', text],
  ['controlled.shutdown.enable', bool],
  ['controlled.shutdown.max.retries', int(0n)],
  ['controlled.shutdown.retry.backoff.ms', long(0n)],
  ['auto.leader.rebalance.enable', bool],
  // samsa's range (docs/configuration.md): a timer's period
  ['replica.high.watermark.checkpoint.interval.ms', long(1n)],
  ['leader.imbalance.check.interval.seconds', long(1n)],
  ['leader.imbalance.per.broker.percentage', int()],
  ['inter.broker.listener.name', { kind: 'cases', accept: ['PLAINTEXT'], refuse: ['SSL', 'BROKERS'] }],
  ['security.inter.broker.protocol', { kind: 'cases', accept: ['PLAINTEXT'], refuse: ['SSL', 'SASL_SSL'] }],
  ['broker.id.generation.enable', bool],
  ['reserved.broker.max.id', int(0n)],
  ['node.id', int(0n)],
  ['listeners', LISTENERS],
  ['advertised.listeners', LISTENERS],
  ['listener.security.protocol.map', text],
  ['socket.request.max.bytes', int(1n)],
  ['socket.send.buffer.bytes', int()],
  ['socket.receive.buffer.bytes', int()],
  // samsa: at least 1 (Kafka: any; negative disables idle expiry)
  ['connections.max.idle.ms', long(1n)],
  // samsa: at least 1 (Kafka: at least 0)
  ['max.connections', int(1n)],
  ['max.connections.per.ip', int(0n)],
  ['queued.max.requests', int(1n)],
  ['num.network.threads', int(1n)],
  ['num.io.threads', int(1n)],
  ['num.recovery.threads.per.data.dir', int(1n)],
  ['zookeeper.connect', text],
  ['zookeeper.connection.timeout.ms', int(1n)],
  ['zookeeper.session.timeout.ms', int(1n)],
  // samsa: the group timeouts and delay are bounded below (Kafka: no validator)
  ['group.initial.rebalance.delay.ms', int(0n)],
  ['group.min.session.timeout.ms', int(1n)],
  ['group.max.session.timeout.ms', int(1n)],
  ['group.max.size', int(1n)],
  ['offsets.topic.num.partitions', int(1n)],
  ['offsets.topic.segment.bytes', int(14n)],
  ['offsets.retention.minutes', int(1n)],
  ['offsets.commit.timeout.ms', int(1n)],
  ['offsets.retention.check.interval.ms', long(1n)],
  ['offset.metadata.max.bytes', int(0n)],
  ['offsets.topic.replication.factor', short(1n)],
  ['replica.lag.time.max.ms', long(1n)],
  ['replica.fetch.wait.max.ms', int(0n)],
  ['replica.fetch.min.bytes', int(1n)],
  ['replica.fetch.max.bytes', int(0n)],
  ['replica.fetch.response.max.bytes', int(0n)],
  ['replica.fetch.backoff.ms', int(0n)],
  ['transaction.state.log.replication.factor', short(1n)],
  ['transaction.state.log.min.isr', int(1n)],
  ['delete.topic.enable', bool],
  ['auto.create.topics.enable', bool],
  ['num.partitions', int(1n)],
  ['default.replication.factor', { kind: 'cases', accept: ['1', ' 1 '], refuse: ['0', '2', '-1', 'abc', '', '1.0'] }],
  ['fetch.max.bytes', int(1024n)],
  ['max.incremental.fetch.session.cache.slots', int(0n)],
  ['producer.id.expiration.ms', int(1n)],
  ['log.dirs', text],
  ['log.dir', text],
  ['log.segment.bytes', int(14n)],
  ['log.roll.hours', int(1n)],
  ['log.roll.ms', long(1n)],
  ['log.roll.jitter.ms', long(0n)],
  // KafkaConfig.logRetentionTimeMillis: any value, a negative one means -1
  ['log.retention.hours', int()],
  ['log.retention.minutes', int()],
  ['log.retention.ms', long()],
  ['log.retention.bytes', long()],
  ['log.retention.check.interval.ms', long(1n)],
  ['log.cleanup.policy', { kind: 'enum', values: ['compact', 'delete'], list: true }],
  ['log.cleaner.delete.retention.ms', long(0n)],
  ['log.cleaner.min.cleanable.ratio', { kind: 'double', min: 0, max: 1 }],
  ['log.cleaner.min.compaction.lag.ms', long(0n)],
  ['log.cleaner.max.compaction.lag.ms', long(1n)],
  ['log.cleaner.enable', bool],
  ['log.cleaner.threads', int(0n)],
  ['log.cleaner.dedupe.buffer.size', long(1048576n)],
  ['log.cleaner.backoff.ms', long(0n)],
  ['log.cleaner.io.max.bytes.per.second', { kind: 'double', min: 0, max: Number.MAX_VALUE }],
  ['log.cleaner.io.buffer.size', int(0n)],
  ['log.cleaner.io.buffer.load.factor', { kind: 'double', min: 0, max: 1 }],
  ['log.segment.delete.delay.ms', long(0n)],
  ['log.index.size.max.bytes', int(4n)],
  ['log.index.interval.bytes', int(0n)],
  ['log.flush.interval.messages', long(1n)],
  ['log.flush.interval.ms', long(0n)],
  // no validator of its own in Kafka, but it is flush.ms's default when log.flush.interval.ms is unset
  ['log.flush.scheduler.interval.ms', long(0n)],
  ['log.preallocate', bool],
  ['log.message.timestamp.type', { kind: 'enum', values: TIMESTAMP_TYPES }],
  ['log.message.timestamp.before.max.ms', long(0n)],
  ['log.message.timestamp.after.max.ms', long(0n)],
  ['message.max.bytes', int(0n)],
  ['compression.type', { kind: 'enum', values: COMPRESSION }],
  ['min.insync.replicas', int(1n)],
  ['unclean.leader.election.enable', bool],
  ['log.message.downconversion.enable', bool],
  ['message.decompressed.max.bytes', int(0n)],
  ['log.cleaner.thread.nice', { kind: 'int', min: 0n, max: 19n }],
  ['samsa.http.listener', { kind: 'cases', accept: ['http://127.0.0.1:9644', 'http://127.0.0.1:0', 'http://localhost:9644/', 'http://[::1]:0'], refuse: ['127.0.0.1:9644', 'https://127.0.0.1:9644', 'http://127.0.0.1:70000', 'http://127.0.0.1'] }],
  ['samsa.metrics.enable', bool],
  ['workers', int(0n)],
]);

/** Out-of-range, wrong-type and boundary values of a rule, each with whether it must be accepted. */
export function casesOf(rule: Rule, only: 'all' | 'core' = 'all'): Case[] {
  const out = new Map<string, Case>();
  const add = (value: string, ok: boolean, core = true) => out.set(value, { value, ok, core });
  switch (rule.kind) {
    case 'int':
    case 'short':
    case 'long': {
      const [typeMin, typeMax] = TYPE_RANGE[rule.kind];
      const lo = rule.min ?? typeMin;
      const hi = rule.max ?? typeMax;
      const inRange = (n: bigint) => n >= lo && n <= hi;
      for (const n of [-2n, -1n, 0n, 1n, 60n, 2n ** 53n + 1n, 2n ** 63n]) add(String(n), inRange(n), false);
      for (const n of [lo - 1n, lo, hi, hi + 1n]) add(String(n), inRange(n));
      add(LONG_MAX_TEXT, inRange(2n ** 63n - 1n));
      add(' 60 ', inRange(60n), false);
      for (const bad of ['abc', '', '1,2', '1.5']) add(bad, false);
      for (const bad of ['1e3', '0x10', '--1']) add(bad, false, false);
      break;
    }
    case 'double': {
      for (const n of [rule.min - 0.1, rule.min, (rule.min + rule.max) / 2, rule.max, rule.max + 0.1]) add(String(n), n >= rule.min && n <= rule.max);
      for (const bad of ['abc', '', '0.1,0.2']) add(bad, false);
      for (const bad of ['NaN', 'Infinity', '0x1']) add(bad, false, false);
      break;
    }
    case 'boolean':
      for (const v of ['true', 'false']) add(v, true);
      for (const v of ['TRUE', ' false ']) add(v, true, false);
      for (const v of ['yes', '']) add(v, false);
      for (const v of ['1', '0', 'true,false']) add(v, false, false);
      break;
    case 'enum':
      // samsa compares allowed values case-insensitively and stores Kafka's spelling
      for (const v of rule.values) {
        add(v, true);
        add(v.toUpperCase(), true);
      }
      add('nope', false);
      add(`${rule.values[0]},nope`, false);
      add(rule.values.join(','), rule.list === true);
      add('', rule.list === true);
      break;
    case 'text':
      add('anything', true);
      break;
    case 'cases':
      for (const v of rule.accept) add(v, true);
      for (const v of rule.refuse) add(v, false);
      break;
  }
  return [...out.values()].filter((c) => only === 'all' || c.core);
}

/** The value as stored and described: integers past 2^53 are kept as Long.MAX_VALUE ("never") or its negative, allowed values in Kafka's spelling. */
export function canonical(rule: Rule, value: string): string {
  const v = value.trim();
  switch (rule.kind) {
    case 'int':
    case 'short':
    case 'long': {
      const n = BigInt(v);
      if (n >= 2n ** 53n - 1n) return LONG_MAX_TEXT;
      if (n <= -(2n ** 53n - 1n)) return String(-(2n ** 53n - 1n));
      return String(n);
    }
    case 'double':
      return String(Number(v));
    case 'boolean':
      return v.toLowerCase();
    case 'enum':
      return v
        .split(',')
        .filter((s) => s.length > 0)
        .map((s) => rule.values.find((a) => a.toLowerCase() === s.toLowerCase())!)
        .join(',');
    default:
      return v;
  }
}
