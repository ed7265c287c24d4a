/**
 * Consumer group APIs are not served yet. They are not advertised in
 * ApiVersions; a client that sends them anyway gets COORDINATOR_NOT_AVAILABLE
 * (retriable, as from a broker whose coordinator is not loaded) in the shape
 * of the API's response, instead of a dropped connection.
 */
import type { BrokerId } from '../../../protocol/index.js';
import { code } from '../errors.js';
import { defineHandler, type ApiHandler, type ApiKey } from '../handler.js';

const UNAVAILABLE = code('COORDINATOR_NOT_AVAILABLE');
const MESSAGE = 'Consumer groups and transactions are not served by this broker yet';

function unavailable<K extends ApiKey>(h: Omit<ApiHandler<K>, 'handle'>): ApiHandler<K> {
  return defineHandler({ ...h, handle: (ctx, req) => h.errorResponse(req, UNAVAILABLE, MESSAGE, ctx.header.apiVersion) });
}

export const findCoordinator = unavailable({
  apiKey: 10,
  advertised: null,
  accepts: { min: 0, max: 6 },
  errorResponse: (req, errorCode, message, version) =>
    version < 4
      ? { errorCode, errorMessage: message, nodeId: -1 as BrokerId, host: '', port: -1 }
      : {
    coordinators: req.coordinatorKeys.map((key) => ({ key, nodeId: -1 as BrokerId, host: '', port: -1, errorCode, errorMessage: message })),
        },
});

export const offsetCommit = unavailable({
  apiKey: 8,
  advertised: null,
  accepts: { min: 0, max: 9 },
  errorResponse: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
});

export const offsetFetch = unavailable({
  apiKey: 9,
  advertised: null,
  accepts: { min: 0, max: 9 },
  errorResponse: (req, errorCode) => ({
    errorCode,
    groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })),
  }),
});

export const joinGroup = unavailable({
  apiKey: 11,
  advertised: null,
  accepts: { min: 0, max: 9 },
  errorResponse: (req, errorCode) => ({ errorCode, generationId: -1, memberId: req.memberId }),
});

export const heartbeat = unavailable({
  apiKey: 12,
  advertised: null,
  accepts: { min: 0, max: 4 },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});

export const leaveGroup = unavailable({
  apiKey: 13,
  advertised: null,
  accepts: { min: 0, max: 5 },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});

export const syncGroup = unavailable({
  apiKey: 14,
  advertised: null,
  accepts: { min: 0, max: 5 },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});

export const describeGroups = unavailable({
  apiKey: 15,
  advertised: null,
  accepts: { min: 0, max: 5 },
  errorResponse: (req, errorCode) => ({ groups: req.groups.map((groupId) => ({ groupId, errorCode })) }),
});

export const listGroups = unavailable({
  apiKey: 16,
  advertised: null,
  accepts: { min: 0, max: 5 },
  errorResponse: (_req, errorCode) => ({ errorCode, groups: [] }),
});
