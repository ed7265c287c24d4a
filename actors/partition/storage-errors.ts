/** Storage failures as the Kafka errors a client understands. */
import { isStorageError } from '../../native/index.js';

export function kafkaErrorForStorage(err: unknown): { error: string; message: string } | null {
  if (!isStorageError(err)) return null;
  switch (err.code) {
    case 'CORRUPT_BATCH':
    case 'INVALID_BATCH_SIZE':
    case 'INVALID_RECORD_COUNT':
      return { error: 'CORRUPT_MESSAGE', message: err.message };
    case 'INVALID_RECORDS':
      return { error: 'INVALID_RECORD', message: err.message };
    case 'INVALID_MAGIC':
      return { error: 'UNSUPPORTED_FOR_MESSAGE_FORMAT', message: err.message };
    case 'OFFSET_OUT_OF_RANGE':
      return { error: 'OFFSET_OUT_OF_RANGE', message: err.message };
    case 'CLOSED':
      return { error: 'NOT_LEADER_OR_FOLLOWER', message: err.message };
    default:
      return { error: 'KAFKA_STORAGE_ERROR', message: err.message };
  }
}
