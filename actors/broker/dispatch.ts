/**
 * One request frame to one response: decode the header, find the handler for
 * the API key and version, decode the body, run the handler, encode.
 *
 * - A frame that cannot be decoded closes its connection (CloseConnection);
 *   nothing else is affected.
 * - ApiVersions at a version this broker does not serve is answered in v0
 *   with UNSUPPORTED_VERSION and the supported ranges, so the client can pick.
 * - Any other API key or version not served closes the connection, as Kafka
 *   does for a request it cannot parse.
 * - A handler that throws is answered with its error response
 *   (UNKNOWN_SERVER_ERROR unless it threw a KafkaError).
 */
import {
  apiCodecs,
  buildApiVersionsResponse,
  decodeRequestBody,
  encodeResponseFrame,
  ErrorCode,
  KafkaError,
  ProtocolError,
  Reader,
  readRequestHeader,
  type RequestDataByKey,
  type RequestHeader,
  type ResponseDataByKey,
  type Input,
} from '../../protocol/index.js';
import type { BrokerCore } from './broker-core.js';
import type { ApiHandler, ApiKey, HandlerResult } from './handler.js';
import { CloseConnection, type Connection, type Reply } from './net/connection.js';
import type { WriterPool } from './writer-pool.js';
import { printable } from './net/rate-limited-log.js';
import type { RequestTiming } from './metrics/request-timing.js';

const API_VERSIONS = 18;
const PRODUCE = 0;

export class Dispatcher {
  constructor(
    private readonly broker: BrokerCore,
    private readonly handlers: ReadonlyMap<number, ApiHandler<ApiKey>>,
    private readonly writers: WriterPool,
  ) {}

  handle(frame: Buffer, conn: Connection, arrivedMs: number = performance.now()): Reply | Promise<Reply> {
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    if (r.failed) throw new CloseConnection(`malformed request header: ${r.error()!.message}`);
    const handler = this.handlers.get(header.apiKey);
    if (handler === undefined || header.apiVersion < handler.accepts.min || header.apiVersion > handler.accepts.max) {
      if (header.apiKey === API_VERSIONS) return this.unsupportedApiVersions(header);
      throw new CloseConnection(`unsupported request: api key ${header.apiKey} v${header.apiVersion} (client ${printable(header.clientId)})`);
    }
    let body: RequestDataByKey[ApiKey];
    try {
      body = decodeRequestBody(header.apiKey as ApiKey, header.apiVersion, r);
    } catch (err) {
      if (err instanceof ProtocolError) throw new CloseConnection(`malformed ${apiCodecs(header.apiKey, header.apiVersion).name} v${header.apiVersion} request: ${err.message}`);
      throw err;
    }
    const timing: RequestTiming | undefined = this.broker.metrics.enabled ? { apiKey: header.apiKey, arrivedMs, dispatchedMs: performance.now(), remoteMs: 0, answeredMs: 0, sendingMs: 0 } : undefined;
    const ctx = { broker: this.broker, header, connectionId: conn.id, clientHost: conn.clientHost, timing };
    let result: HandlerResult<ApiKey> | Promise<HandlerResult<ApiKey>>;
    try {
      result = handler.handle(ctx, body as never);
    } catch (err) {
      return this.encode(header, this.failure(handler, header, body, err, conn), timing);
    }
    if (result instanceof Promise) {
      return result.then(
        (res) => this.encode(header, res, timing),
        (err) => this.encode(header, this.failure(handler, header, body, err, conn), timing),
      );
    }
    return this.encode(header, result, timing);
  }

  private failure(handler: ApiHandler<ApiKey>, header: RequestHeader, body: unknown, err: unknown, conn: Connection): HandlerResult<ApiKey> {
    // acks=0: the client reads no response; Kafka closes the connection on an error instead.
    if (err instanceof CloseConnection) throw err;
    if (header.apiKey === PRODUCE && (body as RequestDataByKey[0]).acks === 0) throw new CloseConnection(`produce with acks=0 failed: ${(err as Error)?.message}`);
    const code = KafkaError.codeOf(err);
    if (!(err instanceof KafkaError)) {
      const api = apiCodecs(header.apiKey, header.apiVersion).name;
      this.broker.log.error(`${api} v${header.apiVersion} failed: ${(err as Error)?.stack ?? String(err)}`, { api, apiVersion: header.apiVersion, clientId: printable(header.clientId), peer: conn.remote });
    }
    return handler.errorResponse(body as never, code, (err as Error)?.message ?? String(err), header.apiVersion);
  }

  private unsupportedApiVersions(header: RequestHeader): Reply {
    const body = buildApiVersionsResponse(this.broker.surface, { errorCode: ErrorCode.UNSUPPORTED_VERSION });
    return this.encode({ ...header, apiVersion: 0 }, body);
  }

  private encode(header: RequestHeader, body: HandlerResult<ApiKey>, timing?: RequestTiming): Reply {
    const metrics = this.broker.metrics;
    if (timing !== undefined) metrics.answered(timing, body);
    if (body === null) {
      if (timing !== undefined) metrics.finished(timing);
      return null;
    }
    const w = this.writers.take();
    const chunks = encodeResponseFrame(w, header.apiKey as ApiKey, header.apiVersion, header.correlationId, body as Input<ResponseDataByKey[ApiKey]>);
    if (timing === undefined) return { chunks, written: () => this.writers.give(w) };
    return {
      chunks,
      sending: () => {
        timing.sendingMs = performance.now();
      },
      written: () => {
        this.writers.give(w);
        metrics.finished(timing);
      },
    };
  }
}
