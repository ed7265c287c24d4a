// Request and response headers. The header version follows from the API key and
// version: flexible requests use header v2 (v1 otherwise, v0 for ControlledShutdown
// v0); flexible responses use header v1, except ApiVersions, which always answers
// with v0 so a client can read the reply to a version the broker does not know.
import {
  API_CODECS,
  decodeRequestHeader as decodeHeaderBody,
  encodeRequestHeader,
  type RequestHeaderData,
  decodeResponseHeader as decodeResponseHeaderBody,
  encodeResponseHeader as encodeResponseHeaderBody,
} from './generated/index.js';
import type { Reader } from './primitives/reader.js';
import type { Writer } from './primitives/writer.js';

const API_VERSIONS_KEY = 18;
const CONTROLLED_SHUTDOWN_KEY = 7;

function isFlexible(apiKey: number, apiVersion: number): boolean {
  const api = API_CODECS[apiKey];
  return api !== undefined && api.flexibleMinVersion >= 0 && apiVersion >= api.flexibleMinVersion;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  headerVersion: number;
}

/**
 * Decodes a request header at the reader's position. Failures are recorded in
 * the reader (check it). Unknown API keys are read as header v1.
 */
export function readRequestHeader(r: Reader): RequestHeader {
  const start = r.pos;
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  r.pos = r.failed ? r.end : start;
  const h: RequestHeaderData = decodeHeaderBody(r, headerVersion);
  return { apiKey, apiVersion, correlationId: h.correlationId, clientId: h.clientId, headerVersion };
}

export function writeRequestHeader(w: Writer, h: { apiKey: number; apiVersion: number; correlationId: number; clientId?: string | null }): void {
  encodeRequestHeader(
    w,
    { requestApiKey: h.apiKey, requestApiVersion: h.apiVersion, correlationId: h.correlationId, clientId: h.clientId ?? null },
    requestHeaderVersion(h.apiKey, h.apiVersion),
  );
}

export function writeResponseHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  encodeResponseHeaderBody(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion));
}

export function readResponseHeader(r: Reader, apiKey: number, apiVersion: number): number {
  return decodeResponseHeaderBody(r, responseHeaderVersion(apiKey, apiVersion)).correlationId;
}
