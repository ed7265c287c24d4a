/**
 * The phases of one request, as Kafka's RequestMetrics splits them (ms from
 * performance.now()): queued in the connection before dispatch, handled here
 * (local), parked waiting on others (remote: acks=all followers, a Fetch's
 * long poll), waiting for earlier responses on its connection (response
 * queue), then handed to the socket (send).
 */
export interface RequestTiming {
  readonly apiKey: number;
  readonly arrivedMs: number;
  readonly dispatchedMs: number;
  /** Time parked on others, summed by the handler. */
  remoteMs: number;
  /** Set once the handler has answered. */
  answeredMs: number;
  /** Set when the connection hands the response to the socket. */
  sendingMs: number;
}

/** Adds the time `parked` takes to the request's remote time (its phases stay disjoint). */
export async function parkedFor<T>(timing: RequestTiming | undefined, parked: Promise<T>): Promise<T> {
  if (timing === undefined) return parked;
  const t0 = performance.now();
  try {
    return await parked;
  } finally {
    timing.remoteMs += performance.now() - t0;
  }
}
