/** Topic-level configs: overrides stored per topic, defaults from the broker. */
import type { BrokerConfig } from './broker-config.js';
import { type ConfigDef, type ConfigValue, TOPIC_CONFIGS } from './definitions.js';
import { ConfigError, formatValue, parseValue } from './parse.js';

/** What a partition needs to know of its topic's configuration (plain data: crosses threads). */
export interface LogPolicy {
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly segmentIndexBytes: number;
  readonly indexIntervalBytes: number;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly maxMessageBytes: number;
  /** message.decompressed.max.bytes: a compressed batch decompressing to more is refused. */
  readonly maxDecompressedBytes: number;
  readonly logAppendTime: boolean;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly cleanupPolicy: readonly string[];
  /** cleanup.policy includes compact: every record produced must have a key (Kafka's INVALID_RECORD otherwise). */
  readonly compacted: boolean;
  /** compression.type as a codec id (0 none .. 4 zstd), or -1 for 'producer': batches stay as produced. */
  readonly compression: number;
  /** message.downconversion.enable: Fetch below v4 may be served stored batches converted to magic 0/1. */
  readonly downConversion: boolean;
  /** min.insync.replicas: acks=-1 produce needs an ISR this large. */
  readonly minInsyncReplicas: number;
  /** The log cleaner's topic settings (used when `compacted`). */
  readonly deleteRetentionMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
}

const CODEC_IDS: Readonly<Record<string, number>> = { producer: -1, uncompressed: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** Validates override values; returns them normalised to Kafka's text form. */
export function validateTopicOverrides(overrides: ReadonlyMap<string, string | null>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, raw] of overrides) {
    const def = TOPIC_CONFIGS.get(name);
    if (def === undefined) throw new ConfigError(name, 'unknown topic config');
    if (raw === null) throw new ConfigError(name, 'null value');
    const value = parseValue(def, raw, 'topic');
    out.set(name, formatValue(def, value) ?? '');
  }
  checkCompactionLags(out);
  return out;
}

/**
 * Kafka's LogConfig.validateValues: min.compaction.lag.ms may not pass
 * max.compaction.lag.ms, an absent one taking Kafka's default (as Kafka
 * parses the overrides against LogConfig's own defaults).
 */
function checkCompactionLags(overrides: ReadonlyMap<string, string>): void {
  const lag = (name: string) => {
    const def = TOPIC_CONFIGS.get(name)!;
    const v = overrides.get(name);
    return v !== undefined ? (parseValue(def, v, 'topic') as number) : (def.default as number);
  };
  const min = lag('min.compaction.lag.ms');
  const max = lag('max.compaction.lag.ms');
  if (min > max) throw new ConfigError('min.compaction.lag.ms', `${min} is more than max.compaction.lag.ms (${max})`);
}

export interface TopicConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly source: 'topic' | 'dynamic' | 'static' | 'default';
  readonly def: ConfigDef;
  /** Broker-level synonym when the value comes from it. */
  readonly brokerName: string;
}

export function describeTopicConfig(broker: BrokerConfig, overrides: ReadonlyMap<string, string>): TopicConfigEntry[] {
  const out: TopicConfigEntry[] = [];
  for (const [name, def] of TOPIC_CONFIGS) {
    const override = overrides.get(name);
    if (override !== undefined) {
      out.push({ name, value: override, source: 'topic', def, brokerName: def.name });
    } else {
      const value = formatValue(def, broker.topicDefault(def));
      out.push({ name, value, source: broker.topicDefaultSource(def), def, brokerName: def.name });
    }
  }
  return out;
}

export function logPolicy(broker: BrokerConfig, overrides: ReadonlyMap<string, string>): LogPolicy {
  const v = (topicName: string): ConfigValue => {
    const def = TOPIC_CONFIGS.get(topicName)!;
    const override = overrides.get(topicName);
    return override !== undefined ? parseValue(def, override, 'topic') : broker.topicDefault(def);
  };
  const cleanupPolicy = v('cleanup.policy') as string[];
  return {
    segmentBytes: v('segment.bytes') as number,
    segmentMs: v('segment.ms') as number,
    segmentIndexBytes: v('segment.index.bytes') as number,
    indexIntervalBytes: v('index.interval.bytes') as number,
    retentionMs: v('retention.ms') as number,
    retentionBytes: v('retention.bytes') as number,
    maxMessageBytes: v('max.message.bytes') as number,
    maxDecompressedBytes: v('message.decompressed.max.bytes') as number,
    logAppendTime: v('message.timestamp.type') === 'LogAppendTime',
    flushMessages: v('flush.messages') as number,
    flushMs: v('flush.ms') as number,
    cleanupPolicy,
    compacted: cleanupPolicy.includes('compact'),
    compression: CODEC_IDS[v('compression.type') as string] ?? -1,
    downConversion: v('message.downconversion.enable') as boolean,
    minInsyncReplicas: v('min.insync.replicas') as number,
    deleteRetentionMs: v('delete.retention.ms') as number,
    minCleanableDirtyRatio: v('min.cleanable.dirty.ratio') as number,
    minCompactionLagMs: v('min.compaction.lag.ms') as number,
    maxCompactionLagMs: v('max.compaction.lag.ms') as number,
  };
}
