/** What the group API handlers share: the coordinator client of the broker at hand, the answer when there is none, and the wait for a commit's replication. */
import { ErrorCode } from '../../../protocol/index.js';
import type { RequestContext } from '../../broker/handler.js';
import { groupCoordinatorOf } from '../attach.js';
import type { GroupCoordinatorClient } from '../coordinator-client.js';
import { OFFSETS_TOPIC, type Replication } from '../actor-messages.js';
import { partitionKey } from '../../partition/messages.js';

export const NONE = 0;
export const NOT_ATTACHED = 'the group coordinator is not running on this broker';

export function coordinatorOf(ctx: RequestContext): GroupCoordinatorClient | null {
  return groupCoordinatorOf(ctx.broker) ?? null;
}

export const UNAVAILABLE = ErrorCode.COORDINATOR_NOT_AVAILABLE;

/**
 * Waits, up to offsets.commit.timeout.ms, until the ISR of the offsets
 * partition has the records an answer rests on (Kafka appends commits with
 * acks=-1); 0 once it has, else the error a committing client gets, as
 * Kafka's coordinator maps it: the timeout REQUEST_TIMED_OUT, leadership lost
 * NOT_COORDINATOR, an ISR below min.insync.replicas COORDINATOR_NOT_AVAILABLE.
 */
export async function replicatedCode(ctx: RequestContext, r: Replication | undefined): Promise<number> {
  if (r === undefined) return NONE;
  let isrSize = r.isrSize;
  if (r.highWatermark < r.requiredOffset) {
    const w = await ctx.broker.ackWaits.wait(partitionKey(OFFSETS_TOPIC, r.partition), r.requiredOffset, r.leaderEpoch, ctx.broker.config.get('offsets.commit.timeout.ms') as number);
    if (!w.ok) return w.error === 'REQUEST_TIMED_OUT' ? ErrorCode.REQUEST_TIMED_OUT : ErrorCode.NOT_COORDINATOR;
    isrSize = w.isrSize;
  }
  return isrSize < r.minIsr ? ErrorCode.COORDINATOR_NOT_AVAILABLE : NONE;
}
