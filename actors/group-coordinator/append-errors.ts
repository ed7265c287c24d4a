/**
 * The error a client gets when the records of its request could not be
 * appended, mapped as Kafka's coordinator maps log errors: the partition
 * unavailable -> COORDINATOR_NOT_AVAILABLE (retry here), the partition not
 * ours -> NOT_COORDINATOR (find the coordinator again), too big -> a commit
 * size error.
 */
import { ErrorCode } from '../../protocol/index.js';

export function appendErrorCode(err: unknown, isCommit: boolean): number {
  const name = (err as { kafkaError?: unknown } | null)?.kafkaError;
  switch (name) {
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return ErrorCode.NOT_COORDINATOR;
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return isCommit ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      // unknown partition, not enough replicas, timeouts, an unreachable partition actor: all retriable here
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}
