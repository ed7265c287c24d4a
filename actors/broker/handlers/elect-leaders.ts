/**
 * ElectLeaders (43) v0-2. On a single node every partition has one replica,
 * its leader: an existing partition is ELECTION_NOT_NEEDED for either
 * election type. A cluster replaces this handler with the controller's
 * elections (cluster/broker/elect-leaders-handler.ts) and shares the
 * request and response shapes below.
 */
import type { ElectLeadersRequestData, TopicName } from '../../../protocol/index.js';
import type { TopicCatalog } from '../../controller/catalog.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';

export const ELECT_LEADERS_VERSIONS = { min: 0, max: 2 } as const;

export type ElectionType = 'preferred' | 'unclean';

/** Kafka's ElectionType: 0 preferred, 1 unclean; anything else is not one. */
export function electionTypeOf(value: number): ElectionType | null {
  return value === 0 ? 'preferred' : value === 1 ? 'unclean' : null;
}

export interface ElectionTarget {
  readonly topic: string;
  readonly partition: number;
}

/** The partitions asked, each once in the order named; null topicPartitions: every partition `catalog` knows. */
export function electionTargets(catalog: TopicCatalog, req: ElectLeadersRequestData): ElectionTarget[] {
  if (req.topicPartitions === null) return [...catalog.topics()].flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })));
  const seen = new Set<string>();
  const out: ElectionTarget[] = [];
  for (const t of req.topicPartitions) {
    for (const partition of t.partitions) {
      const k = `${t.topic}\u0000${partition}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ topic: t.topic, partition });
    }
  }
  return out;
}

export interface ElectionAnswer extends ElectionTarget {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** The response: answers grouped by topic in the order first named. */
export function electionResponse(answers: readonly ElectionAnswer[], errorCode = 0) {
  const byTopic = new Map<string, ElectionAnswer[]>();
  for (const a of answers) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a]);
  return {
    throttleTimeMs: 0,
    errorCode,
    replicaElectionResults: [...byTopic].map(([topic, list]) => ({
      topic: topic as TopicName,
      partitionResult: list.map((a) => ({ partitionId: a.partition, errorCode: a.errorCode, errorMessage: a.errorMessage })),
    })),
  };
}

/** Every partition asked answered with one error (INVALID_REQUEST for an unknown election type, or a handler's failure). */
export function electionRefusal(targets: readonly ElectionTarget[], errorCode: number, message: string | null) {
  return electionResponse(targets.map((t) => ({ ...t, errorCode, errorMessage: message })), errorCode);
}

export const electLeaders = defineHandler({
  apiKey: 43,
  advertised: ELECT_LEADERS_VERSIONS,
  accepts: ELECT_LEADERS_VERSIONS,
  handle(ctx, req) {
    const catalog = ctx.broker.controller;
    const targets = electionTargets(catalog, req);
    const type = electionTypeOf(req.electionType);
    if (type === null) return electionRefusal(targets, code('INVALID_REQUEST'), `election type ${req.electionType} is neither 0 (preferred) nor 1 (unclean)`);
    return electionResponse(
      targets.map((t) => {
        const known = (catalog.topic(t.topic)?.partitions ?? 0) > t.partition && t.partition >= 0;
        return known
          ? { ...t, errorCode: code('ELECTION_NOT_NEEDED'), errorMessage: type === 'preferred' ? 'The preferred replica leads already.' : 'The partition has a live leader.' }
          : { ...t, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: 'The partition does not exist.' };
      }),
    );
  },
  errorResponse: (req, errorCode) => electionRefusal(req.topicPartitions === null ? [] : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))), errorCode, null),
});
