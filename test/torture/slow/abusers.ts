/** Clients that misbehave slowly: they never read, trickle bytes, or just sit there. */
import { connect, type Socket } from 'node:net';
import { encodeRequestFrame, Writer, type TopicName } from '../../../protocol/index.js';

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

export interface Abuser {
  /** Connections the broker has closed so far. */
  readonly closedByBroker: number;
  close(): void;
}

function track(sockets: Socket[], state: { closing: boolean; closed: number }): void {
  for (const s of sockets) {
    s.on('error', () => undefined);
    s.once('close', () => {
      if (!state.closing) state.closed++;
    });
  }
}

function fetchFrame(topic: string, correlationId: number, partitionMaxBytes: number): Buffer {
  return Buffer.concat(
    encodeRequestFrame(new Writer(256), { apiKey: 1, apiVersion: 11, correlationId, clientId: 'never-reads' }, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: partitionMaxBytes,
      topics: [{ topic: topic as TopicName, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes }] }],
    }),
  );
}

/**
 * Pipelines `requests` Fetches of up to `partitionMaxBytes` each on every
 * connection and never reads a byte of the answers.
 */
export async function neverReaders(port: number, topic: string, connections: number, requests: number, partitionMaxBytes: number): Promise<Abuser & { written(): number }> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(port)));
  const state = { closing: false, closed: 0 };
  track(sockets, state);
  let written = 0;
  for (const s of sockets) {
    s.pause();
    for (let i = 0; i < requests; i++) {
      // The broker stops reading at its limits, so most of this stays in our own buffer.
      s.write(fetchFrame(topic, i + 1, partitionMaxBytes), (err) => {
        if (!err) written++;
      });
    }
  }
  return {
    get closedByBroker() {
      return state.closed;
    },
    written: () => written,
    close() {
      state.closing = true;
      for (const s of sockets) s.destroy();
    },
  };
}

/** Connections that each send a valid Metadata request one byte every `intervalMs`, over and over. */
export async function trickle(port: number, connections: number, intervalMs: number): Promise<Abuser & { readonly bytesSent: number }> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(port)));
  const state = { closing: false, closed: 0 };
  track(sockets, state);
  const frame = Buffer.concat(encodeRequestFrame(new Writer(64), { apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'trickle' }, { topics: null }));
  let at = 0;
  let bytesSent = 0;
  const timer = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write(frame.subarray(at, at + 1));
    bytesSent += sockets.length;
    at = (at + 1) % frame.length;
  }, intervalMs);
  return {
    get closedByBroker() {
      return state.closed;
    },
    get bytesSent() {
      return bytesSent;
    },
    close() {
      clearInterval(timer);
      state.closing = true;
      for (const s of sockets) s.destroy();
    },
  };
}

/** Connections that never send anything. Opened in bursts so the accept queue is not the limit tested. */
export async function idle(port: number, connections: number): Promise<Abuser & { readonly open: number }> {
  const sockets: Socket[] = [];
  for (let i = 0; i < connections; i += 200) sockets.push(...(await Promise.all(Array.from({ length: Math.min(200, connections - i) }, () => open(port)))));
  const state = { closing: false, closed: 0 };
  track(sockets, state);
  return {
    get closedByBroker() {
      return state.closed;
    },
    get open() {
      return sockets.filter((s) => !s.destroyed).length;
    },
    close() {
      state.closing = true;
      for (const s of sockets) s.destroy();
    },
  };
}
