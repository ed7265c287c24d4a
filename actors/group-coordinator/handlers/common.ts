/** What the group API handlers share: the coordinator client of the broker at hand, and the answer when there is none. */
import { ErrorCode } from '../../../protocol/index.js';
import type { RequestContext } from '../../broker/handler.js';
import { groupCoordinatorOf } from '../attach.js';
import type { GroupCoordinatorClient } from '../coordinator-client.js';

export const NONE = 0;
export const NOT_ATTACHED = 'the group coordinator is not running on this broker';

export function coordinatorOf(ctx: RequestContext): GroupCoordinatorClient | null {
  return groupCoordinatorOf(ctx.broker) ?? null;
}

export const UNAVAILABLE = ErrorCode.COORDINATOR_NOT_AVAILABLE;
