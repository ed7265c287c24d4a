import type { BrokerId } from '../../../protocol/index.js';
import { code } from '../errors.js';
import { defineHandler } from '../handler.js';
import { CLUSTER_OPERATIONS, OPERATIONS_OMITTED } from '../topic-view.js';

/** v0-1; endpoint type 1 (brokers) only: this node is no separate controller. */
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
      controllerId: broker.brokerId as BrokerId,
      brokers: [{ brokerId: broker.brokerId as BrokerId, host: broker.advertised.host, port: broker.advertised.port, rack: null }],
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_OMITTED,
    };
  },
  errorResponse: (_req, errorCode, message) => ({ errorCode, errorMessage: message }),
});
