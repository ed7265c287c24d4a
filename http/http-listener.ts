/**
 * The broker's HTTP listener (samsa.http.listener): Prometheus metrics at
 * /metrics, the read-only admin API under /api, the web console at /. Off
 * the Kafka port, so a scrape or a console never queues behind client
 * traffic; GET and HEAD only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Broker } from '../actors/broker/broker.js';
import { ConfigError, parseHttpListener } from '../actors/config/index.js';
import type { Logger } from '../actors/runtime/index.js';
import { brokerConfigsView, clusterView, groupsView, groupView, topicsView, topicView } from './admin-api.js';
import { consoleAsset, isConsolePath } from './console-assets.js';
import { HttpError, toJson } from './http-error.js';
import { liveStats } from './live-stats.js';
import { browseMessages, MAX_LIMIT } from './message-browser.js';

export interface HttpListener {
  /** http://host:port as bound */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const PROPERTY = 'samsa.http.listener';
const DEFAULT_LIMIT = 50;

type Route = (broker: Broker, params: string[], query: URLSearchParams) => unknown;

const ROUTES: ReadonlyArray<readonly [RegExp, Route]> = [
  [/^\/api\/cluster$/, (b) => clusterView(b)],
  [/^\/api\/topics$/, (b) => topicsView(b)],
  [/^\/api\/topics\/([^/]+)$/, (b, [name]) => topicView(b, name!)],
  [/^\/api\/topics\/([^/]+)\/partitions\/(\d{1,9})\/messages$/, (b, [name, p], q) => browseMessages(b, name!, Number(p), browseQuery(q))],
  [/^\/api\/groups$/, (b) => groupsView(b)],
  [/^\/api\/groups\/([^/]+)$/, (b, [id]) => groupView(b, id!)],
  [/^\/api\/configs\/broker$/, (b) => brokerConfigsView(b)],
  [/^\/api\/stats$/, (b) => liveStats(b.metrics)],
];

function integerParam(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d{1,19}$/.test(v)) throw new HttpError(400, 'INVALID_REQUEST', `${name} must be an integer, got ${JSON.stringify(v.slice(0, 40))}`);
  return BigInt(v);
}

function browseQuery(q: URLSearchParams): { offset?: bigint; timestamp?: bigint; limit: number } {
  const offset = integerParam(q, 'offset');
  const timestamp = integerParam(q, 'timestamp');
  const limit = integerParam(q, 'limit') ?? BigInt(DEFAULT_LIMIT);
  if (offset !== undefined && timestamp !== undefined) throw new HttpError(400, 'INVALID_REQUEST', 'give offset or timestamp, not both');
  if (offset !== undefined && offset < 0n) throw new HttpError(400, 'INVALID_REQUEST', 'offset must be >= 0');
  if (limit < 1n || limit > BigInt(MAX_LIMIT)) throw new HttpError(400, 'INVALID_REQUEST', `limit must be 1-${MAX_LIMIT}`);
  return { ...(offset !== undefined ? { offset } : {}), ...(timestamp !== undefined ? { timestamp } : {}), limit: Number(limit) };
}

export async function startHttpListener(broker: Broker, address: string, log: Logger): Promise<HttpListener> {
  const { host, port } = parseHttpListener(address);
  const server = createServer((req, res) => {
    serve(broker, req, res).catch((err) => {
      log.error(`http ${req.method} ${req.url?.slice(0, 200)} failed: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) reply(res, req, 500, 'application/json', toJson({ error: 'UNKNOWN_SERVER_ERROR', message: (err as Error).message }));
      else res.destroy();
    });
  });
  // A console left open keeps a connection; it must not hold up a stop.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new ConfigError(PROPERTY, `${address}: ${err.message}`)));
    server.listen({ host, port }, () => resolve());
  });
  server.on('error', (err) => log.warn(`http listener ${address}: ${err.message}`));
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(broker: Broker, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return reply(res, req, 405, 'application/json', toJson({ error: 'METHOD_NOT_ALLOWED', message: `${req.method} is not served: this API is read-only` }));
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://samsa');
  } catch {
    return reply(res, req, 400, 'application/json', toJson({ error: 'INVALID_REQUEST', message: 'malformed URL' }));
  }
  const path = url.pathname;
  if (path === '/metrics') return reply(res, req, 200, broker.metrics.contentType, await broker.metrics.scrape());
  if (path.startsWith('/api/')) {
    try {
      for (const [pattern, route] of ROUTES) {
        const m = pattern.exec(path);
        if (m === null) continue;
        const params = m.slice(1).map((p) => decodePathPart(p));
        return reply(res, req, 200, 'application/json', toJson(await route(broker, params, url.searchParams)));
      }
      throw new HttpError(404, 'NOT_FOUND', `no API at ${path.slice(0, 200)}`);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return reply(res, req, err.status, 'application/json', toJson({ error: err.error, message: err.message }));
    }
  }
  if (isConsolePath(path)) {
    const asset = await consoleAsset(path);
    if (asset === null) return reply(res, req, 503, 'text/plain; charset=utf-8', 'the web console is not built: run npm run build:console\n');
    return reply(res, req, 200, asset.type, asset.body);
  }
  return reply(res, req, 404, 'application/json', toJson({ error: 'NOT_FOUND', message: `nothing at ${path.slice(0, 200)}` }));
}

function decodePathPart(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    throw new HttpError(400, 'INVALID_REQUEST', 'malformed percent-encoding in the path');
  }
}

function reply(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string | Buffer): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
