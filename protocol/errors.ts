// One registry of Kafka error codes (generated from errors.tsv) and the two error
// classes: KafkaError for operating errors that travel to the client as a code,
// ProtocolError for frames that cannot be decoded (the connection is closed).
import { ERROR_TABLE, ErrorCode, type ErrorInfo } from './generated/index.js';

export { ERROR_TABLE, ErrorCode, type ErrorInfo };
export { ProtocolError, PROTOCOL_ERROR_CODE, type ProtocolErrorReason } from './protocol-error.js';

const byCode = new Map<number, ErrorInfo>(ERROR_TABLE.map((e) => [e.code, e]));
const byName = new Map<string, ErrorInfo>(ERROR_TABLE.map((e) => [e.name, e]));

export function errorInfo(code: number): ErrorInfo | undefined {
  return byCode.get(code);
}

export function errorByName(name: string): ErrorInfo | undefined {
  return byName.get(name);
}

/** A Kafka operating error: answered to the client as its code. */
export class KafkaError extends Error {
  override readonly name = 'KafkaError';
  /** the Kafka error name, e.g. UNKNOWN_TOPIC_OR_PARTITION */
  readonly errorName: string;
  readonly retriable: boolean;
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    const info = byCode.get(code) ?? byCode.get(ErrorCode.UNKNOWN_SERVER_ERROR)!;
    super(message ?? info.message);
    this.errorName = info.name;
    this.retriable = info.retriable;
  }

  /** The error code to answer for any thrown value (unknown errors become UNKNOWN_SERVER_ERROR). */
  static codeOf(err: unknown): ErrorCode {
    return err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}
