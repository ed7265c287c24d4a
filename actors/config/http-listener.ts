/** samsa.http.listener: http://host:port (port 0: an ephemeral one). */
import { ConfigError } from './parse.js';

export function parseHttpListener(value: string, property = 'samsa.http.listener'): { host: string; port: number } {
  const m = /^http:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError(property, `${value}: expected http://host:port (port 0-65535), e.g. http://127.0.0.1:9644`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
