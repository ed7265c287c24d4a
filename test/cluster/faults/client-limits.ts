/**
 * Client fatal errors that are the client's own defect, not the broker's,
 * told apart by their text. Only these are counted instead of failing a run;
 * any other fatal error stays a broker defect until shown otherwise.
 *
 * librdkafka before 2.3.0 (Debian bookworm ships 2.0.2), idempotent
 * producer: after a "possibly persisted" error (its request timed out, the
 * connection dropped, or the broker answered REQUEST_TIMED_OUT, as Kafka's
 * DelayedProduce does when an acks=all wait runs out), it moves its next
 * expected sequence past the batch. When that batch was never committed (a
 * leader cut off from its followers took it, then lost the leadership), the
 * new leader refuses the next batch OUT_OF_ORDER_SEQUENCE_NUMBER and
 * librdkafka raises a fatal "sequence desynchronization" (one such batch) or
 * "rewound sequence number" (several). librdkafka 2.3.0 retries such a batch
 * as not persisted instead, taking DUPLICATE_SEQUENCE_NUMBER as delivered.
 * Kafka 3.9 answers the same in that window. A desynchronization after a
 * "not persisted" error (NOT_LEADER_OR_FOLLOWER, ...) is not this: there the
 * broker said the batch was not written, and it is counted a defect.
 */
const POSSIBLY_PERSISTED_DESYNC = /(sequence desynchronization|rewound sequence number).*last (partition )?error \w+ \(actions [^)]*MsgPossiblyPersisted/;

/** Why `fatal` (a client's fatal error text) is a known client defect, or null when it is not one. */
export function knownClientFatal(fatal: string): string | null {
  if (POSSIBLY_PERSISTED_DESYNC.test(fatal)) return 'librdkafka < 2.3.0: sequence advanced past a possibly persisted batch that was not';
  return null;
}
