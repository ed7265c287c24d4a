import test from 'ava';
import { connect, type Socket } from 'node:net';
import { CloseConnection, type Reply } from '../../actors/broker/net/connection.js';
import { NetworkServer } from '../../actors/broker/net/server.js';
import type { Connection } from '../../actors/broker/net/connection.js';

type Handler = (frame: Buffer, conn: Connection) => Buffer[] | null | Promise<Buffer[] | null>;

/** Frames a test handler's payload as the dispatcher does. */
function framed(chunks: Buffer[] | null): Reply {
  if (chunks === null) return null;
  const size = Buffer.alloc(4);
  size.writeInt32BE(chunks.reduce((n, c) => n + c.length, 0), 0);
  return { chunks: [size, ...chunks] };
}

async function start(handle: Handler, overrides: Partial<{ maxInFlight: number; maxFrameBytes: number; maxConnections: number; idleMs: number }> = {}) {
  const logs: string[] = [];
  const server = new NetworkServer({
    maxFrameBytes: overrides.maxFrameBytes ?? 1 << 20,
    maxInFlight: overrides.maxInFlight ?? 100,
    maxConnections: overrides.maxConnections ?? 100,
    idleMs: overrides.idleMs ?? 60_000,
    handle: (f, c) => {
      const r = handle(f, c);
      return r instanceof Promise ? r.then(framed) : framed(r);
    },
    log: (m) => logs.push(m),
    now: () => Date.now(),
  });
  const [bound] = await server.listen([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);
  return { server, port: bound!.boundPort, logs };
}

function frame(n: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeInt32BE(4, 0);
  out.writeInt32BE(n, 4);
  return out;
}

/** Collects response payloads (int32 each) from a socket. */
function collector(socket: Socket) {
  const got: number[] = [];
  let pending = Buffer.alloc(0);
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0);
      got.push(pending.readInt32BE(4));
      pending = pending.subarray(4 + size);
    }
    for (const w of waiters.splice(0)) w();
  });
  return {
    got,
    async until(n: number) {
      while (got.length < n) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));

test('responses leave in request order when handlers finish out of order', async (t) => {
  const { server, port } = await start(async (f) => {
    const n = f.readInt32BE(0);
    await new Promise((r) => setTimeout(r, (10 - n) * 5));
    const out = Buffer.alloc(4);
    out.writeInt32BE(n, 0);
    return [out];
  });
  const s = await open(port);
  const c = collector(s);
  s.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(i))));
  await c.until(10);
  t.deepEqual(c.got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  s.destroy();
  await server.close(1000);
});

test('requests without a response (acks=0) keep the order of the others', async (t) => {
  const { server, port } = await start((f) => {
    const n = f.readInt32BE(0);
    if (n % 2 === 1) return null;
    return [f];
  });
  const s = await open(port);
  const c = collector(s);
  s.write(Buffer.concat(Array.from({ length: 6 }, (_, i) => frame(i))));
  await c.until(3);
  t.deepEqual(c.got, [0, 2, 4]);
  s.destroy();
  await server.close(1000);
});

test('at the in-flight limit the connection stops reading until answers go out', async (t) => {
  const release: Array<() => void> = [];
  let maxSeen = 0;
  let current = 0;
  const { server, port } = await start(
    (f) =>
      new Promise<Buffer[]>((resolve) => {
        current++;
        maxSeen = Math.max(maxSeen, current);
        release.push(() => {
          current--;
          resolve([f]);
        });
      }),
    { maxInFlight: 3 },
  );
  const s = await open(port);
  const c = collector(s);
  s.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(i))));
  while (c.got.length < 10) {
    await new Promise((r) => setTimeout(r, 5));
    release.splice(0).forEach((fn) => fn());
  }
  t.true(maxSeen <= 3, `at most 3 in flight, saw ${maxSeen}`);
  t.deepEqual(c.got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  s.destroy();
  await server.close(1000);
});

test('an oversized request closes that connection only', async (t) => {
  const { server, port, logs } = await start((f) => [f], { maxFrameBytes: 16 });
  const bad = await open(port);
  const good = await open(port);
  const c = collector(good);
  const big = Buffer.alloc(4);
  big.writeInt32BE(17, 0);
  bad.write(big);
  await closed(bad);
  good.write(frame(7));
  await c.until(1);
  t.deepEqual(c.got, [7]);
  t.true(logs.some((l) => l.includes('socket.request.max.bytes')));
  good.destroy();
  await server.close(1000);
});

test('a handler refusing a malformed request closes the connection; others keep being served', async (t) => {
  const { server, port } = await start((f) => {
    if (f.readInt32BE(0) === 666) throw new CloseConnection('malformed');
    return [f];
  });
  const bad = await open(port);
  const good = await open(port);
  const c = collector(good);
  bad.write(frame(666));
  await closed(bad);
  good.write(frame(1));
  await c.until(1);
  t.deepEqual(c.got, [1]);
  good.destroy();
  await server.close(1000);
});

test('max.connections refuses connections beyond the limit', async (t) => {
  const { server, port, logs } = await start((f) => [f], { maxConnections: 1 });
  const first = await open(port);
  const c = collector(first);
  first.write(frame(1));
  await c.until(1);
  const second = await open(port);
  await closed(second);
  t.true(logs.some((l) => l.includes('max.connections')));
  first.destroy();
  await server.close(1000);
});

test('idle connections are reaped', async (t) => {
  const { server, port } = await start((f) => [f], { idleMs: 50 });
  const s = await open(port);
  await closed(s);
  t.is(server.connectionCount, 0);
  await server.close(1000);
});

test('close waits for requests in flight and answers them', async (t) => {
  const { server, port } = await start(async (f) => {
    await new Promise((r) => setTimeout(r, 50));
    return [f];
  });
  const s = await open(port);
  const c = collector(s);
  s.write(frame(42));
  await new Promise((r) => setTimeout(r, 10));
  await server.close(2000);
  await c.until(1);
  t.deepEqual(c.got, [42]);
  s.destroy();
});
