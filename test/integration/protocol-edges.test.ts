/** What the broker does with requests clients should not send: raw frames over a socket. */
import test from 'ava';
import { connect, type Socket } from 'node:net';
import { decodeResponseFrame, encodeRequestFrame, ErrorCode, Writer } from '../../protocol/index.js';
import { FrameReader } from '../../actors/broker/net/frame-reader.js';
import { rawFrame } from '../torture/harness/wire.js';
import { withBroker } from './helpers.js';

function open(port: number): Promise<{ socket: Socket; next(): Promise<Buffer>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const reader = new FrameReader(64 << 20);
    const frames: Buffer[] = [];
    const waiters: Array<(f: Buffer) => void> = [];
    socket.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        const w = waiters.shift();
        if (w) w(f);
        else frames.push(f);
      }
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        next: () =>
          frames.length
            ? Promise.resolve(frames.shift()!)
            : Promise.race([new Promise<Buffer>((r) => waiters.push(r)), closed.then(() => Promise.reject(new Error('connection closed')))]),
      }),
    );
    socket.once('error', reject);
  });
}

test('ApiVersions at an unknown version is answered in v0 with UNSUPPORTED_VERSION and the served ranges', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const c = await open(broker.port);
  t.teardown(() => c.socket.destroy());
  // A newer client's ApiVersions: flexible header, a body this broker cannot know.
  c.socket.write(rawFrame(18, 99, 7, Buffer.from([0, 0, 0]), true));
  const r = decodeResponseFrame(await c.next(), 18, 0);
  t.is(r.correlationId, 7);
  t.is(r.body.errorCode, ErrorCode.UNSUPPORTED_VERSION);
  const produce = r.body.apiKeys.find((k) => k.apiKey === 0)!;
  t.deepEqual([produce.minVersion, produce.maxVersion], [0, 11]);
});

test('ApiVersions advertises only what is served: consumer groups, no transaction APIs', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const c = await open(broker.port);
  t.teardown(() => c.socket.destroy());
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 't' }, { clientSoftwareName: 'edge', clientSoftwareVersion: '1' })) c.socket.write(chunk);
  const r = decodeResponseFrame(await c.next(), 18, 3);
  const keys = r.body.apiKeys.map((k) => k.apiKey).sort((a, b) => a - b);
  t.deepEqual(keys, [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 32, 33, 35, 37, 42, 43, 44, 45, 46, 47, 60]);
});

test('FindCoordinator for a transactional id is answered with COORDINATOR_NOT_AVAILABLE', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const c = await open(broker.port);
  t.teardown(() => c.socket.destroy());
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 10, apiVersion: 4, correlationId: 3, clientId: 't' }, { keyType: 1, coordinatorKeys: ['tx'] })) c.socket.write(chunk);
  const r = decodeResponseFrame(await c.next(), 10, 4);
  t.is(r.body.coordinators[0]!.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
});

test('a malformed body or an unknown API closes that connection only', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const good = await open(broker.port);
  t.teardown(() => good.socket.destroy());
  const bad = await open(broker.port);
  // Metadata v1 whose topic array claims a million entries in four bytes.
  const body = Buffer.alloc(4);
  body.writeInt32BE(1_000_000, 0);
  bad.socket.write(rawFrame(3, 1, 9, body));
  await bad.closed;
  const unknown = await open(broker.port);
  unknown.socket.write(rawFrame(999, 0, 1, Buffer.alloc(0)));
  await unknown.closed;
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 3, apiVersion: 12, correlationId: 5, clientId: 't' }, { topics: null })) good.socket.write(chunk);
  const r = decodeResponseFrame(await good.next(), 3, 12);
  t.is(r.correlationId, 5);
  t.is(r.body.brokers[0]!.port, broker.port);
});

test('produce with acks=0 gets no response; the next request is answered in order', async (t) => {
  const broker = await withBroker();
  t.teardown(() => broker.stop());
  const c = await open(broker.port);
  t.teardown(() => c.socket.destroy());
  const { encodeRecordBatchSync } = await import('../../protocol/records/index.js');
  const batch = encodeRecordBatchSync({ records: [{ value: Buffer.from('fire and forget') }] });
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 3, apiVersion: 12, correlationId: 1, clientId: 't' }, { topics: [{ name: 'zero' as never }], allowAutoTopicCreation: true })) c.socket.write(chunk);
  await c.next();
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 0, apiVersion: 9, correlationId: 2, clientId: 't' }, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'zero' as never, partitionData: [{ index: 0, records: batch }] }] })) c.socket.write(chunk);
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 2, apiVersion: 7, correlationId: 3, clientId: 't' }, { replicaId: -1 as never, topics: [{ name: 'zero' as never, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })) c.socket.write(chunk);
  const r = decodeResponseFrame(await c.next(), 2, 7);
  t.is(r.correlationId, 3);
  t.is(r.body.topics[0]!.partitions[0]!.offset, 1n);
});

test('a failed produce with acks=0 closes the connection, as Kafka tells such producers', async (t) => {
  const broker = await withBroker({ 'auto.create.topics.enable': false });
  t.teardown(() => broker.stop());
  const c = await open(broker.port);
  const { encodeRecordBatchSync } = await import('../../protocol/records/index.js');
  const batch = encodeRecordBatchSync({ records: [{ value: Buffer.from('lost') }] });
  for (const chunk of encodeRequestFrame(new Writer(), { apiKey: 0, apiVersion: 9, correlationId: 2, clientId: 't' }, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'missing' as never, partitionData: [{ index: 0, records: batch }] }] })) c.socket.write(chunk);
  await c.closed;
  t.pass();
});
