/**
 * An acknowledged DeleteRecords survives the broker process: SIGKILL right
 * after the answer, or SIGHUP (a graceful stop, as SIGTERM), and the restarted
 * broker keeps the low watermark and every record above it.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaClient } from '../../cli/console/client.js';
import { LOG_START_OFFSET_CHECKPOINT, RECOVERY_POINT_CHECKPOINT } from '../../native/index.js';
import { createTopic } from './harness/admin.js';
import { BrokerProcess } from './harness/broker-process.js';

const EXIT_WAIT_MS = 15_000;

async function deleteBefore(client: KafkaClient, topic: string, offset: bigint): Promise<bigint> {
  const r = await client.conn.request(21, 2, { topics: [{ name: topic as never, partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 5_000 });
  const p = r.topics[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`DeleteRecords: error ${p.errorCode}`);
  return p.lowWatermark;
}

async function brokerWithData(t: import('ava').ExecutionContext, dataDir: string) {
  const broker = await BrokerProcess.start({ dataDir, logLevel: 'error' });
  t.teardown(() => broker.kill9());
  await createTopic(broker.port, 'kept', 1);
  const client = await KafkaClient.connect(broker.bootstrap);
  for (let i = 0; i < 5; i++) await client.produce('kept', 0, Array.from({ length: 10 }, (_, j) => ({ value: Buffer.from(`v${i * 10 + j}`) })));
  return { broker, client };
}

async function offsetsAfterRestart(t: import('ava').ExecutionContext, dataDir: string) {
  const again = await BrokerProcess.start({ dataDir, logLevel: 'error' });
  t.teardown(() => again.kill9());
  const client = await KafkaClient.connect(again.bootstrap);
  t.teardown(() => client.close());
  const low = (await client.listOffset('kept', 0, -2n)).offset;
  const high = (await client.listOffset('kept', 0, -1n)).offset;
  const first = (await client.fetch('kept', 0, low)).records[0];
  return { low, high, firstValue: first?.value?.toString() };
}

function withDataDir(t: import('ava').ExecutionContext): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-delrec-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  return dataDir;
}

test('DeleteRecords then SIGKILL: the restarted broker keeps the low watermark', async (t) => {
  const dataDir = withDataDir(t);
  const { broker, client } = await brokerWithData(t, dataDir);
  t.is(await deleteBefore(client, 'kept', 23n), 23n);
  client.close();
  await broker.kill9();
  t.deepEqual(await offsetsAfterRestart(t, dataDir), { low: 23n, high: 50n, firstValue: 'v23' });
});

test('SIGHUP stops the broker gracefully (exit 0, checkpoints written); the restart keeps data and low watermark', async (t) => {
  const dataDir = withDataDir(t);
  const { broker, client } = await brokerWithData(t, dataDir);
  t.is(await deleteBefore(client, 'kept', 31n), 31n);
  client.close();
  broker.child.kill('SIGHUP');
  const timer = setTimeout(() => broker.child.kill('SIGKILL'), EXIT_WAIT_MS);
  const exit = await broker.exited;
  clearTimeout(timer);
  t.deepEqual(exit, { code: 0, signal: null }, broker.stderr);
  // The graceful path flushed the partition: its recovery point is the log end.
  t.regex(readFileSync(join(dataDir, RECOVERY_POINT_CHECKPOINT), 'utf8'), /^kept 0 50$/m);
  t.regex(readFileSync(join(dataDir, LOG_START_OFFSET_CHECKPOINT), 'utf8'), /^kept 0 31$/m);
  t.deepEqual(await offsetsAfterRestart(t, dataDir), { low: 31n, high: 50n, firstValue: 'v31' });
});
