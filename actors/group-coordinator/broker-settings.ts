/**
 * Group settings from the broker's configuration, by Kafka's property names.
 * Properties the broker's config registry does not define yet keep Kafka's
 * defaults.
 */
import type { BrokerConfig } from '../config/index.js';
import { groupSettings, type GroupSettings } from './settings.js';

const PROPERTIES: ReadonlyArray<[keyof GroupSettings, string, number]> = [
  ['minSessionTimeoutMs', 'group.min.session.timeout.ms', 1],
  ['maxSessionTimeoutMs', 'group.max.session.timeout.ms', 1],
  ['initialRebalanceDelayMs', 'group.initial.rebalance.delay.ms', 1],
  ['maxGroupSize', 'group.max.size', 1],
  ['offsetsRetentionMs', 'offsets.retention.minutes', 60_000],
  ['offsetsRetentionCheckIntervalMs', 'offsets.retention.check.interval.ms', 1],
  ['offsetMetadataMaxBytes', 'offset.metadata.max.bytes', 1],
  ['offsetsTopicPartitions', 'offsets.topic.num.partitions', 1],
  ['offsetsTopicSegmentBytes', 'offsets.topic.segment.bytes', 1],
];

export function groupSettingsFromConfig(config: BrokerConfig, overrides: Partial<GroupSettings> = {}): GroupSettings {
  const s: Partial<Record<keyof GroupSettings, number>> = {};
  for (const [key, property, scale] of PROPERTIES) {
    if (config.definition(property) === undefined) continue;
    const v = config.get(property);
    if (typeof v === 'number') s[key] = v * scale;
    else if (typeof v === 'bigint') s[key] = Number(v) * scale;
  }
  return groupSettings({ ...s, ...overrides });
}
