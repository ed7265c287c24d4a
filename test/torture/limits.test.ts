/**
 * The broker's connection and request limits, against a broker process:
 * max.connections, max.connections.per.ip, connections.max.idle.ms,
 * queued.max.requests and socket.request.max.bytes.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecordBatchSync, encodeRequestFrame, Writer, type TopicName } from '../../protocol/index.js';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';
import { WireClient } from './harness/wire.js';

async function brokerWith(t: ExecutionContext, overrides: Record<string, string | number>): Promise<BrokerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-limits-'));
  const broker = await BrokerProcess.start({ dataDir, overrides, logLevel: 'error' });
  t.teardown(async () => {
    await broker.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return broker;
}

/** Opens `n` connections from `host` and reports, after `settleMs`, how many the broker closed. */
async function openMany(t: ExecutionContext, port: number, n: number, settleMs = 500, localAddress = '127.0.0.1'): Promise<{ sockets: Socket[]; closed: () => number }> {
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({ port, host: '127.0.0.1', localAddress });
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
  let closed = 0;
  for (const s of sockets) {
    s.on('error', () => undefined);
    s.once('close', () => closed++);
  }
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  await new Promise((r) => setTimeout(r, settleMs));
  return { sockets, closed: () => closed };
}

test('max.connections: connections beyond the limit are closed at accept, and a freed slot is usable again', async (t) => {
  const broker = await brokerWith(t, { 'max.connections': 20 });
  const many = await openMany(t, broker.port, 30);
  t.is(many.closed(), 10);
  many.sockets.slice(0, 5).forEach((s) => s.destroy());
  await new Promise((r) => setTimeout(r, 200));
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  t.is((await c.request(18, 0, {})).errorCode, 0);
});

test('max.connections.per.ip: one address cannot take every connection slot', async (t) => {
  const broker = await brokerWith(t, { 'max.connections.per.ip': 10 });
  const many = await openMany(t, broker.port, 15);
  t.is(many.closed(), 5);
  // Another address on the loopback still gets in.
  const other = await openMany(t, broker.port, 3, 300, '127.0.0.2');
  t.is(other.closed(), 0);
});

test('connections.max.idle.ms: idle connections are closed, busy ones are not', async (t) => {
  const broker = await brokerWith(t, { 'connections.max.idle.ms': 800 });
  const idle = await openMany(t, broker.port, 50, 0);
  const busy = await WireClient.connect(broker.port);
  t.teardown(() => busy.close());
  const until = Date.now() + 3_000;
  while (Date.now() < until) {
    t.is((await busy.request(18, 0, {})).errorCode, 0);
    await new Promise((r) => setTimeout(r, 100));
  }
  t.is(idle.closed(), 50);
  t.false(busy.isClosed);
});

test('queued.max.requests: a connection cannot park more long-polls than the limit at once', async (t) => {
  const broker = await brokerWith(t, { 'queued.max.requests': 4 });
  await createTopic(broker.port, 'empty', 1);
  const c = await WireClient.connect(broker.port);
  t.teardown(() => c.close());
  const waitMs = 500;
  const t0 = Date.now();
  // 16 fetches that each wait the whole max.wait.ms for data that never comes.
  await Promise.all(
    Array.from({ length: 16 }, () =>
      c.request(1, 11, { maxWaitMs: waitMs, minBytes: 1, maxBytes: 1024, topics: [{ topic: 'empty' as TopicName, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 }] }] }, 30_000),
    ),
  );
  // At most 4 wait at a time, so 4 rounds at least; unlimited, all 16 would finish after one.
  t.true(Date.now() - t0 >= 4 * waitMs - 50, `16 parked fetches took only ${Date.now() - t0} ms`);
});

test('socket.request.max.bytes: a real Produce just over the limit closes its connection; just under is answered', async (t) => {
  const limit = 64 << 10;
  const broker = await brokerWith(t, { 'socket.request.max.bytes': limit });
  await createTopic(broker.port, 'sized', 1);
  const frameOf = (valueBytes: number) => {
    const records = encodeRecordBatchSync({ records: [{ value: Buffer.alloc(valueBytes, 1) }], compression: 0 });
    return Buffer.concat(encodeRequestFrame(new Writer(256), { apiKey: 0, apiVersion: 9, correlationId: 5, clientId: 'sized' }, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'sized' as TopicName, partitionData: [{ index: 0, records }] }] }));
  };
  let small = frameOf(limit - 200);
  while (small.length - 4 > limit) small = frameOf(limit - 200 - (small.length - 4 - limit));
  const big = frameOf(limit + 10);
  t.true(small.length - 4 <= limit && big.length - 4 > limit);
  const ok = await WireClient.connect(broker.port);
  t.teardown(() => ok.close());
  const frame = (await ok.expect(5, small)) as Buffer;
  t.is(frame.readInt32BE(0), 5);
  const refused = await WireClient.connect(broker.port);
  t.teardown(() => refused.close());
  refused.write(big);
  const closed = await Promise.race([refused.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  t.true(closed);
});
