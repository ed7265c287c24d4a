// A frame that cannot be decoded (or a value that cannot be encoded) is not a Kafka
// operating error: the connection is unusable. Its code is stable so callers can
// match on it; the reason says which rule the bytes broke.

export const PROTOCOL_ERROR_CODE = 'SAMSA_PROTOCOL_ERROR';

export type ProtocolErrorReason =
  | 'short_read' // a length or fixed-size value runs past the frame
  | 'negative_length' // a length or count below -1 (or -1 where null is not allowed)
  | 'null_not_allowed' // null where the schema has a non-nullable value
  | 'length_exceeds_frame' // a count or length larger than the bytes left could hold
  | 'invalid_varint' // a varint longer than its type allows
  | 'invalid_value' // a value outside its domain (bad magic, bad header)
  | 'unknown_api' // an api key the protocol does not define
  | 'unsupported_version' // a version outside the spec's valid versions
  | 'trailing_bytes' // bytes left over after the body
  | 'unencodable'; // the value cannot be written in the requested version

export class ProtocolError extends Error {
  readonly code = PROTOCOL_ERROR_CODE;
  override readonly name = 'ProtocolError';
  constructor(
    readonly reason: ProtocolErrorReason,
    message: string,
    /** byte offset in the frame where decoding went wrong, when known */
    readonly offset = -1,
  ) {
    super(message);
  }
}
