// The protocol layer's public face: frames and headers, the generated codecs
// and their dispatch table, errors, record batches, compression.
export * from './generated/index.js';
export { Reader } from './primitives/reader.js';
export { Writer, REFERENCE_THRESHOLD_BYTES, type BytesInput } from './primitives/writer.js';
export type { Input } from './primitives/input.js';
export * from './brands.js';
export type { ApiCodecs } from './api-codecs.js';
export * from './headers.js';
export * from './frames.js';
export * from './api-surface.js';
export { KafkaError, ProtocolError, PROTOCOL_ERROR_CODE, errorInfo, errorByName, type KafkaCoded, type ProtocolErrorReason } from './errors.js';
export * from './records/index.js';
export * from './compression/index.js';
