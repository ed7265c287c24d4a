/**
 * The error codes a response carries (Kafka's AbstractResponse.errorCounts):
 * every non-zero `errorCode` field of the response body, at any depth.
 * Record data (Buffers) is not walked.
 */
const MAX_DEPTH = 6;

export function forEachErrorCode(body: unknown, visit: (code: number) => void): void {
  walk(body, visit, 0);
}

function walk(v: unknown, visit: (code: number) => void, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH || ArrayBuffer.isView(v)) return;
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === 'object') walk(x, visit, depth + 1);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (k === 'errorCode') {
      if (typeof x === 'number' && x !== 0) visit(x);
    } else if (x !== null && typeof x === 'object') walk(x, visit, depth + 1);
  }
}
