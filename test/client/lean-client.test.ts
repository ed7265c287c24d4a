// The lean client against the limit server (a real socket, the real framing), and
// against raw servers that misbehave on purpose: answers out of order, an unknown
// correlation id, a connection that closes mid-request.
import test from 'ava';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ApiKey, ErrorCode, Writer, encodeResponseFrame } from '../../protocol/index.js';
import {
  BrokerError,
  Cluster,
  ConnectionClosedError,
  decodeFetched,
  KafkaConnection,
  LeanConsumer,
  LeanProducer,
  PreEncodedBatch,
  negotiateVersions,
  parseBootstrap,
  perfPayload,
} from '../../protocol/client/index.js';
import { startLimitServer } from '../../bench/limit/server.js';

test('produce round trip: counter offsets per partition, acks=0 sends without a response', async (t) => {
  const server = await startLimitServer();
  const cluster = await Cluster.connect({ bootstrap: server.bootstrap });
  t.teardown(async () => {
    await cluster.close();
    await server.close();
  });
  const layout = await cluster.ensureTopic('rt', 3);
  t.deepEqual(layout.leaders, [0, 0, 0]);
  const producer = await LeanProducer.create(cluster, 'rt', { acks: 1 });
  const batch = new PreEncodedBatch({ recordCount: 10, value: perfPayload(100) });
  t.deepEqual(await producer.send([{ partition: 0, batch }]), [{ partition: 0, errorCode: 0, baseOffset: 0n }]);
  t.deepEqual(await producer.send([{ partition: 0, batch }, { partition: 2, batch }]), [
    { partition: 0, errorCode: 0, baseOffset: 10n },
    { partition: 2, errorCode: 0, baseOffset: 0n },
  ]);
  const fireAndForget = await LeanProducer.create(cluster, 'rt', { acks: 0 });
  t.deepEqual(await fireAndForget.send([{ partition: 1, batch }]), []);
  // The broker reads a connection's requests in order: the acks=0 batch was counted first.
  t.deepEqual(await producer.send([{ partition: 1, batch }]), [{ partition: 1, errorCode: 0, baseOffset: 10n }]);
});

test('fetch round trip: whole batches from the stored log, positions advance, records decode', async (t) => {
  const server = await startLimitServer({ fetchLog: { records: 2500, recordBytes: 50, batchRecords: 500 } });
  const cluster = await Cluster.connect({ bootstrap: server.bootstrap });
  t.teardown(async () => {
    await cluster.close();
    await server.close();
  });
  await cluster.ensureTopic('f', 1);
  t.deepEqual(await cluster.listOffsets('f', [0]), [2500n]);
  const consumer = await LeanConsumer.create(cluster, 'f', { from: [1200n], partitionMaxBytes: 2 * 29_000, maxWaitMs: 10 });
  const first = (await consumer.poll())[0]!;
  t.is(first.errorCode, 0);
  t.is(first.highWatermark, 2500n);
  t.is(first.batches[0]!.baseOffset, 1000n, 'the batch holding the fetch offset comes whole');
  t.is(first.recordCount, first.batches.length * 500 - 200, 'records before the fetch offset are not counted');
  const records = await decodeFetched(first);
  t.is(records[0]!.offset, 1200n);
  t.is(records.length, first.recordCount);
  t.true(records.every((r) => r.value!.length === 50));
  let total = first.recordCount;
  for (let i = 0; i < 10 && consumer.positions.get(0)! < 2500n; i++) total += (await consumer.poll())[0]!.recordCount;
  t.is(total, 1300);
  t.is(consumer.positions.get(0), 2500n);
  const atEnd = (await consumer.poll())[0]!;
  t.is(atEnd.recordCount, 0, 'a fetch at the end waits out maxWaitMs and returns nothing');
});

test('pipelining: many requests in flight on one connection, each answered with its own response', async (t) => {
  const server = await startLimitServer();
  const cluster = await Cluster.connect({ bootstrap: server.bootstrap });
  t.teardown(async () => {
    await cluster.close();
    await server.close();
  });
  await cluster.ensureTopic('p', 1);
  const producer = await LeanProducer.create(cluster, 'p', { acks: -1 });
  const conn = producer.leaderOf(0);
  const batches = [1, 2, 3, 4, 5].map((n) => new PreEncodedBatch({ recordCount: n, value: Buffer.from('v') }));
  const sends = Array.from({ length: 200 }, (_, i) => producer.send([{ partition: 0, batch: batches[i % 5]! }]));
  t.true(conn.inFlight >= 100, `${conn.inFlight} in flight`);
  const acks = await Promise.all(sends);
  let expected = 0n;
  acks.forEach((a, i) => {
    t.is(a[0]!.baseOffset, expected, `request ${i}`);
    expected += BigInt((i % 5) + 1);
  });
  t.is(conn.inFlight, 0);
});

/** A raw server: `onRequest` gets each request frame (after the size) and the socket. */
async function rawServer(onRequest: (frame: Buffer, socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        onRequest(pending.subarray(4, 4 + size), socket);
        pending = pending.subarray(4 + size);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

function apiVersionsAnswer(frame: Buffer, errorCode = 0): Buffer {
  const id = frame.readInt32BE(4);
  const version = frame.readInt16BE(2);
  const body = { errorCode, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 }] };
  return Buffer.concat(encodeResponseFrame(new Writer(256), ApiKey.ApiVersions, version, id, body));
}

test('responses are matched by correlation id, not by arrival order', async (t) => {
  const held: Buffer[] = [];
  const { server, port } = await rawServer((frame, socket) => {
    held.push(apiVersionsAnswer(frame, held.length + 1));
    if (held.length === 3) for (const r of held.reverse()) socket.write(r);
  });
  t.teardown(() => server.close());
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  t.teardown(() => conn.close());
  const answers = await Promise.all([1, 2, 3].map(() => conn.request(ApiKey.ApiVersions, 0, {})));
  t.deepEqual(answers.map((a) => a.errorCode), [1, 2, 3]);
});

test('a response nobody asked for closes the connection and fails what is in flight', async (t) => {
  const { server, port } = await rawServer((frame, socket) => {
    const wrong = apiVersionsAnswer(frame);
    wrong.writeInt32BE(frame.readInt32BE(4) + 1000, 4);
    socket.write(wrong);
  });
  t.teardown(() => server.close());
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  await t.throwsAsync(conn.request(ApiKey.ApiVersions, 0, {}), { instanceOf: ConnectionClosedError, message: /matches no request/ });
  t.true(conn.closed);
});

test('a connection closed by the broker fails requests in flight and every later one', async (t) => {
  const { server, port } = await rawServer((_frame, socket) => socket.destroy());
  t.teardown(() => server.close());
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  await t.throwsAsync(conn.request(ApiKey.ApiVersions, 0, {}), { instanceOf: ConnectionClosedError });
  t.true(conn.closed);
  await t.throwsAsync(conn.request(ApiKey.ApiVersions, 0, {}), { instanceOf: ConnectionClosedError });
});

test('a connection closed by the client fails its requests in flight', async (t) => {
  const { server, port } = await rawServer(() => undefined);
  t.teardown(() => server.close());
  const conn = await KafkaConnection.connect({ host: '127.0.0.1', port });
  const inFlight = conn.request(ApiKey.ApiVersions, 0, {});
  conn.close();
  await t.throwsAsync(inFlight, { instanceOf: ConnectionClosedError });
});

test('connecting to a closed port fails with ConnectionClosedError', async (t) => {
  const { server, port } = await rawServer(() => undefined);
  await new Promise<void>((r) => server.close(() => r()));
  await t.throwsAsync(KafkaConnection.connect({ host: '127.0.0.1', port }), { instanceOf: ConnectionClosedError });
});

test('versions: the highest both sides speak, APIs outside the overlap left out', (t) => {
  const v = negotiateVersions([
    { apiKey: ApiKey.Produce, minVersion: 0, maxVersion: 9 },
    { apiKey: ApiKey.Fetch, minVersion: 13, maxVersion: 17 },
    { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 20 },
    { apiKey: ApiKey.JoinGroup, minVersion: 0, maxVersion: 9 },
  ]);
  t.deepEqual([...v], [
    [ApiKey.Produce, 9],
    [ApiKey.Metadata, 12],
  ]);
});

test('unknown topics are reported, not created, by metadata refresh', async (t) => {
  const server = await startLimitServer();
  const cluster = await Cluster.connect({ bootstrap: server.bootstrap });
  t.teardown(async () => {
    await cluster.close();
    await server.close();
  });
  const err = await t.throwsAsync(cluster.topic('nope'), { instanceOf: BrokerError });
  t.is(err!.code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});

test('bootstrap lists parse; bad ones are refused', (t) => {
  t.deepEqual(parseBootstrap('a:1, b:2'), [
    { host: 'a', port: 1 },
    { host: 'b', port: 2 },
  ]);
  t.deepEqual(parseBootstrap('[::1]:9092'), [{ host: '::1', port: 9092 }]);
  t.throws(() => parseBootstrap('nohost'));
  t.throws(() => parseBootstrap('h:0'));
  t.throws(() => parseBootstrap(''));
});
