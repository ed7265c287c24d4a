import test from 'ava';
import { decodeResponseFrame, encodeRequestFrame, ErrorCode, Writer, KafkaError } from '../../protocol/index.js';
import type { BrokerCore } from '../../actors/broker/broker-core.js';
import { Dispatcher } from '../../actors/broker/dispatch.js';
import { defineHandler, type ApiHandler, type ApiKey } from '../../actors/broker/handler.js';
import { CloseConnection, type Connection } from '../../actors/broker/net/connection.js';
import { WriterPool } from '../../actors/broker/writer-pool.js';
import { BrokerMetrics } from '../../actors/broker/metrics/broker-metrics.js';

const logged: string[] = [];
const metrics = new BrokerMetrics(true);
const broker = { log: { error: (m: string) => logged.push(m), warn() {}, info() {}, debug() {} }, surface: [], metrics } as unknown as BrokerCore;
const conn = { id: 1 } as Connection;

function frame(apiKey: 3, version: number): Buffer {
  return Buffer.concat(encodeRequestFrame(new Writer(), { apiKey, apiVersion: version, correlationId: 42, clientId: 't' }, { topics: [{ name: 'x' as never }] })).subarray(4);
}

function dispatcherWith(handle: ApiHandler<3>['handle']) {
  const h = defineHandler({ apiKey: 3, advertised: { min: 0, max: 12 }, accepts: { min: 0, max: 12 }, handle, errorResponse: (req, errorCode) => ({ topics: (req.topics ?? []).map((t) => ({ name: t.name, errorCode })) }) });
  return new Dispatcher(broker, new Map([[3, h as unknown as ApiHandler<ApiKey>]]), new WriterPool());
}

async function answer(d: Dispatcher, f: Buffer) {
  const reply = await d.handle(f, conn);
  return decodeResponseFrame(Buffer.concat(reply!.chunks).subarray(4), 3, 12).body;
}

test('a handler that throws is answered with UNKNOWN_SERVER_ERROR for its request', async (t) => {
  const body = await answer(dispatcherWith(() => { throw new Error('boom'); }), frame(3, 12));
  t.is(body.topics[0]!.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR);
  t.true(logged.some((l) => l.includes('boom')));
});

test('a handler rejecting with a KafkaError is answered with its code', async (t) => {
  const body = await answer(dispatcherWith(async () => { throw new KafkaError(ErrorCode.NOT_CONTROLLER); }), frame(3, 12));
  t.is(body.topics[0]!.errorCode, ErrorCode.NOT_CONTROLLER);
});

test('the error codes of a response are counted by API and error name, and the request once it is written', async (t) => {
  const d = dispatcherWith(() => ({ topics: [{ name: 'a' as never, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { name: 'b' as never, errorCode: 0 }] }));
  const reply = await d.handle(frame(3, 12), conn);
  reply!.sending!();
  reply!.written!();
  const text = await metrics.scrape();
  t.regex(text, /kafka_network_requestmetrics_errors_total\{request="Metadata",error="UNKNOWN_TOPIC_OR_PARTITION"\} 1\n/);
  t.notRegex(text, /error="NONE"/);
  t.regex(text, /kafka_network_requestmetrics_requests_total\{request="Metadata"\} [1-9]/);
  t.regex(text, /kafka_network_requestmetrics_totaltimems_count\{request="Metadata"\} [1-9]/);
});

test('versions outside the handler\'s range and truncated bodies close the connection', (t) => {
  const d = dispatcherWith(() => ({ topics: [] }));
  t.throws(() => d.handle(frame(3, 12).subarray(0, 12), conn), { instanceOf: CloseConnection });
  const other = new Dispatcher(broker, new Map(), new WriterPool());
  t.throws(() => other.handle(frame(3, 12), conn), { instanceOf: CloseConnection });
});
