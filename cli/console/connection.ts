/**
 * The lean client's one connection: requests pipelined, responses matched by
 * correlation id. Built on the protocol layer's codecs; used by the CLI
 * (topics, produce, consume) and by tests.
 */
import { connect, type Socket } from 'node:net';
import {
  decodeResponseFrame,
  encodeRequestFrame,
  Writer,
  type Input,
  type RequestDataByKey,
  type ResponseDataByKey,
} from '../../protocol/index.js';
import { FrameReader } from '../../actors/broker/net/frame-reader.js';

type Key = keyof RequestDataByKey & keyof ResponseDataByKey;

interface Pending {
  apiKey: number;
  version: number;
  resolve(frame: Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const MAX_RESPONSE_BYTES = 256 << 20;

export class KafkaConnection {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new FrameReader(MAX_RESPONSE_BYTES);
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = this.reader.push(chunk);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      for (const f of frames) {
        const id = f.readInt32BE(0);
        const p = this.pending.get(id);
        if (p === undefined) continue;
        this.pending.delete(id);
        clearTimeout(p.timer);
        p.resolve(f);
      }
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by the broker')));
  }

  static open(host: string, port: number, opts: { clientId?: string; timeoutMs?: number } = {}): Promise<KafkaConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new KafkaConnection(socket, opts.clientId ?? 'samsa-cli', opts.timeoutMs ?? 30_000));
      });
      socket.once('error', reject);
    });
  }

  async request<K extends Key>(apiKey: K, version: number, body: Input<RequestDataByKey[K]>, opts: { expectResponse?: boolean } = {}): Promise<ResponseDataByKey[K]> {
    if (this.closedError) throw this.closedError;
    const correlationId = this.nextCorrelationId++;
    const w = new Writer(4096, 1024);
    const chunks = encodeRequestFrame(w, { apiKey, apiVersion: version, correlationId, clientId: this.clientId }, body);
    if (opts.expectResponse === false) {
      for (const c of chunks) this.socket.write(c);
      return undefined as unknown as ResponseDataByKey[K];
    }
    const frame = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`request ${apiKey} v${version} timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(correlationId, { apiKey, version, resolve, reject, timer });
      this.socket.cork();
      for (const c of chunks) this.socket.write(c);
      this.socket.uncork();
    });
    return decodeResponseFrame(frame, apiKey, version).body;
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}
