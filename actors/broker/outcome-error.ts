/** The Kafka error for a partition ask that did not complete (timeout, full mailbox, crashed actor). */
import type { AskOutcome } from '../runtime/index.js';
import { code, type ErrorName } from './errors.js';

export function outcomeError(outcome: AskOutcome<unknown> & { ok: false }): { errorCode: number; message: string } {
  const err = outcome.error;
  const name: ErrorName =
    err.name === 'AskTimeoutError' || err.name === 'MailboxFullError'
      ? 'REQUEST_TIMED_OUT'
      : err.name === 'StorageError'
        ? 'KAFKA_STORAGE_ERROR'
        : err.name === 'ActorStoppedError'
          ? 'NOT_LEADER_OR_FOLLOWER'
          : 'UNKNOWN_SERVER_ERROR';
  return { errorCode: code(name), message: err.message };
}

/** A partition's own error name (or none) to a code. */
export function errorCodeOf(error: string | undefined): number {
  return error === undefined ? 0 : code(error as ErrorName);
}
