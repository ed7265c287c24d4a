import type { BrokerId } from '../../../protocol/index.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';
import { brokersOf, CLUSTER_OPERATIONS, OPERATIONS_OMITTED } from '../topic-view.js';

/** v0-1; endpoint type 1 (brokers) only: controllers are brokers here (ZooKeeper mode). */
export const describeCluster = defineHandler({
  apiKey: 60,
  advertised: { min: 0, max: 1 },
  accepts: { min: 0, max: 1 },
  handle(ctx, req) {
    const { broker } = ctx;
    const endpointType = ctx.header.apiVersion >= 1 ? req.endpointType : 1;
    if (endpointType !== 1) {
      return { errorCode: code('UNSUPPORTED_ENDPOINT_TYPE'), errorMessage: `Endpoint type ${endpointType} is not served`, endpointType, clusterId: broker.controller.clusterId };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType,
      clusterId: broker.controller.clusterId,
      controllerId: broker.controller.controllerId() as BrokerId,
      brokers: brokersOf(broker).map((b) => ({ brokerId: b.id as BrokerId, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_OMITTED,
    };
  },
  errorResponse: (_req, errorCode, message) => ({ errorCode, errorMessage: message }),
});
