/**
 * Group coordinator settings, by Kafka's property names and defaults. Plain
 * data: they travel to the coordinator actors in their load message.
 */

export interface GroupSettings {
  /** group.min.session.timeout.ms */
  readonly minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  readonly maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members */
  readonly initialRebalanceDelayMs: number;
  /** group.max.size */
  readonly maxGroupSize: number;
  /** offsets.retention.minutes, in ms */
  readonly offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: longer commit metadata is refused with OFFSET_METADATA_TOO_LARGE */
  readonly offsetMetadataMaxBytes: number;
  /** offsets.topic.num.partitions */
  readonly offsetsTopicPartitions: number;
  /** offsets.topic.segment.bytes: the topic's segment.bytes when it is created */
  readonly offsetsTopicSegmentBytes: number;
  /** groups one shard holds; a join that would create more is refused (COORDINATOR_NOT_AVAILABLE) */
  readonly maxGroupsPerShard: number;
}

const INT_MAX = 2147483647;

export const defaultGroupSettings: GroupSettings = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1800000,
  initialRebalanceDelayMs: 3000,
  maxGroupSize: INT_MAX,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  offsetsRetentionCheckIntervalMs: 600000,
  offsetMetadataMaxBytes: 4096,
  offsetsTopicPartitions: 50,
  offsetsTopicSegmentBytes: 104857600,
  maxGroupsPerShard: 100_000,
};

/** Kafka's classic-group constant: how long a new member may wait in its first join before it is dropped. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export function groupSettings(overrides: Partial<GroupSettings> = {}): GroupSettings {
  const s = { ...defaultGroupSettings, ...overrides };
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`group setting ${k} must be a non-negative integer, got ${String(v)}`);
  }
  if (s.minSessionTimeoutMs > s.maxSessionTimeoutMs) throw new RangeError('group.min.session.timeout.ms exceeds group.max.session.timeout.ms');
  if (s.offsetsTopicPartitions < 1) throw new RangeError('offsets.topic.num.partitions must be at least 1');
  if (s.maxGroupSize < 1) throw new RangeError('group.max.size must be at least 1');
  return s;
}
