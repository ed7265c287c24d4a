/**
 * AlterPartitionReassignments (45) and ListPartitionReassignments (46) on a
 * cluster broker, as Kafka 3.9's ZooKeeper mode serves them: the active
 * controller starts, changes or cancels moves and lists those in progress;
 * a broker that is not the controller answers NOT_CONTROLLER (admin
 * clients send both to the controller). An alteration is answered once the
 * move has started; ListPartitionReassignments shows it until the new
 * replicas are in sync and the old ones are gone.
 */
import { code } from '../../actors/broker/errors.js';
import { defineHandler } from '../../actors/broker/handler.js';
import { REASSIGNMENT_VERSIONS, reassignmentItems, reassignmentResponse, type ReassignmentItem } from '../../actors/broker/handlers/partition-reassignments.js';
import type { BrokerId, TopicName } from '../../protocol/index.js';
import type { OngoingReassignment, ReassignmentResult } from '../controller/cluster-controller.js';

export type ReassignmentController = () => {
  alterReassignments(items: readonly ReassignmentItem[]): Promise<ReassignmentResult[]>;
  listReassignments(wanted: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | null): Promise<OngoingReassignment[]>;
} | null;

const NOT_CONTROLLER = 'This broker is not the controller.';

export function clusterReassignmentHandlers(controller: ReassignmentController) {
  const alter = defineHandler({
    apiKey: 45,
    advertised: REASSIGNMENT_VERSIONS,
    accepts: REASSIGNMENT_VERSIONS,
    async handle(_ctx, req) {
      const c = controller();
      if (c === null) return reassignmentResponse([], code('NOT_CONTROLLER'), NOT_CONTROLLER);
      const results = await c.alterReassignments(reassignmentItems(req));
      return reassignmentResponse(results.map((r) => ({ topic: r.topic, partition: r.partition, errorCode: r.error === null ? 0 : code(r.error), errorMessage: r.message })));
    },
    errorResponse: (req, errorCode) => reassignmentResponse(reassignmentItems(req).map((i) => ({ topic: i.topic, partition: i.partition, errorCode, errorMessage: null })), errorCode),
  });
  const list = defineHandler({
    apiKey: 46,
    advertised: REASSIGNMENT_VERSIONS,
    accepts: REASSIGNMENT_VERSIONS,
    async handle(_ctx, req) {
      const c = controller();
      if (c === null) return { throttleTimeMs: 0, errorCode: code('NOT_CONTROLLER'), errorMessage: NOT_CONTROLLER, topics: [] };
      const ongoing = await c.listReassignments(req.topics === null ? null : req.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes })));
      const byTopic = new Map<string, OngoingReassignment[]>();
      for (const o of ongoing) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        topics: [...byTopic].map(([name, list]) => ({
          name: name as TopicName,
          partitions: list.map((o) => ({ partitionIndex: o.partition, replicas: o.replicas as BrokerId[], addingReplicas: o.adding as BrokerId[], removingReplicas: o.removing as BrokerId[] })),
        })),
      };
    },
    errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, errorMessage: null, topics: [] }),
  });
  return [alter, list];
}
