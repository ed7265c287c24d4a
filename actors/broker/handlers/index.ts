/** Every API this broker answers, by key. Versions are declared in each handler's file. */
import { serveApis, type ApiSurfaceEntry } from '../../../protocol/index.js';
import type { ApiHandler, ApiKey } from '../handler.js';
import { alterConfigs } from './alter-configs.js';
import { apiVersions } from './api-versions.js';
import { createPartitions } from './create-partitions.js';
import { createTopics } from './create-topics.js';
import { deleteRecords } from './delete-records.js';
import { deleteTopics } from './delete-topics.js';
import { electLeaders } from './elect-leaders.js';
import { describeCluster } from './describe-cluster.js';
import { describeConfigs } from './describe-configs.js';
import { describeLogDirs } from './describe-log-dirs.js';
import { fetch } from './fetch.js';
import { describeGroups, findCoordinator, heartbeat, joinGroup, leaveGroup, listGroups, offsetCommit, offsetFetch, syncGroup } from './groups-unavailable.js';
import { incrementalAlterConfigs } from './incremental-alter-configs.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { offsetForLeaderEpoch } from './offset-for-leader-epoch.js';
import { alterPartitionReassignments, listPartitionReassignments } from './partition-reassignments.js';
import { produce } from './produce.js';

/** The built-in handlers; extensions (BrokerStartOptions.extensions) may replace or add to them. */
export const BUILTIN_HANDLERS = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  offsetForLeaderEpoch,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  createPartitions,
  incrementalAlterConfigs,
  describeCluster,
  electLeaders,
  alterPartitionReassignments,
  listPartitionReassignments,
] as ReadonlyArray<ApiHandler<ApiKey>>;

/** By API key; a later handler for the same key replaces an earlier one. */
export function handlerTable(handlers: ReadonlyArray<ApiHandler<ApiKey>> = BUILTIN_HANDLERS): Map<number, ApiHandler<ApiKey>> {
  return new Map(handlers.map((h) => [h.apiKey, h]));
}

/** What ApiVersions advertises: exactly the handlers that serve their API. */
export function servedSurface(table: ReadonlyMap<number, ApiHandler<ApiKey>> = handlerTable()): ApiSurfaceEntry[] {
  const served: Record<number, { min: number; max: number }> = {};
  for (const h of table.values()) if (h.advertised !== null) served[h.apiKey] = h.advertised;
  return serveApis(served);
}
