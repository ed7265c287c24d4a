/**
 * The broker's configuration: static values (defaults, file, flags, env,
 * embedding options) plus dynamic overrides set through AlterConfigs.
 * Immutable: a change produces a new BrokerConfig.
 */
import { parseHttpListener } from './http-listener.js';
import { BROKER_CONFIGS, type ConfigDef, type ConfigValue, LONG_MAX, TOPIC_CONFIGS } from './definitions.js';
import { checkRange, ConfigError, dottedName, parseValue } from './parse.js';

export type ConfigSourceName = 'default' | 'static' | 'dynamic';

export interface ConfigWarning {
  readonly property: string;
  readonly message: string;
}

export class BrokerConfig {
  private constructor(
    private readonly values: ReadonlyMap<string, ConfigValue>,
    private readonly sources: ReadonlyMap<string, ConfigSourceName>,
    readonly warnings: readonly ConfigWarning[],
    private readonly staticConfig: BrokerConfig | null,
    /** Dynamic overrides as given (for persisting them). */
    readonly dynamicOverrides: ReadonlyMap<string, string>,
  ) {}

  /**
   * Later sources win. Names may be Kafka's dotted names or camelCase.
   * Unknown names are kept as warnings (Kafka logs and ignores them).
   */
  static from(...layers: Array<Record<string, unknown> | Map<string, unknown> | undefined>): BrokerConfig {
    const values = new Map<string, ConfigValue>();
    const sources = new Map<string, ConfigSourceName>();
    const warnings: ConfigWarning[] = [];
    for (const def of BROKER_CONFIGS.values()) {
      values.set(def.name, def.default);
      sources.set(def.name, 'default');
    }
    for (const layer of layers) {
      if (layer === undefined) continue;
      const entries = layer instanceof Map ? [...layer.entries()] : Object.entries(layer);
      for (const [rawName, raw] of entries) {
        if (raw === undefined) continue;
        const name = dottedName(rawName);
        const def = BROKER_CONFIGS.get(name);
        if (def === undefined) {
          warnings.push({ property: name, message: 'unknown property, ignored' });
          continue;
        }
        values.set(name, parseValue(def, raw));
        sources.set(name, 'static');
      }
    }
    const config = new BrokerConfig(values, sources, warnings, null, new Map());
    config.validate();
    return config;
  }

  /** The same static configuration with one property set (a broker id generated at start-up). */
  withStatic(name: string, raw: unknown): BrokerConfig {
    const def = BROKER_CONFIGS.get(name);
    if (def === undefined) throw new ConfigError(name, 'unknown broker config');
    const values = new Map(this.values);
    const sources = new Map(this.sources);
    values.set(name, parseValue(def, raw));
    sources.set(name, 'static');
    const config = new BrokerConfig(values, sources, this.warnings, null, new Map());
    config.validate();
    return config;
  }

  /** The static configuration with these dynamic broker-level overrides on top. */
  withDynamic(overrides: ReadonlyMap<string, string>): BrokerConfig {
    const base = this.staticConfig ?? this;
    const values = new Map(base.values);
    const sources = new Map(base.sources);
    for (const [name, raw] of overrides) {
      const def = BROKER_CONFIGS.get(name);
      if (def === undefined) throw new ConfigError(name, 'unknown broker config');
      if (!def.dynamic) throw new ConfigError(name, 'cannot be changed while the broker runs');
      values.set(name, parseValue(def, raw));
      sources.set(name, 'dynamic');
    }
    const config = new BrokerConfig(values, sources, base.warnings, base, new Map(overrides));
    config.validate();
    return config;
  }

  private validate(): void {
    for (const l of this.listeners) listenerOf(l, 'listeners');
    for (const l of this.advertisedListeners) listenerOf(l, 'advertised.listeners');
    const http = this.get('samsa.http.listener');
    if (typeof http === 'string' && http.trim() !== '') parseHttpListener(http);
    if (this.defaultReplicationFactor !== 1 && this.get('zookeeper.connect') === null) {
      throw new ConfigError('default.replication.factor', 'a single node (no zookeeper.connect) serves replication factor 1 only');
    }
    // Kafka builds every log's config from the broker values and validates it
    // with the topic-level rules: a broker default no topic could hold is refused here.
    for (const def of TOPIC_CONFIGS.values()) {
      const value = this.topicDefault(def);
      if (typeof value === 'number') checkRange(def, value, 'topic', this.topicDefaultProperty(def));
    }
    const minLag = this.int('log.cleaner.min.compaction.lag.ms');
    const maxLag = this.int('log.cleaner.max.compaction.lag.ms');
    if (minLag > maxLag) {
      throw new ConfigError('log.cleaner.min.compaction.lag.ms', `${minLag} is more than log.cleaner.max.compaction.lag.ms (${maxLag})`);
    }
  }

  get(name: string): ConfigValue {
    if (!this.values.has(name)) throw new ConfigError(name, 'unknown broker config');
    return this.values.get(name)!;
  }

  source(name: string): ConfigSourceName {
    return this.sources.get(name) ?? 'default';
  }

  definition(name: string): ConfigDef | undefined {
    return BROKER_CONFIGS.get(name);
  }

  names(): IterableIterator<string> {
    return this.values.keys();
  }

  private int(name: string): number {
    return this.get(name) as number;
  }

  get brokerId(): number {
    return (this.get('node.id') as number | null) ?? this.int('broker.id');
  }
  get listeners(): string[] {
    return this.get('listeners') as string[];
  }
  get advertisedListeners(): string[] {
    return (this.get('advertised.listeners') as string[] | null) ?? [];
  }
  get logDir(): string {
    const dirs = this.get('log.dirs') as string[] | null;
    return dirs && dirs.length > 0 ? dirs[0]! : (this.get('log.dir') as string);
  }
  get requestMaxBytes(): number {
    return this.int('socket.request.max.bytes');
  }
  get connectionsMaxIdleMs(): number {
    return this.int('connections.max.idle.ms');
  }
  get maxConnections(): number {
    return this.int('max.connections');
  }
  get maxConnectionsPerIp(): number {
    return this.int('max.connections.per.ip');
  }
  get queuedMaxRequests(): number {
    return this.int('queued.max.requests');
  }
  get autoCreateTopics(): boolean {
    return this.get('auto.create.topics.enable') as boolean;
  }
  get deleteTopicEnable(): boolean {
    return this.get('delete.topic.enable') as boolean;
  }
  get numPartitions(): number {
    return this.int('num.partitions');
  }
  get defaultReplicationFactor(): number {
    return this.int('default.replication.factor');
  }
  get fetchMaxBytes(): number {
    return this.int('fetch.max.bytes');
  }
  get fetchSessionSlots(): number {
    return this.int('max.incremental.fetch.session.cache.slots');
  }
  get producerIdExpirationMs(): number {
    return this.int('producer.id.expiration.ms');
  }
  get retentionCheckIntervalMs(): number {
    return this.int('log.retention.check.interval.ms');
  }
  get workers(): number {
    return this.int('workers');
  }

  /** log.retention.ms, else minutes, else hours; any negative means -1 (forever), as KafkaConfig.logRetentionTimeMillis resolves them. */
  get retentionMs(): number {
    const ms = this.get('log.retention.ms') as number | null;
    const minutes = this.get('log.retention.minutes') as number | null;
    const resolved = ms ?? (minutes !== null ? minutes * 60_000 : this.int('log.retention.hours') * 3_600_000);
    return resolved < 0 ? -1 : resolved;
  }
  get rollMs(): number {
    return (this.get('log.roll.ms') as number | null) ?? this.int('log.roll.hours') * 3_600_000;
  }
  get flushMs(): number {
    return (this.get('log.flush.interval.ms') as number | null) ?? this.int('log.flush.scheduler.interval.ms');
  }

  /** Broker-level value used as the default of a topic config (resolving derived ones). */
  topicDefault(def: ConfigDef): ConfigValue {
    switch (def.name) {
      case 'log.retention.ms':
        return this.retentionMs;
      case 'log.roll.ms':
        return this.rollMs;
      case 'log.flush.interval.ms':
        return this.flushMs;
      default:
        return this.get(def.name);
    }
  }

  /** The broker property a topic default is taken from (the first of a derived chain that is set). */
  topicDefaultProperty(def: ConfigDef): string {
    const chain =
      def.name === 'log.retention.ms'
        ? ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']
        : def.name === 'log.roll.ms'
          ? ['log.roll.ms', 'log.roll.hours']
          : def.name === 'log.flush.interval.ms'
            ? ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']
            : [def.name];
    return chain.find((n) => this.get(n) !== null) ?? chain[chain.length - 1]!;
  }

  /** Where the broker-level value used as a topic default comes from. */
  topicDefaultSource(def: ConfigDef): ConfigSourceName {
    const names =
      def.name === 'log.retention.ms'
        ? ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']
        : def.name === 'log.roll.ms'
          ? ['log.roll.ms', 'log.roll.hours']
          : [def.name];
    const sources = names.map((n) => this.source(n));
    return sources.includes('dynamic') ? 'dynamic' : sources.includes('static') ? 'static' : 'default';
  }
}

export { LONG_MAX };

export interface Listener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** `PLAINTEXT://host:port`; an empty host means 127.0.0.1 (samsa never binds beyond loopback by default). */
export function parseListener(text: string): Listener {
  return listenerOf(text, 'listeners');
}

function listenerOf(text: string, property: string): Listener {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text.trim());
  if (m === null) throw new ConfigError(property, `expected NAME://host:port, got ${JSON.stringify(text)}`);
  const name = m[1]!.toUpperCase();
  if (name !== 'PLAINTEXT') throw new ConfigError(property, `only PLAINTEXT listeners are served, got ${name}`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(property, `port out of range: ${port}`);
  const host = m[2]!.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { name, host, port };
}
