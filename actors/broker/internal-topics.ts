/**
 * Topics only the broker writes. A client write would be read back as the
 * broker's own state: a hand-made commit record in __consumer_offsets becomes
 * another group's committed offset on the next load. As Kafka (Topic.isInternal),
 * clients may read them but neither produce to nor delete records from them.
 */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}
