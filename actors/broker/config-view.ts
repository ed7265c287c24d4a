/** Configs as DescribeConfigs and CreateTopics show them: Kafka's source and type numbers. */
import type { ConfigDef, ConfigSourceName, ConfigType, TopicConfigEntry } from '../config/index.js';

export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

const TYPE_CODES: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9 };

export function typeCode(def: ConfigDef): number {
  return TYPE_CODES[def.type];
}

export function brokerSourceCode(source: ConfigSourceName): number {
  return source === 'dynamic' ? ConfigSource.DYNAMIC_BROKER_CONFIG : source === 'static' ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
}

export function topicSourceCode(entry: TopicConfigEntry): number {
  return entry.source === 'topic' ? ConfigSource.TOPIC_CONFIG : brokerSourceCode(entry.source);
}
