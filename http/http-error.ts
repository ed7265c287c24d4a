/** An answer other than 200: the status and a body {"error", "message"} the console shows. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSON with offsets (bigint) as decimal strings: they pass 2^53. */
export function toJson(body: unknown): string {
  return JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
