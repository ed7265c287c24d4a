/**
 * The broker's Prometheus metrics: one prom-client Registry per broker (an
 * embedding process may run several), named as the usual JMX-to-Prometheus
 * mapping names Kafka's MBeans (kafka.server:type=BrokerTopicMetrics,
 * name=BytesInPerSec,topic=t -> kafka_server_brokertopicmetrics_bytesin_total
 * {topic="t"}). docs/operations.md lists them.
 *
 * The hot path only increments counters and observes histograms through
 * children cached per label value; gauges that need a look at partitions or
 * groups are computed when scraped, by collectors the layers register.
 * Disabled (samsa.metrics.enable=false), every request-path hook returns at
 * once; what is computed at scrape time is still served.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { API_CODECS, errorInfo } from '../../../protocol/index.js';
import { forEachErrorCode } from './error-codes.js';
import type { RequestTiming } from './request-timing.js';

/** Request phase buckets, ms: Kafka's request times run from well under 1 ms to a Fetch's long poll. */
export const LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

const PHASES = ['requestqueuetimems', 'localtimems', 'remotetimems', 'responsequeuetimems', 'responsesendtimems', 'totaltimems'] as const;
type Phase = (typeof PHASES)[number];
const PHASE_HELP: Record<Phase, string> = {
  requestqueuetimems: 'Time a request waited in its connection before being handled (ms)',
  localtimems: 'Time a request was handled by this broker, not counting time parked (ms)',
  remotetimems: 'Time a request was parked on others: acks=all followers, a Fetch long poll (ms)',
  responsequeuetimems: 'Time a response waited for earlier responses on its connection (ms)',
  responsesendtimems: 'Time from handing a response to the socket until the socket took it (ms)',
  totaltimems: 'Time from a request read to its response taken by the socket (ms)',
};

interface RequestChildren {
  readonly requests: Counter.Internal;
  readonly phases: Record<Phase, Histogram.Internal<string>>;
}

interface TopicChildren {
  readonly messagesIn: Counter.Internal;
  readonly bytesIn: Counter.Internal;
  readonly bytesOut: Counter.Internal;
  readonly totalProduce: Counter.Internal;
  readonly failedProduce: Counter.Internal;
  readonly totalFetch: Counter.Internal;
  readonly failedFetch: Counter.Internal;
}

export type Collector = () => void | Promise<void>;

/** Cumulative figures the console plots (api/stats). */
export interface LiveStats {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  readonly requests: Map<string, number>;
}

export class BrokerMetrics {
  readonly registry = new Registry();
  /** Counted beside prom-client so the console's live view needs no scrape. */
  readonly live: LiveStats = { bytesIn: 0, bytesOut: 0, messagesIn: 0, requests: new Map() };
  private readonly requestChildren = new Map<number, RequestChildren>();
  private readonly topicChildren = new Map<string, TopicChildren>();
  private readonly collectors: Collector[] = [];
  private readonly requests: Counter;
  private readonly errors: Counter;
  private readonly phases: Record<Phase, Histogram>;
  private readonly topics: Record<keyof TopicChildren, Counter>;
  private readonly connectionsCreated: Counter;
  private readonly connectionsClosed: Counter;

  constructor(readonly enabled: boolean) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'kafka_network_requestmetrics_requests_total', help: 'Requests answered, by API', labelNames: ['request'], registers });
    this.errors = new Counter({ name: 'kafka_network_requestmetrics_errors_total', help: 'Non-zero error codes in responses, by API and error', labelNames: ['request', 'error'], registers });
    this.phases = Object.fromEntries(
      PHASES.map((p) => [p, new Histogram({ name: `kafka_network_requestmetrics_${p}`, help: PHASE_HELP[p], labelNames: ['request'], buckets: LATENCY_BUCKETS_MS, registers })]),
    ) as Record<Phase, Histogram>;
    const topicCounter = (name: string, help: string) => new Counter({ name: `kafka_server_brokertopicmetrics_${name}_total`, help, labelNames: ['topic'], registers });
    this.topics = {
      messagesIn: topicCounter('messagesin', 'Records appended by produce requests'),
      bytesIn: topicCounter('bytesin', 'Record bytes appended by produce requests'),
      bytesOut: topicCounter('bytesout', 'Record bytes sent to consumers (not to followers)'),
      totalProduce: topicCounter('totalproducerequests', 'Produce requests, counted per topic they name'),
      failedProduce: topicCounter('failedproducerequests', 'Produce requests refused for the topic'),
      totalFetch: topicCounter('totalfetchrequests', 'Consumer fetches, counted per topic they name'),
      failedFetch: topicCounter('failedfetchrequests', 'Consumer fetches answered with an error for the topic'),
    };
    this.connectionsCreated = new Counter({ name: 'kafka_server_socketservermetrics_connection_creation_total', help: 'Client connections accepted', registers });
    this.connectionsClosed = new Counter({ name: 'kafka_server_socketservermetrics_connection_close_total', help: 'Client connections closed', registers });
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge computed at each scrape: `collect` sets it (and may look at partitions or groups). */
  gauge(name: string, help: string, labelNames: readonly string[], collect: (g: Gauge) => void | Promise<void>): Gauge {
    return new Gauge({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  }

  /** Work run once before each scrape (a look at every partition shared by several gauges). */
  beforeScrape(c: Collector): void {
    this.collectors.push(c);
  }

  /** The Prometheus text exposition. */
  async scrape(): Promise<string> {
    for (const c of this.collectors) await c();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A request handled: counts, error codes of its response. */
  answered(timing: RequestTiming, body: unknown): void {
    if (!this.enabled) return;
    timing.answeredMs = performance.now();
    if (body === null) return;
    const name = apiName(timing.apiKey);
    forEachErrorCode(body, (code) => this.errors.labels(name, errorInfo(code)?.name ?? `UNKNOWN_${code}`).inc());
  }

  /** The response is taken by the socket (or there is none: acks=0): every phase is known. */
  finished(t: RequestTiming): void {
    if (!this.enabled) return;
    const c = this.childrenFor(t.apiKey);
    const end = performance.now();
    const answered = t.answeredMs || end;
    const sending = t.sendingMs || answered;
    c.requests.inc();
    this.live.requests.set(apiName(t.apiKey), (this.live.requests.get(apiName(t.apiKey)) ?? 0) + 1);
    c.phases.requestqueuetimems.observe(t.dispatchedMs - t.arrivedMs);
    c.phases.localtimems.observe(Math.max(0, answered - t.dispatchedMs - t.remoteMs));
    c.phases.remotetimems.observe(t.remoteMs);
    c.phases.responsequeuetimems.observe(sending - answered);
    c.phases.responsesendtimems.observe(end - sending);
    c.phases.totaltimems.observe(end - t.arrivedMs);
  }

  produced(topic: string, messages: number, bytes: number): void {
    if (!this.enabled) return;
    const c = this.topicFor(topic);
    c.totalProduce.inc();
    c.messagesIn.inc(messages);
    c.bytesIn.inc(bytes);
    this.live.messagesIn += messages;
    this.live.bytesIn += bytes;
  }

  produceFailed(topic: string): void {
    if (!this.enabled) return;
    const c = this.topicFor(topic);
    c.totalProduce.inc();
    c.failedProduce.inc();
  }

  fetched(topic: string, bytes: number, failed: boolean): void {
    if (!this.enabled) return;
    const c = this.topicFor(topic);
    c.totalFetch.inc();
    if (failed) c.failedFetch.inc();
    if (bytes > 0) {
      c.bytesOut.inc(bytes);
      this.live.bytesOut += bytes;
    }
  }

  connectionOpened(): void {
    if (this.enabled) this.connectionsCreated.inc();
  }

  connectionClosed(): void {
    if (this.enabled) this.connectionsClosed.inc();
  }

  /** A deleted topic's series go with it. */
  topicDeleted(topic: string): void {
    if (!this.topicChildren.delete(topic)) return;
    for (const counter of Object.values(this.topics)) counter.remove(topic);
  }

  /** The cumulative counts and bucket counts of one API's total time (for the console's live view). */
  async totalTimeOf(api: string): Promise<{ count: number; sumMs: number; buckets: Array<[number, number]> }> {
    const data = await this.phases.totaltimems.get();
    const buckets: Array<[number, number]> = [];
    let count = 0;
    let sumMs = 0;
    for (const v of data.values) {
      if (v.labels.request !== api) continue;
      if (v.metricName?.endsWith('_bucket')) {
        if (v.labels.le !== '+Inf') buckets.push([Number(v.labels.le), v.value]);
      } else if (v.metricName?.endsWith('_sum')) sumMs = v.value;
      else if (v.metricName?.endsWith('_count')) count = v.value;
    }
    if (buckets.length === 0) for (const le of LATENCY_BUCKETS_MS) buckets.push([le, 0]);
    return { count, sumMs, buckets };
  }

  private childrenFor(apiKey: number): RequestChildren {
    let c = this.requestChildren.get(apiKey);
    if (c === undefined) {
      const name = apiName(apiKey);
      c = { requests: this.requests.labels(name), phases: Object.fromEntries(PHASES.map((p) => [p, this.phases[p].labels(name)])) as Record<Phase, Histogram.Internal<string>> };
      this.requestChildren.set(apiKey, c);
    }
    return c;
  }

  private topicFor(topic: string): TopicChildren {
    let c = this.topicChildren.get(topic);
    if (c === undefined) {
      const t = this.topics;
      c = {
        messagesIn: t.messagesIn.labels(topic),
        bytesIn: t.bytesIn.labels(topic),
        bytesOut: t.bytesOut.labels(topic),
        totalProduce: t.totalProduce.labels(topic),
        failedProduce: t.failedProduce.labels(topic),
        totalFetch: t.totalFetch.labels(topic),
        failedFetch: t.failedFetch.labels(topic),
      };
      this.topicChildren.set(topic, c);
    }
    return c;
  }
}

export function apiName(apiKey: number): string {
  return API_CODECS[apiKey]?.name ?? `Api${apiKey}`;
}
