/**
 * Connection-level warnings come from what clients send, so a misbehaving or
 * hostile client could write the log as fast as it can open connections. At
 * most `maxPerWindow` lines pass per window; the rest are counted and summed
 * up in one line when the next window opens.
 */
export type FieldsLog = (msg: string, fields?: Record<string, unknown>) => void;

export function rateLimitedLog(write: FieldsLog, now: () => number, maxPerWindow = 20, windowMs = 10_000): FieldsLog {
  let windowStartMs = -Infinity;
  let passed = 0;
  let suppressed = 0;
  return (msg, fields) => {
    const t = now();
    if (t - windowStartMs >= windowMs) {
      if (suppressed > 0) write(`${suppressed} more connection warnings suppressed in the last ${Math.round((t - windowStartMs) / 1000)} s`);
      windowStartMs = t;
      passed = 0;
      suppressed = 0;
    }
    if (passed < maxPerWindow) {
      passed++;
      write(msg, fields);
    } else {
      suppressed++;
    }
  };
}

/** Client-supplied text made safe for one log line: control characters escaped, length capped. */
export function printable(text: string | null | undefined, maxChars = 64): string {
  if (text === null || text === undefined) return 'null';
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return JSON.stringify(cut);
}
