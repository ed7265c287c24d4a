/**
 * The consumer group APIs, in the shape of the broker's handlers: add them
 * to the broker's handler table in place of the unavailable ones.
 */
import type { ApiHandler, ApiKey } from '../../broker/handler.js';
import { deleteGroups } from './delete-groups.js';
import { describeGroups } from './describe-groups.js';
import { findCoordinator } from './find-coordinator.js';
import { heartbeat } from './heartbeat.js';
import { joinGroup } from './join-group.js';
import { leaveGroup } from './leave-group.js';
import { listGroups } from './list-groups.js';
import { offsetCommit } from './offset-commit.js';
import { offsetDelete } from './offset-delete.js';
import { offsetFetch } from './offset-fetch.js';
import { syncGroup } from './sync-group.js';

export const groupHandlers = [
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  deleteGroups,
  offsetDelete,
] as ReadonlyArray<ApiHandler<ApiKey>>;

export { findCoordinator, joinGroup, syncGroup, heartbeat, leaveGroup, describeGroups, listGroups, deleteGroups, offsetCommit, offsetFetch, offsetDelete };
