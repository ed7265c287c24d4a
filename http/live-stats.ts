/** /api/stats: cumulative counters and latency buckets; the console plots rates and percentiles from their deltas. */
import type { BrokerMetrics } from '../actors/broker/metrics/broker-metrics.js';

export async function liveStats(metrics: BrokerMetrics): Promise<unknown> {
  const { bytesIn, bytesOut, messagesIn, requests } = metrics.live;
  const [produce, fetch] = await Promise.all([metrics.totalTimeOf('Produce'), metrics.totalTimeOf('Fetch')]);
  return { nowMs: Date.now(), metricsEnabled: metrics.enabled, bytesIn, bytesOut, messagesIn, requests: Object.fromEntries(requests), latency: { Produce: produce, Fetch: fetch } };
}
