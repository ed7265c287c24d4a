/**
 * ElectLeaders (43) on a cluster broker, as Kafka 3.9's ZooKeeper mode
 * serves it: the active controller elects (preferred replica, or unclean),
 * and the answer waits, up to the request's timeoutMs, until this broker's
 * metadata names the elected leaders (Kafka's DelayedElectLeader);
 * partitions still not shown then are REQUEST_TIMED_OUT. A broker that is
 * not the controller answers NOT_CONTROLLER for every partition, as Kafka
 * does: admin clients send ElectLeaders to the controller.
 */
import { code, type ErrorName } from '../../actors/broker/errors.js';
import { defineHandler } from '../../actors/broker/handler.js';
import { ELECT_LEADERS_VERSIONS, electionRefusal, electionResponse, electionTargets, electionTypeOf, type ElectionAnswer, type ElectionTarget, type ElectionType } from '../../actors/broker/handlers/elect-leaders.js';
import type { ElectionResult } from '../controller/cluster-controller.js';
import type { ClusterCatalog } from './cluster-catalog.js';

/** Longest wait for the metadata to show the elected leaders (a wire timeout is an int32). */
const MAX_WAIT_MS = 2_147_483_647;

export type ElectionController = () => { electLeaders(type: ElectionType, wanted: readonly ElectionTarget[] | null): Promise<ElectionResult[]> } | null;

export function clusterElectLeaders(catalog: ClusterCatalog, controller: ElectionController) {
  return defineHandler({
    apiKey: 43,
    advertised: ELECT_LEADERS_VERSIONS,
    accepts: ELECT_LEADERS_VERSIONS,
    async handle(_ctx, req) {
      const targets = electionTargets(catalog, req);
      const type = electionTypeOf(req.electionType);
      if (type === null) return electionRefusal(targets, code('INVALID_REQUEST'), `election type ${req.electionType} is neither 0 (preferred) nor 1 (unclean)`);
      const c = controller();
      if (c === null) return electionResponse(targets.map((t) => ({ ...t, errorCode: code('NOT_CONTROLLER'), errorMessage: 'This broker is not the controller.' })));
      const results = await c.electLeaders(type, req.topicPartitions === null ? null : targets);
      const elected = results.filter((r): r is ElectionResult & { leader: number } => 'leader' in r);
      const seen = await catalog.awaitLeaders(elected, Math.min(MAX_WAIT_MS, Math.max(0, req.timeoutMs)));
      const shown = new Map(elected.map((r, i) => [r, seen[i] === true]));
      return electionResponse(
        results.map((r): ElectionAnswer => {
          if (!('leader' in r)) return { topic: r.topic, partition: r.partition, errorCode: code(r.error as ErrorName), errorMessage: r.message };
          return shown.get(r) === true ? { topic: r.topic, partition: r.partition, errorCode: 0, errorMessage: null } : { topic: r.topic, partition: r.partition, errorCode: code('REQUEST_TIMED_OUT'), errorMessage: `leader ${r.leader} elected; this broker's metadata did not show it within ${req.timeoutMs} ms` };
        }),
      );
    },
    errorResponse: (req, errorCode) => electionRefusal(req.topicPartitions === null ? [] : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))), errorCode, null),
  });
}
