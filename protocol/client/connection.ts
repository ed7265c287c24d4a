// One TCP connection to a broker: requests are written as they come (pipelined,
// any number in flight) and each response is handed to the request with its
// correlation id. The broker answers in request order, but matching by id keeps a
// confused stream from being misread: an id nobody waits for closes the connection.
import { connect as netConnect, type Socket } from 'node:net';
import {
  ApiKey,
  ErrorCode,
  Writer,
  decodeResponseFrame,
  encodeRequestFrame,
  type Input,
  type RequestDataByKey,
  type ResponseDataByKey,
} from '../index.js';
import { FrameAssembler } from './frame-assembler.js';
import { CLIENT_VERSIONS, UnsupportedApiError, negotiateVersions } from './versions.js';

export type ApiKeyOf = keyof RequestDataByKey & keyof ResponseDataByKey;

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  /** default 10 s */
  connectTimeoutMs?: number;
  /** a request without an answer after this long fails and closes the connection; default 30 s */
  requestTimeoutMs?: number;
  /** largest response frame accepted; default 256 MiB */
  maxFrameBytes?: number;
}

export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

/** A decoder for a response, given the frame after the size prefix. */
export type FrameDecoder<T> = (frame: Buffer) => T;

interface Pending {
  decode: FrameDecoder<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  deadlineMs: number;
}

const TIMEOUT_SWEEP_MS = 250;

export class KafkaConnection {
  readonly clientId: string;
  private readonly pending = new Map<number, Pending>();
  private readonly frames: FrameAssembler;
  private nextId = 1;
  private closedError: Error | null = null;
  private versions = new Map<number, number>();
  private readonly requestTimeoutMs: number;
  private sweeper: NodeJS.Timeout | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly where: string,
    opts: ConnectionOptions,
  ) {
    this.clientId = opts.clientId ?? 'samsa-lean';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.frames = new FrameAssembler(opts.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      try {
        this.frames.push(d, this.onFrame);
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
    socket.on('error', (e) => this.fail(new ConnectionClosedError(`connection to ${where} failed: ${e.message}`)));
    socket.on('close', () => this.fail(new ConnectionClosedError(`connection to ${where} closed`)));
  }

  /** Opens a connection; does not negotiate versions (see negotiate()). */
  static connect(opts: ConnectionOptions): Promise<KafkaConnection> {
    const where = `${opts.host}:${opts.port}`;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: opts.host, port: opts.port });
      const onError = (e: Error): void => {
        clearTimeout(timer);
        reject(new ConnectionClosedError(`connect to ${where}: ${e.message}`));
      };
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionClosedError(`connect to ${where} timed out`));
      }, opts.connectTimeoutMs ?? 10_000);
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new KafkaConnection(socket, where, opts));
      });
    });
  }

  /** Opens a connection and agrees API versions with the broker. */
  static async open(opts: ConnectionOptions): Promise<KafkaConnection> {
    const c = await KafkaConnection.connect(opts);
    try {
      await c.negotiate();
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  /** Requests written and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Asks ApiVersions (v3, falling back to v0 when refused) and keeps, per API, the highest version both speak. */
  async negotiate(): Promise<Map<number, number>> {
    let res = await this.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'samsa-lean', clientSoftwareVersion: '0.1.0' });
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) res = await this.request(ApiKey.ApiVersions, 0, {});
    if (res.errorCode !== 0) throw new UnsupportedApiError(`ApiVersions answered error ${res.errorCode}`);
    this.versions = negotiateVersions(res.apiKeys);
    return this.versions;
  }

  /** The version agreed for an API; throws when the broker serves none this client speaks. */
  version(apiKey: number): number {
    const v = this.versions.get(apiKey);
    if (v === undefined) {
      const mine = CLIENT_VERSIONS[apiKey];
      throw new UnsupportedApiError(`${this.where} serves no version of API ${apiKey} in ${mine ? `${mine.min}-${mine.max}` : 'this client'}`);
    }
    return v;
  }

  /** Encodes, sends and awaits one request with the protocol's generated codecs. */
  request<K extends ApiKeyOf>(apiKey: K, apiVersion: number, body: Input<RequestDataByKey[K]>): Promise<ResponseDataByKey[K]> {
    const id = this.takeId();
    const w = new Writer(512);
    const chunks = encodeRequestFrame(w, { apiKey, apiVersion, correlationId: id, clientId: this.clientId }, body);
    const decode: FrameDecoder<ResponseDataByKey[K]> = (frame) => decodeResponseFrame(frame, apiKey, apiVersion).body;
    return this.sendFrame(id, chunks, decode);
  }

  /** A fresh correlation id, for callers that build their own frames. */
  takeId(): number {
    const id = this.nextId;
    this.nextId = id === 0x7fffffff ? 1 : id + 1;
    return id;
  }

  /**
   * Writes a pre-built frame (size prefix included, correlation id `id`) and resolves
   * with the decoded response. The chunks must not change until the write is done.
   */
  sendFrame<T>(id: number, chunks: readonly Buffer[], decode: FrameDecoder<T>): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { decode, resolve: resolve as (v: unknown) => void, reject, deadlineMs: Date.now() + this.requestTimeoutMs });
      this.sweeper ??= setInterval(this.sweep, TIMEOUT_SWEEP_MS).unref();
      this.write(chunks);
    });
  }

  /** Writes a frame that gets no response (Produce with acks=0); resolves once the socket has taken it. */
  sendOneWay(chunks: readonly Buffer[]): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<void>((resolve, reject) => {
      this.write(chunks, (err) => (err ? reject(this.closedError ?? err) : resolve()));
    });
  }

  /** Closes the socket; requests in flight fail with ConnectionClosedError. */
  close(): void {
    this.fail(new ConnectionClosedError(`connection to ${this.where} closed by the client`));
  }

  private write(chunks: readonly Buffer[], cb?: (err?: Error | null) => void): void {
    const s = this.socket;
    if (chunks.length === 1) {
      s.write(chunks[0]!, cb);
      return;
    }
    // Corked writes leave as one writev: one syscall per request, records by reference.
    s.cork();
    for (let i = 0; i < chunks.length - 1; i++) s.write(chunks[i]!);
    s.write(chunks[chunks.length - 1]!, cb);
    s.uncork();
  }

  private readonly onFrame = (frame: Buffer): void => {
    if (frame.length < 4) throw new ConnectionClosedError(`response frame of ${frame.length} bytes has no correlation id`);
    const id = frame.readInt32BE(0);
    const p = this.pending.get(id);
    if (p === undefined) throw new ConnectionClosedError(`response with correlation id ${id} matches no request in flight`);
    this.pending.delete(id);
    let value: unknown;
    try {
      value = p.decode(frame);
    } catch (e) {
      p.reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    p.resolve(value);
  };

  private readonly sweep = (): void => {
    if (this.pending.size === 0) {
      clearInterval(this.sweeper!);
      this.sweeper = null;
      return;
    }
    const now = Date.now();
    for (const p of this.pending.values()) {
      if (p.deadlineMs <= now) {
        this.fail(new RequestTimeoutError(`no response from ${this.where} within ${this.requestTimeoutMs} ms`));
        return;
      }
    }
  };

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err instanceof ConnectionClosedError || err instanceof RequestTimeoutError ? err : new ConnectionClosedError(err.message);
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.socket.destroy();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(this.closedError);
  }
}
