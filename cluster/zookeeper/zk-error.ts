/** ZooKeeper's error codes (KeeperException.Code) as a typed error, whichever client library raised them. */
import { ErrorCode, type KafkaCoded } from '../../protocol/index.js';

/** ZooKeeper's own codes, and two of this layer: the connect or a request did not finish in time. */
export const ZK_CODES = {
  SYSTEM_ERROR: -1,
  RUNTIME_INCONSISTENCY: -2,
  DATA_INCONSISTENCY: -3,
  CONNECTION_LOSS: -4,
  MARSHALLING_ERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATION_TIMEOUT: -7,
  BAD_ARGUMENTS: -8,
  API_ERROR: -100,
  NO_NODE: -101,
  NO_AUTH: -102,
  BAD_VERSION: -103,
  NO_CHILDREN_FOR_EPHEMERALS: -108,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
  INVALID_CALLBACK: -113,
  INVALID_ACL: -114,
  AUTH_FAILED: -115,
  CONNECTION_TIMEOUT: -1001,
  REQUEST_TIMEOUT: -1002,
} as const;

export type ZkCode = keyof typeof ZK_CODES;
const BY_NUMBER = new Map<number, ZkCode>(Object.entries(ZK_CODES).map(([k, v]) => [v, k as ZkCode]));

/** Codes that say ZooKeeper did not answer in time, not that the request was wrong. */
const UNAVAILABLE: ReadonlySet<ZkCode> = new Set(['CONNECTION_LOSS', 'OPERATION_TIMEOUT', 'SESSION_EXPIRED', 'CONNECTION_TIMEOUT', 'REQUEST_TIMEOUT']);

export class ZkError extends Error implements KafkaCoded {
  override readonly name = 'ZkError';

  /** What a client is answered when this escapes a request: REQUEST_TIMED_OUT (retriable) while ZooKeeper is away. */
  get kafkaErrorCode(): ErrorCode | undefined {
    return UNAVAILABLE.has(this.code) ? ErrorCode.REQUEST_TIMED_OUT : undefined;
  }

  constructor(
    readonly code: ZkCode,
    readonly path: string | undefined,
    message?: string,
  ) {
    super(message ?? `ZooKeeper ${code}${path === undefined ? '' : ` at ${path}`}`);
  }

  /** From a client library's exception (it carries a numeric code and maybe a path); anything else is passed through. */
  static from(err: unknown, path?: string): unknown {
    if (err instanceof ZkError) return err;
    const e = err as { code?: unknown; getCode?: () => number; getPath?: () => string | undefined };
    const n = typeof e?.getCode === 'function' ? e.getCode() : typeof e?.code === 'number' ? e.code : undefined;
    const code = n === undefined ? undefined : BY_NUMBER.get(n);
    if (code === undefined) return err;
    return new ZkError(code, path ?? e.getPath?.());
  }
}

export const isZkError = (err: unknown, code?: ZkCode): err is ZkError => err instanceof ZkError && (code === undefined || err.code === code);
