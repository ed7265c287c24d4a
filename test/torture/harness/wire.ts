/**
 * A bare Kafka connection for the torture suites: pipelined requests encoded
 * with the protocol layer, responses matched by correlation id, and raw bytes
 * when a test wants to send what no client would.
 */
import { connect, type Socket } from 'node:net';
import { FrameReader } from '../../../actors/broker/net/frame-reader.js';
import {
  decodeResponseFrame,
  encodeRequestFrame,
  Writer,
  type Input,
  type RequestDataByKey,
  type ResponseDataByKey,
} from '../../../protocol/index.js';

type Key = keyof RequestDataByKey & keyof ResponseDataByKey;

const RESPONSE_MAX_BYTES = 256 << 20;

interface Pending {
  decode: (frame: Buffer) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class WireClient {
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new FrameReader(RESPONSE_MAX_BYTES);
  private nextId = 1;
  private closedError: Error | null = null;
  /** Resolves when the socket closes, for whatever reason. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(chunk)) this.onFrame(frame);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => this.failAll(new Error('connection closed')));
  }

  static connect(port: number, timeoutMs = 10_000): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${port} timed out`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new WireClient(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closedError !== null;
  }

  request<K extends Key>(apiKey: K, apiVersion: number, body: Input<RequestDataByKey[K]>, timeoutMs = 15_000): Promise<ResponseDataByKey[K]> {
    const id = this.nextId++;
    const chunks = encodeRequestFrame(new Writer(256), { apiKey, apiVersion, correlationId: id, clientId: 'torture' }, body);
    return this.expect(id, Buffer.concat(chunks), (f) => decodeResponseFrame(f, apiKey, apiVersion).body, timeoutMs) as Promise<ResponseDataByKey[K]>;
  }

  /** Sends a pre-built frame whose correlation id is `id`; resolves with the raw response frame. */
  expect(id: number, frame: Buffer, decode: (frame: Buffer) => unknown = (f) => f, timeoutMs = 15_000): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no response to correlation id ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { decode, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  /** A correlation id no request of this client uses. */
  takeId(): number {
    return this.nextId++;
  }

  write(bytes: Buffer): boolean {
    return this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private onFrame(frame: Buffer): void {
    const id = frame.readInt32BE(0);
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    try {
      p.resolve(p.decode(frame));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private failAll(err: Error): void {
    this.closedError = err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

/** Header v1 (client id null), or v2 with an empty tagged-field section when `flexible`. */
export function rawFrame(apiKey: number, version: number, correlationId: number, body: Buffer, flexible = false): Buffer {
  const header = Buffer.alloc(flexible ? 11 : 10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(-1, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length, 0);
  return Buffer.concat([size, header, body]);
}
