/**
 * The single node's gauges, computed at each scrape: every hosted partition's
 * log (one describe to each, shared by the log gauges), connections, consumer
 * groups and their lag, and the actor runtime. The cluster layer adds its
 * replication gauges beside these (cluster/broker/replication-gauges.ts).
 */
import { FLUSH_BUCKETS_MS } from '../../../native/index.js';
import type { PartitionDescription } from '../../partition/messages.js';
import type { ActorSystem } from '../../runtime/index.js';
import type { PartitionRouter } from '../partition-router.js';
import type { GroupsView, GroupView } from '../groups-view.js';
import type { BrokerMetrics } from './broker-metrics.js';
import { SummedHistogram } from './summed-histogram.js';

export interface GaugeSource {
  readonly metrics: BrokerMetrics;
  readonly partitions: PartitionRouter;
  readonly system: ActorSystem;
  readonly connectionCount: number;
  readonly groupsView?: GroupsView | null;
}

export interface HostedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly d: PartitionDescription;
}

/** Every hosted partition's description; those that did not answer are left out. */
export async function describeHosted(partitions: PartitionRouter): Promise<HostedPartition[]> {
  const out: HostedPartition[] = [];
  for (const r of await partitions.broadcast<PartitionDescription>({ t: 'describe' })) if (r.outcome.ok) out.push({ topic: r.topic, partition: r.partition, d: r.outcome.value });
  return out;
}

/** A partition's high watermark: a cluster replica's own, a single node's log end. */
export function highWatermarkOf(d: PartitionDescription): bigint {
  return d.highWatermark >= 0n ? d.highWatermark : d.logEndOffset;
}

export function registerBrokerGauges(b: GaugeSource): void {
  const m = b.metrics;
  let hosted: HostedPartition[] = [];
  let groups: GroupView[] = [];
  let mailboxes: Awaited<ReturnType<ActorSystem['mailboxes']>> = [];
  m.beforeScrape(async () => {
    [hosted, groups, mailboxes] = await Promise.all([describeHosted(b.partitions), b.groupsView?.groups().catch(() => []) ?? [], b.system.mailboxes()]);
  });
  const perPartition = (name: string, help: string, value: (d: PartitionDescription) => number | bigint) =>
    m.gauge(name, help, ['topic', 'partition'], (g) => {
      for (const p of hosted) g.labels(p.topic, String(p.partition)).set(Number(value(p.d)));
    });
  perPartition('kafka_log_log_size', 'Bytes of the partition log on disk', (d) => d.sizeBytes);
  perPartition('kafka_log_log_numlogsegments', 'Segments of the partition log', (d) => d.segments);
  perPartition('kafka_log_log_logstartoffset', 'First offset of the partition log', (d) => d.logStartOffset);
  perPartition('kafka_log_log_logendoffset', 'Offset the next append to the partition log takes', (d) => d.logEndOffset);
  m.gauge('kafka_server_replicamanager_partitioncount', 'Partitions hosted by this broker', [], (g) => g.set(hosted.length));
  const flushes = new SummedHistogram('kafka_log_logflushstats_logflushrateandtimems', 'Time of log fsyncs (flush.messages, flush.ms, checkpoints, shutdown), ms', FLUSH_BUCKETS_MS, m.registry);
  m.beforeScrape(() => flushes.set(hosted.map((p) => p.d.flush)));
  m.gauge('kafka_server_socketservermetrics_connection_count', 'Live client connections', [], (g) => g.set(b.connectionCount));

  const threadOf = (t: number) => (t < 0 ? 'main' : `worker-${t}`);
  m.gauge('samsa_actor_mailbox_depth', 'Messages waiting in the mailboxes of a kind of actor, by thread', ['kind', 'thread'], (g) => {
    for (const x of mailboxes) g.labels(x.kind, threadOf(x.thread)).set(x.queued);
  });
  m.gauge('samsa_actor_mailbox_max_depth', 'The fullest mailbox of a kind of actor, by thread', ['kind', 'thread'], (g) => {
    for (const x of mailboxes) g.labels(x.kind, threadOf(x.thread)).set(x.maxQueued);
  });
  m.gauge('samsa_actor_count', 'Actors running, by kind and thread', ['kind', 'thread'], (g) => {
    for (const x of mailboxes) g.labels(x.kind, threadOf(x.thread)).set(x.actors);
  });
  m.gauge('samsa_worker_pool_queue_size', 'Stateless jobs (log cleaning) waiting for a pool worker', [], (g) => g.set(b.system.jobQueue()?.queued ?? 0));
  m.gauge('samsa_worker_pool_wait_time_ms', 'How long pool jobs waited for a worker (piscina), ms', ['quantile'], (g) => {
    const q = b.system.jobQueue();
    if (q === null) return;
    g.labels('0.5').set(q.waitP50Ms);
    g.labels('0.99').set(q.waitP99Ms);
    g.labels('1').set(q.waitMaxMs);
  });

  m.gauge('kafka_coordinator_group_groupmetadatamanager_numgroups', 'Consumer groups coordinated by this broker, by state', ['state'], (g) => {
    const byState = new Map<string, number>();
    for (const x of groups) byState.set(x.state, (byState.get(x.state) ?? 0) + 1);
    for (const [state, n] of byState) g.labels(state).set(n);
  });
  m.gauge('kafka_consumergroup_members', 'Members of a consumer group', ['consumergroup'], (g) => {
    for (const x of groups) g.labels(x.groupId).set(x.members.length);
  });
  m.gauge('kafka_consumergroup_current_offset', "A group's committed offset", ['consumergroup', 'topic', 'partition'], (g) => {
    for (const x of groups) for (const o of x.offsets) g.labels(x.groupId, o.topic, String(o.partition)).set(Number(o.committedOffset));
  });
  m.gauge('kafka_consumergroup_lag', "High watermark minus a group's committed offset, for partitions hosted by this broker", ['consumergroup', 'topic', 'partition'], (g) => {
    const hw = new Map(hosted.map((p) => [`${p.topic}\u0000${p.partition}`, highWatermarkOf(p.d)]));
    for (const x of groups) {
      for (const o of x.offsets) {
        const end = hw.get(`${o.topic}\u0000${o.partition}`);
        if (end !== undefined) g.labels(x.groupId, o.topic, String(o.partition)).set(Math.max(0, Number(end - o.committedOffset)));
      }
    }
  });
}
