// A minimal Kafka server for codec tests: frames requests off a socket, decodes
// them with the generated codecs, records them, and answers with responses built
// by the encoders from a per-API handler. Responses leave in request order.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { decodeRequestFrame, encodeResponseFrame, type DecodedRequest } from '../../../protocol/frames.js';
import { Writer } from '../../../protocol/primitives/writer.js';
import { buildApiVersionsResponse, serveApis, API_SURFACE } from '../../../protocol/api-surface.js';

export type Handler = (req: DecodedRequest) => unknown | Promise<unknown>;

export interface MiniBroker {
  port: number;
  requests: DecodedRequest[];
  /** raw request frames (after the size prefix) */
  frames: Buffer[];
  errors: unknown[];
  close(): Promise<void>;
}

const ALL_VERSIONS = serveApis(Object.fromEntries(API_SURFACE.map((e) => [e.apiKey, { min: e.valid.min, max: e.valid.max }])));

export async function startMiniBroker(handlers: Record<number, Handler>): Promise<MiniBroker> {
  const requests: DecodedRequest[] = [];
  const frames: Buffer[] = [];
  const errors: unknown[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        const frame = Buffer.from(pending.subarray(4, 4 + size));
        pending = pending.subarray(4 + size);
        frames.push(frame);
        let req: DecodedRequest;
        try {
          req = decodeRequestFrame(frame);
        } catch (e) {
          errors.push(e);
          socket.destroy();
          return;
        }
        requests.push(req);
        const handler = req.apiKey === 18 ? () => buildApiVersionsResponse(ALL_VERSIONS) : handlers[req.apiKey];
        const answer = Promise.resolve().then(() => (handler ? handler(req) : undefined));
        chain = chain.then(async () => {
          try {
            const body = await answer;
            if (body === undefined || socket.destroyed) return; // e.g. acks=0
            const w = new Writer(256);
            const chunks = encodeResponseFrame(w, req.apiKey, req.apiVersion, req.correlationId, body as never);
            socket.write(Buffer.concat(chunks));
          } catch (e) {
            errors.push(e);
            socket.destroy();
          }
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    frames,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
