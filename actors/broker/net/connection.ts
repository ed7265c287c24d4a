/**
 * One client connection: frames in, responses out in request order.
 *
 * Kafka clients pipeline requests and match responses by position, so a
 * response that finishes early waits in its slot until every earlier one has
 * been written. The number of requests read and not yet answered is bounded
 * (`queued.max.requests`); at the bound the socket stops being read, which
 * pushes back on the client through TCP.
 *
 * Response memory is bounded too. No request is dispatched while more than
 * RESPONSE_BUDGET_BYTES of earlier responses sit unsent in the socket (a
 * client that stops reading stops being served), and Fetch requests on one
 * connection run one at a time: a Fetch response can be tens of MiB, clients
 * keep a single Fetch in flight per broker anyway, and a pipeline of Fetches
 * from a client that never reads must not become a pile of responses.
 */
import type { Socket } from 'node:net';
import { FrameReader } from './frame-reader.js';

/**
 * What a request turns into: the response frame's chunks (size prefix
 * included), or nothing (acks=0). `written` runs once the socket has taken the
 * bytes, so the memory behind the chunks can be reused; `sending` runs just
 * before they are written (after every earlier response).
 */
export type Reply = { readonly chunks: readonly Buffer[]; readonly sending?: () => void; readonly written?: () => void } | null;

/** Thrown by a request handler to drop the connection (malformed request). */
export class CloseConnection extends Error {
  override readonly name = 'CloseConnection';
}

export interface ConnectionOptions {
  readonly maxFrameBytes: number;
  readonly maxInFlight: number;
  /** `arrivedMs`: performance.now() when the frame was read. */
  readonly handle: (frame: Buffer, conn: Connection, arrivedMs: number) => Reply | Promise<Reply>;
  /** Warnings about this connection; `fields` carry the peer. */
  readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  readonly now: () => number;
}

interface Slot {
  done: boolean;
  reply: Reply;
  fetch: boolean;
}

let nextConnectionId = 1;

/** Unsent response bytes above which no further request is dispatched. */
export const RESPONSE_BUDGET_BYTES = 16 * 1024 * 1024;
const FETCH_API_KEY = 1;

/** The request's API key: the frame's first two bytes (the header's request_api_key). */
function isFetch(frame: Buffer): boolean {
  return frame.length >= 2 && frame.readInt16BE(0) === FETCH_API_KEY;
}

export class Connection {
  readonly id = nextConnectionId++;
  readonly remote: string;
  /** The peer's address as Kafka reports a client host ("/127.0.0.1"). */
  readonly clientHost: string;
  private readonly reader: FrameReader;
  /** Requests read and not yet written, oldest first. */
  private readonly slots: Slot[] = [];
  /** Frames read past the in-flight limit (at most one socket chunk's worth: reading is paused). */
  private readonly waiting: Buffer[] = [];
  /** When each waiting frame was read (performance.now()). */
  private readonly waitingSince: number[] = [];
  private closed = false;
  private finished = false;
  private pausedForInFlight = false;
  private pausedForWrite = false;
  /** A Fetch is being handled: the next one waits for it. */
  private fetchRunning = false;
  private idleWaiters: Array<() => void> = [];
  lastActiveMs: number;
  requestsServed = 0;

  constructor(
    readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.clientHost = socket.remoteAddress ? `/${socket.remoteAddress}` : '';
    this.reader = new FrameReader(options.maxFrameBytes);
    this.lastActiveMs = options.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.pausedForWrite = false;
      this.pump();
    });
    socket.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') options.log(`connection ${this.remote}: ${err.message}`, { peer: this.remote });
    });
    socket.on('close', () => this.onClose());
  }

  get inFlight(): number {
    return this.slots.length + this.waiting.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(reason?: string): void {
    if (this.closed) return;
    if (reason) this.options.log(`closing connection ${this.remote}: ${reason}`, { peer: this.remote });
    this.closed = true;
    this.socket.destroy();
    this.onClose();
  }

  /** Resolves once every request read so far has been answered (or the connection closed). */
  drained(): Promise<void> {
    if ((this.slots.length === 0 && this.waiting.length === 0) || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops reading new requests (graceful shutdown). */
  stopReading(): void {
    this.socket.pause();
    this.socket.removeAllListeners('data');
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActiveMs = this.options.now();
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.close((err as Error).message);
      return;
    }
    const at = performance.now();
    for (const frame of frames) {
      this.waiting.push(frame);
      this.waitingSince.push(at);
    }
    this.pump();
  }

  /** Dispatches waiting frames while under the in-flight limit and the response budget. */
  private pump(): void {
    while (!this.closed && this.waiting.length > 0 && this.slots.length < this.options.maxInFlight) {
      if (this.socket.writableLength > RESPONSE_BUDGET_BYTES) break;
      const fetch = isFetch(this.waiting[0]!);
      if (fetch && this.fetchRunning) break;
      this.dispatch(this.waiting.shift()!, fetch, this.waitingSince.shift()!);
    }
    this.updateFlow();
  }

  private dispatch(frame: Buffer, fetch: boolean, arrivedMs: number): void {
    const slot: Slot = { done: false, reply: null, fetch };
    if (fetch) this.fetchRunning = true;
    this.slots.push(slot);
    let result: Reply | Promise<Reply>;
    try {
      result = this.options.handle(frame, this, arrivedMs);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (reply) => this.complete(slot, reply),
        (err) => this.fail(err),
      );
    } else {
      this.complete(slot, result);
    }
  }

  private fail(err: unknown): void {
    this.close(err instanceof CloseConnection ? err.message : `request handling failed: ${(err as Error)?.stack ?? err}`);
  }

  private complete(slot: Slot, reply: Reply): void {
    if (this.closed) return;
    slot.done = true;
    slot.reply = reply;
    if (slot.fetch) this.fetchRunning = false;
    if (this.slots[0] === slot) this.flushReady();
    else if (slot.fetch) this.pump();
  }

  private flushReady(): void {
    let corked = false;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const { reply } = this.slots.shift()!;
      this.requestsServed++;
      if (reply === null) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      let ok = true;
      const { chunks, written } = reply;
      reply.sending?.();
      for (let i = 0; i < chunks.length; i++) {
        const last = i === chunks.length - 1;
        ok = last && written ? this.socket.write(chunks[i]!, () => written()) : this.socket.write(chunks[i]!);
      }
      if (!ok) this.pausedForWrite = true;
    }
    // Uncork on the next tick so responses finishing in this tick share one writev.
    if (corked) process.nextTick(() => this.socket.uncork());
    this.lastActiveMs = this.options.now();
    this.pump();
    if (this.slots.length === 0 && this.waiting.length === 0) this.wakeIdle();
  }

  private updateFlow(): void {
    if (this.closed) return;
    this.pausedForInFlight = this.slots.length >= this.options.maxInFlight || this.waiting.length > 0;
    if (this.socket.writableLength > RESPONSE_BUDGET_BYTES) this.pausedForWrite = true;
    if (this.pausedForInFlight || this.pausedForWrite) this.socket.pause();
    else if (this.socket.listenerCount('data') > 0) this.socket.resume();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private onClose(): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    this.slots.length = 0;
    this.waiting.length = 0;
    this.waitingSince.length = 0;
    this.wakeIdle();
    this.onClosed?.(this);
  }

  onClosed: ((conn: Connection) => void) | undefined;
}
