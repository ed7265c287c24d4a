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
    if (err instanceof KafkaError) return err.code;
    const coded = (err as Partial<KafkaCoded> | null | undefined)?.kafkaErrorCode;
    return typeof coded === 'number' && byCode.has(coded) ? coded : ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}

/**
 * An error of a layer above that knows which Kafka error it means to a client
 * (the metadata store not answering in time is REQUEST_TIMED_OUT, which clients
 * retry) without being a KafkaError.
 */
export interface KafkaCoded {
  readonly kafkaErrorCode: ErrorCode | undefined;
}
