/** Java `.properties` syntax as Kafka's server.properties uses it. */

const MAX_FILE_BYTES = 1 << 20;

export function parseProperties(text: string): Map<string, string> {
  if (text.length > MAX_FILE_BYTES) throw new Error(`properties file larger than ${MAX_FILE_BYTES} bytes`);
  const out = new Map<string, string>();
  // Join continuation lines (a trailing odd number of backslashes) first.
  const logical: string[] = [];
  let pending = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = pending ? rawLine.replace(/^\s+/, '') : rawLine;
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending += line.slice(0, -1);
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending) logical.push(pending);
  for (const line of logical) {
    const trimmed = line.replace(/^\s+/, '');
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(trimmed);
    if (m === null) {
      out.set(unescape(trimmed), '');
      continue;
    }
    out.set(unescape(m[1]!), unescape(m[2]!.replace(/\s+$/, '')));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}
