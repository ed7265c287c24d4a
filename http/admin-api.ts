/**
 * The read-only admin API (JSON): what this broker knows of the cluster, its
 * topics and partitions (with the logs it hosts), consumer groups with lag,
 * and configs. docs/operations.md describes each answer.
 */
import { readFileSync } from 'node:fs';
import type { Broker } from '../actors/broker/broker.js';
import { isInternalTopic } from '../actors/broker/internal-topics.js';
import { describeHosted, highWatermarkOf, type HostedPartition } from '../actors/broker/metrics/broker-gauges.js';
import type { GroupView } from '../actors/broker/groups-view.js';
import { BROKER_CONFIGS, describeTopicConfig, formatValue } from '../actors/config/index.js';
import type { TopicRecord } from '../actors/controller/metadata-file.js';
import { HttpError } from './http-error.js';

const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function clusterView(broker: Broker): unknown {
  const self = { id: broker.brokerId, host: broker.advertised.host, port: broker.advertised.port, rack: (broker.config.get('broker.rack') as string | null) ?? null };
  return { clusterId: broker.controller.clusterId, controllerId: broker.controller.controllerId(), brokerId: broker.brokerId, brokers: [...broker.controller.brokers(self)].sort((a, b) => a.id - b.id), version: VERSION };
}

function hostedByTopic(hosted: readonly HostedPartition[]): Map<string, Map<number, HostedPartition>> {
  const out = new Map<string, Map<number, HostedPartition>>();
  for (const h of hosted) {
    let m = out.get(h.topic);
    if (m === undefined) out.set(h.topic, (m = new Map()));
    m.set(h.partition, h);
  }
  return out;
}

function topicOrThrow(broker: Broker, name: string): TopicRecord {
  const topic = broker.controller.topic(name);
  if (topic === undefined) throw new HttpError(404, 'UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} does not exist`);
  return topic;
}

export async function topicsView(broker: Broker): Promise<unknown> {
  const hosted = hostedByTopic(await describeHosted(broker.partitions));
  const topics = [...broker.controller.topics()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return topics.map((t) => {
    const mine = hosted.get(t.name);
    let sizeBytes = 0;
    let messages = 0n;
    let underReplicated = 0;
    let replicationFactor = 0;
    for (let p = 0; p < t.partitions; p++) {
      const v = broker.controller.partition(t, p);
      replicationFactor = Math.max(replicationFactor, v.replicas.length);
      if (v.isr.length < v.replicas.length) underReplicated++;
      const h = mine?.get(p);
      if (h !== undefined) {
        sizeBytes += h.d.sizeBytes;
        messages += h.d.logEndOffset - h.d.logStartOffset;
      }
    }
    return { name: t.name, id: t.id, internal: isInternalTopic(t.name), partitions: t.partitions, replicationFactor, sizeBytes: mine === undefined ? -1 : sizeBytes, messages, underReplicated };
  });
}

export async function topicView(broker: Broker, name: string): Promise<unknown> {
  const t = topicOrThrow(broker, name);
  const mine = hostedByTopic(await describeHosted(broker.partitions)).get(t.name);
  const configs = describeTopicConfig(broker.config, new Map(Object.entries(t.configs))).map((e) => ({ name: e.name, value: e.def.type === 'password' ? null : e.value, source: e.source }));
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) {
    const v = broker.controller.partition(t, p);
    const h = mine?.get(p)?.d;
    partitions.push({
      partition: p,
      leader: v.leader,
      replicas: v.replicas,
      isr: v.isr,
      logStartOffset: h?.logStartOffset ?? -1n,
      logEndOffset: h?.logEndOffset ?? -1n,
      highWatermark: h === undefined ? -1n : highWatermarkOf(h),
      sizeBytes: h?.sizeBytes ?? -1,
      segments: h?.segments ?? -1,
    });
  }
  return { name: t.name, id: t.id, internal: isInternalTopic(t.name), configs, partitions };
}

async function groupsWithEnds(broker: Broker): Promise<{ groups: GroupView[]; ends: Map<string, bigint> }> {
  const view = broker.groupsView;
  const [groups, hosted] = await Promise.all([view ? view.groups() : Promise.resolve([]), describeHosted(broker.partitions)]);
  return { groups, ends: new Map(hosted.map((h) => [`${h.topic}\u0000${h.partition}`, highWatermarkOf(h.d)])) };
}

/** A committed offset's lag: the high watermark past it; -1 when this broker hosts no replica of the partition. */
function lagOf(ends: ReadonlyMap<string, bigint>, topic: string, partition: number, committed: bigint): { logEndOffset: bigint; lag: bigint } {
  const end = ends.get(`${topic}\u0000${partition}`);
  if (end === undefined) return { logEndOffset: -1n, lag: -1n };
  return { logEndOffset: end, lag: end > committed ? end - committed : 0n };
}

export async function groupsView(broker: Broker): Promise<unknown> {
  const { groups, ends } = await groupsWithEnds(broker);
  return groups.map((g) => {
    let lag = 0n;
    for (const o of g.offsets) {
      const l = lagOf(ends, o.topic, o.partition, o.committedOffset).lag;
      if (l > 0n) lag += l;
    }
    return { groupId: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.length, lag };
  });
}

export async function groupView(broker: Broker, groupId: string): Promise<unknown> {
  const { groups, ends } = await groupsWithEnds(broker);
  const g = groups.find((x) => x.groupId === groupId);
  if (g === undefined) throw new HttpError(404, 'GROUP_ID_NOT_FOUND', `group ${groupId} is not coordinated by this broker (or does not exist)`);
  return {
    ...g,
    offsets: g.offsets.map((o) => ({ topic: o.topic, partition: o.partition, committedOffset: o.committedOffset, metadata: o.metadata, commitTimestampMs: o.commitTimestampMs, ...lagOf(ends, o.topic, o.partition, o.committedOffset) })),
  };
}

export function brokerConfigsView(broker: Broker): unknown {
  const config = broker.config;
  return [...BROKER_CONFIGS.values()].map((def) => ({ name: def.name, value: def.type === 'password' ? null : formatValue(def, config.get(def.name)), source: config.source(def.name), readOnly: !def.dynamic }));
}
