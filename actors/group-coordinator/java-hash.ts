/**
 * Which `__consumer_offsets` partition owns a group: Kafka's
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`, so a group
 * lands on the same partition number here as on a Java broker (tools that
 * compute it, and data moved between the two, agree).
 */

/** Java's String.hashCode: over UTF-16 code units, `h = 31 * h + c` with int32 wrap-around. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: clears the sign bit, so Integer.MIN_VALUE maps to 0 rather than staying negative. */
export function kafkaAbs(n: number): number {
  return n & 0x7fffffff;
}

export function partitionForGroup(groupId: string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new RangeError(`offsets.topic.num.partitions must be a positive integer, got ${numPartitions}`);
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
