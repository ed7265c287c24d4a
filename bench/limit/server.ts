// The limit: the least a Node Kafka server must do per request (frame it, read the
// header, answer) and nothing more. Produce is acknowledged without storing;
// Fetch is served from a pre-built in-memory log. What samsa achieves is
// reported as a ratio of what this server achieves on the same machine.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ApiKey } from '../../protocol/index.js';
import { FrameAssembler } from '../../protocol/client/frame-assembler.js';
import { answerAdmin, flexibleFrom, isServed, type AdminState } from './admin.js';
import { answerFetch } from './fetch.js';
import { FetchLog, type FetchLogOptions } from './fetch-log.js';
import { OffsetCounters, answerProduce } from './produce.js';
import { RecordStore } from './record-store.js';
import { readHeader } from './wire.js';

export interface LimitServerOptions {
  host?: string;
  /** 0: ephemeral */
  port?: number;
  /** partitions of topics nobody created; default 1 */
  defaultPartitions?: number;
  /** the stored data every fetch reads; default 0 records (fetches find nothing) */
  fetchLog?: FetchLogOptions;
  /** write produced record bytes to a file per partition under this directory (removed at close) */
  storeDir?: string;
}

export interface LimitServer {
  host: string;
  port: number;
  bootstrap: string;
  /** requests answered so far */
  readonly requests: number;
  close(): Promise<void>;
}

/** Responses in request order; a parked fetch holds back the ones behind it. */
class OrderedOut {
  private readonly queue: (Buffer[] | null)[] = [];
  constructor(private readonly socket: Socket) {}

  send(chunks: Buffer[]): void {
    if (this.queue.length === 0) this.write(chunks);
    else this.queue.push(chunks);
  }

  sendLater(chunks: Buffer[], delayMs: number): void {
    const slot = this.queue.length;
    this.queue.push(null);
    const timer = setTimeout(() => {
      this.queue[slot] = chunks;
      this.drain();
    }, delayMs);
    this.socket.once('close', () => clearTimeout(timer));
  }

  private drain(): void {
    let i = 0;
    while (i < this.queue.length && this.queue[i] !== null) this.write(this.queue[i++]!);
    this.queue.splice(0, i);
  }

  private write(chunks: Buffer[]): void {
    if (this.socket.destroyed) return;
    for (const c of chunks) this.socket.write(c);
  }
}

export async function startLimitServer(opts: LimitServerOptions = {}): Promise<LimitServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = new FetchLog(opts.fetchLog ?? { records: 0, recordBytes: 1, batchRecords: 1 });
  const offsets = new OffsetCounters();
  const admin: AdminState = { host, port: 0, defaultPartitions: opts.defaultPartitions ?? 1, topics: new Map(), logEndOffset: log.endOffset };
  const store = opts.storeDir ? new RecordStore(opts.storeDir) : undefined;
  const sockets = new Set<Socket>();
  let requests = 0;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const frames = new FrameAssembler(64 * 1024 * 1024);
    const out = new OrderedOut(socket);
    const onFrame = (frame: Buffer): void => {
      const h = readHeader(frame, flexibleFrom);
      requests++;
      if (!isServed(h.apiKey, h.apiVersion) && h.apiKey !== ApiKey.ApiVersions) throw new RangeError(`api ${h.apiKey} v${h.apiVersion} not served`);
      if (h.apiKey === ApiKey.Produce) {
        const res = answerProduce(frame, h.bodyStart, h.apiVersion, h.correlationId, offsets, store);
        if (res) out.send([res]);
      } else if (h.apiKey === ApiKey.Fetch) {
        const a = answerFetch(frame, h.bodyStart, h.apiVersion, h.correlationId, log);
        if (a.delayMs > 0) out.sendLater(a.chunks, a.delayMs);
        else out.send(a.chunks);
      } else {
        const res = answerAdmin(frame, h.bodyStart, h.apiKey, h.apiVersion, h.correlationId, admin);
        if (res === null) throw new RangeError(`api ${h.apiKey} not served`);
        out.send([res]);
      }
    };
    socket.on('data', (data: Buffer) => {
      // Every response of one read leaves in one writev.
      socket.cork();
      try {
        frames.push(data, onFrame);
      } catch {
        socket.destroy();
      } finally {
        socket.uncork();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  admin.port = port;
  return {
    host,
    port,
    bootstrap: `${host}:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          store?.close();
          resolve();
        });
      }),
  };
}
