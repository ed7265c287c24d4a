/**
 * How much one Fetch may return and how long it may park, the same for
 * consumers and followers: maxBytes within fetch.max.bytes, minBytes no more
 * than that (a response never holds more than maxBytes but for one batch,
 * so waiting for more would wait out max.wait.ms), and the wait clamped to
 * what a request may reasonably park.
 */
import type { BrokerCore } from '../broker-core.js';

/** Kafka clamps fetch.max.wait.ms from clients to what a request may reasonably park. */
const MAX_WAIT_MS = 60_000;

export function fetchBounds(broker: BrokerCore, req: { maxWaitMs: number; minBytes: number; maxBytes: number }): { maxBytes: number; minBytes: number; deadline: number } {
  const maxBytes = Math.max(0, Math.min(req.maxBytes, broker.config.fetchMaxBytes));
  return { maxBytes, minBytes: Math.min(req.minBytes, maxBytes), deadline: broker.now() + Math.min(Math.max(req.maxWaitMs, 0), MAX_WAIT_MS) };
}
