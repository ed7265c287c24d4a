/**
 * The listening sockets and the set of live connections: `max.connections`,
 * `max.connections.per.ip`, idle reaping (`connections.max.idle.ms`) and
 * graceful close.
 */
import { createServer, type Server } from 'node:net';
import type { Listener } from '../../config/index.js';
import { Connection, type ConnectionOptions } from './connection.js';

export interface ServerOptions extends ConnectionOptions {
  readonly maxConnections: number;
  /** Default: no limit. */
  readonly maxConnectionsPerIp?: number;
  readonly idleMs: number;
  /** Told of every connection accepted and closed (metrics). */
  readonly onConnection?: (event: 'opened' | 'closed') => void;
}

export interface BoundListener extends Listener {
  /** The port actually bound (differs from `port` when it was 0). */
  readonly boundPort: number;
}

export class NetworkServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  /** Live connections by remote address, for max.connections.per.ip. */
  private readonly perIp = new Map<string, number>();
  private reaper: NodeJS.Timeout | null = null;
  private accepting = true;

  constructor(private readonly options: ServerOptions) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(listeners: readonly Listener[]): Promise<BoundListener[]> {
    const bound: BoundListener[] = [];
    for (const l of listeners) {
      const server = createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: l.host, port: l.port, backlog: 511 }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (err) => this.options.log(`listener ${l.host}:${l.port}: ${err.message}`));
      this.servers.push(server);
      const address = server.address();
      bound.push({ ...l, boundPort: typeof address === 'object' && address ? address.port : l.port });
    }
    // Sweep a few times per idle period: precise enough, one timer for all connections.
    const sweepMs = Math.max(10, Math.min(30_000, Math.floor(this.options.idleMs / 4)));
    this.reaper = setInterval(() => this.reapIdle(), sweepMs);
    this.reaper.unref();
    return bound;
  }

  private accept(socket: import('node:net').Socket): void {
    if (!this.accepting || this.connections.size >= this.options.maxConnections) {
      if (this.accepting) this.options.log(`refusing connection from ${socket.remoteAddress}: max.connections (${this.options.maxConnections}) reached`);
      socket.destroy();
      return;
    }
    const ip = socket.remoteAddress ?? '';
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp >= (this.options.maxConnectionsPerIp ?? Infinity)) {
      this.options.log(`refusing connection from ${ip}: max.connections.per.ip (${this.options.maxConnectionsPerIp}) reached`);
      socket.destroy();
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    const conn = new Connection(socket, this.options);
    this.connections.add(conn);
    this.options.onConnection?.('opened');
    conn.onClosed = (c) => {
      this.connections.delete(c);
      this.options.onConnection?.('closed');
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    };
  }

  private reapIdle(): void {
    const now = this.options.now();
    for (const conn of this.connections) {
      if (conn.inFlight === 0 && now - conn.lastActiveMs > this.options.idleMs) conn.close('idle for longer than connections.max.idle.ms');
    }
  }

  /**
   * Stops accepting and reading, waits (up to `graceMs`) for requests already
   * read to be answered, then closes every connection.
   */
  async close(graceMs: number): Promise<void> {
    this.accepting = false;
    if (this.reaper) clearInterval(this.reaper);
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const conn of this.connections) conn.stopReading();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.connections].map((c) => c.drained())),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const conn of this.connections) {
      // Let queued bytes reach the client before the socket goes away.
      conn.socket.end();
      conn.socket.destroySoon();
    }
    await Promise.all(closing);
  }
}
