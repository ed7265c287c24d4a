/**
 * What an API handler is: the versions it serves (declared beside it) and a
 * function from a decoded request to a response body. `errorResponse` builds
 * the answer carrying one error code for every part of the request, used when
 * the handler throws.
 */
import type { Input, RequestDataByKey, RequestHeader, ResponseDataByKey, VersionSpan } from '../../protocol/index.js';
import type { BrokerCore } from './broker-core.js';
import type { RequestTiming } from './metrics/request-timing.js';

export type ApiKey = keyof RequestDataByKey & keyof ResponseDataByKey;

export interface RequestContext {
  readonly broker: BrokerCore;
  readonly header: RequestHeader;
  /** Connection id, for fetch sessions and logs. */
  readonly connectionId: number;
  /** The client's address as Kafka reports it ("/127.0.0.1"): DescribeGroups shows it per member. */
  readonly clientHost: string;
  /** The request's phases, with metrics on: a handler adds the time it is parked on others (parkedFor). */
  readonly timing?: RequestTiming;
}

export type HandlerResult<K extends ApiKey> = Input<ResponseDataByKey[K]> | null;

export interface ApiHandler<K extends ApiKey> {
  readonly apiKey: K;
  /** Versions served; null: answered with an error when asked, never advertised. */
  readonly advertised: VersionSpan | null;
  /** Versions decoded and answered (advertised ones, or the spec's range for error-only APIs). */
  readonly accepts: VersionSpan;
  handle(ctx: RequestContext, req: RequestDataByKey[K]): HandlerResult<K> | Promise<HandlerResult<K>>;
  errorResponse(req: RequestDataByKey[K], code: number, message: string, version: number): Input<ResponseDataByKey[K]>;
}

/** Declares a handler with its key typed once. */
export function defineHandler<K extends ApiKey>(h: ApiHandler<K>): ApiHandler<K> {
  return h;
}
