/**
 * One broker per data directory: a second `samsa start` (or a second embedded
 * broker in the same process) on a directory in use is refused, and the first
 * keeps serving with its data intact. The lock dies with its holder.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStorageError } from '../../native/index.js';
import { startTestBroker } from '../../testing.js';
import { createTopic } from '../torture/harness/admin.js';
import { BrokerProcess } from '../torture/harness/broker-process.js';
import { kafkaFor, kafkajsReadPartition } from './helpers.js';

const LOCK_MESSAGE = /Failed to acquire lock on file \.lock in .+\. A samsa instance in another process or thread is using this directory\./;

function tempDataDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  const producer = kafkaFor({ bootstrap }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => `v${from + i}`);

test.serial('a second samsa start on a directory in use exits non-zero with the lock message; the first keeps serving; after SIGKILL a new start succeeds', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await BrokerProcess.start({ dataDir });
  t.teardown(() => first.kill9());
  await createTopic(first.port, 'locked', 1);
  await produce(first.bootstrap, 'locked', values(0, 20));

  const err = await t.throwsAsync(BrokerProcess.start({ dataDir }));
  t.regex(err!.message, /broker exited during start \(code 1, signal null\)/);
  t.regex(err!.message, LOCK_MESSAGE);

  t.true(first.alive);
  await produce(first.bootstrap, 'locked', values(20, 5));
  t.deepEqual((await kafkajsReadPartition(first, 'locked', 0)).map((m) => m.value!.toString()), values(0, 25));

  await first.kill9();
  const next = await BrokerProcess.start({ dataDir });
  t.teardown(() => next.kill9());
  t.deepEqual((await kafkajsReadPartition(next, 'locked', 0)).map((m) => m.value!.toString()), values(0, 25));
  t.is((await next.stop()).code, 0);
});

test('a second embedded broker on the same directory gets a LOCKED StorageError; after stop the directory is free', async (t) => {
  const dataDir = tempDataDir(t);
  const first = await startTestBroker({ dataDir });
  let firstStopped = false;
  t.teardown(async () => {
    if (!firstStopped) await first.stop();
  });
  const err = await t.throwsAsync(startTestBroker({ dataDir }));
  t.true(isStorageError(err, 'LOCKED'), String(err));
  t.regex(err!.message, LOCK_MESSAGE);
  await first.stop();
  firstStopped = true;
  const second = await startTestBroker({ dataDir });
  await second.stop();
});
