// Whole frames: size prefix + header + body. Decoding runs the generated codec for
// the header's API key and version and checks the reader once at the end;
// encoding returns Buffer[] chunks for socket.writev, with record bytes by reference.
import { API_CODECS, type RequestDataByKey, type ResponseDataByKey } from './generated/index.js';
import { readRequestHeader, readResponseHeader, writeRequestHeader, writeResponseHeader, type RequestHeader } from './headers.js';
import type { Input } from './primitives/input.js';
import { Reader } from './primitives/reader.js';
import type { Writer } from './primitives/writer.js';
import { ProtocolError } from './protocol-error.js';
import type { ApiCodecs } from './api-codecs.js';

/** A decoded request; `switch (req.apiKey)` narrows `body` to the API's type. */
export type DecodedRequest = {
  [K in keyof RequestDataByKey]: RequestHeader & { apiKey: K; body: RequestDataByKey[K] };
}[keyof RequestDataByKey];

export function apiCodecs(apiKey: number, apiVersion: number): ApiCodecs {
  const api = API_CODECS[apiKey];
  if (api === undefined) throw new ProtocolError('unknown_api', `unknown api key ${apiKey}`);
  if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    throw new ProtocolError('unsupported_version', `${api.name} v${apiVersion} is outside ${api.minVersion}-${api.maxVersion}`);
  }
  return api;
}

/**
 * Decodes the body of a request whose header was read with readRequestHeader.
 * Throws ProtocolError on a malformed body.
 */
export function decodeRequestBody<K extends keyof RequestDataByKey>(apiKey: K, apiVersion: number, r: Reader): RequestDataByKey[K] {
  const body = apiCodecs(apiKey, apiVersion).decodeRequest(r, apiVersion);
  r.check();
  return body as RequestDataByKey[K];
}

/**
 * Decodes one request frame (the bytes after the int32 size). Throws ProtocolError;
 * for `unknown_api`/`unsupported_version` the header is readable with
 * readRequestHeader to answer the client (ApiVersions answers UNSUPPORTED_VERSION).
 */
export function decodeRequestFrame(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const header = readRequestHeader(r);
  r.check();
  const body = decodeRequestBody(header.apiKey as keyof RequestDataByKey, header.apiVersion, r);
  return { ...header, body } as DecodedRequest;
}

/** Writes size + response header + body and returns the frame's chunks (valid until w.reset()). */
export function encodeResponseFrame<K extends keyof ResponseDataByKey>(
  w: Writer,
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: Input<ResponseDataByKey[K]>,
): Buffer[] {
  const api = apiCodecs(apiKey, apiVersion);
  w.beginFrame();
  writeResponseHeader(w, apiKey, apiVersion, correlationId);
  api.encodeResponse(w, body, apiVersion);
  w.endFrame();
  return w.finish();
}

/** Writes size + request header + body (the client side: tests, replica fetchers). */
export function encodeRequestFrame<K extends keyof RequestDataByKey>(
  w: Writer,
  header: { apiKey: K; apiVersion: number; correlationId: number; clientId?: string | null },
  body: Input<RequestDataByKey[K]>,
): Buffer[] {
  const api = apiCodecs(header.apiKey, header.apiVersion);
  w.beginFrame();
  writeRequestHeader(w, header);
  api.encodeRequest(w, body, header.apiVersion);
  w.endFrame();
  return w.finish();
}

/** Decodes one response frame (after the int32 size) for a request sent with apiKey/apiVersion. */
export function decodeResponseFrame<K extends keyof ResponseDataByKey>(
  frame: Buffer,
  apiKey: K,
  apiVersion: number,
): { correlationId: number; body: ResponseDataByKey[K] } {
  const api = apiCodecs(apiKey, apiVersion);
  const r = new Reader(frame);
  const correlationId = readResponseHeader(r, apiKey, apiVersion);
  const body = api.decodeResponse(r, apiVersion) as ResponseDataByKey[K];
  r.check();
  return { correlationId, body };
}
