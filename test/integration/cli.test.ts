/** The samsa command end to end: start from a properties file, topic tools, console producer and consumer, SIGTERM. */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

function samsa(...args: string[]) {
  return run(process.execPath, [MAIN, ...args], { timeoutMs: 30_000 });
}

async function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [MAIN, 'start', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      const m = /listening on PLAINTEXT:\/\/[^:]+:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`samsa start exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, port, exited, output: () => stdout, errors: () => stderr };
}

test('samsa start --config server.properties, topics, produce, consume, then SIGTERM keeps the data', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const props = join(dir, 'server.properties');
  writeFileSync(props, ['# a Kafka-style file', 'broker.id=0', 'listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${join(dir, 'data')}`, 'num.partitions=2', 'num.network.threads=3', 'log.retention.hours=1', ''].join('\n'));
  const broker = await startCli(['--config', props]);
  t.teardown(() => broker.child.kill('SIGKILL'));
  t.regex(broker.output(), /samsa broker 0 listening on PLAINTEXT:\/\/127\.0\.0\.1:\d+/);
  const bs = ['--bootstrap-server', `127.0.0.1:${broker.port}`];
  const created = await samsa('topics', 'create', 'orders', '--partitions', '3', '--config', 'max.message.bytes=4096', ...bs);
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /Created topic orders \(3 partitions/);
  t.is((await samsa('topics', 'list', ...bs)).stdout, 'orders\n');
  const produced = await run(process.execPath, [MAIN, 'produce', '--topic', 'orders', '--key-separator', ':', '--compression', 'lz4', ...bs], { input: 'a:1\nb:2\nc:3\nd:4\n' });
  t.is(produced.code, 0, produced.stderr);
  const altered = await samsa('topics', 'alter-config', 'orders', '--add-config', 'retention.ms=60000', ...bs);
  t.is(altered.code, 0, altered.stderr);
  const described = await samsa('topics', 'describe', 'orders', ...bs);
  t.regex(described.stdout, /PartitionCount: 3.*max\.message\.bytes=4096/);
  t.regex(described.stdout, /retention\.ms=60000/);
  t.notRegex(described.stdout, /DirtyRatio/, 'a topic that is not compacted has no cleaner state');
  broker.child.kill('SIGTERM');
  t.is(await broker.exited, 0);
  t.regex(broker.output(), /samsa broker stopped/);
  const again = await startCli(['--config', props]);
  t.teardown(() => again.child.kill('SIGKILL'));
  const consumed = await samsa('consume', '--topic', 'orders', '--from-beginning', '--print-key', '--key-separator', '=', '--max-messages', '4', '--timeout-ms', '5000', '--bootstrap-server', `127.0.0.1:${again.port}`);
  t.is(consumed.code, 0, consumed.stderr);
  t.deepEqual(consumed.stdout.trim().split('\n').sort(), ['a=1', 'b=2', 'c=3', 'd=4']);
  const deleted = await samsa('topics', 'delete', 'orders', '--bootstrap-server', `127.0.0.1:${again.port}`);
  t.is(deleted.code, 0, deleted.stderr);
  again.child.kill('SIGINT');
  t.is(await again.exited, 0);
});

test('flags and SAMSA_ environment variables configure the broker; bad values fail clearly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const broker = await startCli(['--port', '0', '--data-dir', dir, '--override', 'auto.create.topics.enable=false'], { SAMSA_NUM_PARTITIONS: '4' });
  t.teardown(() => broker.child.kill('SIGKILL'));
  const bs = ['--bootstrap-server', `127.0.0.1:${broker.port}`];
  const created = await samsa('topics', 'create', 'four', ...bs);
  t.regex(created.stdout, /4 partitions/);
  const missing = await run(process.execPath, [MAIN, 'produce', '--topic', 'nope', ...bs], { input: 'x\n' });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /not available/);
  broker.child.kill('SIGTERM');
  await broker.exited;
  const bad = await samsa('start', '--port', '0', '--data-dir', dir, '--override', 'num.partitions=zero');
  t.is(bad.code, 1);
  t.regex(bad.stderr, /num\.partitions: expected an integer/);
  const typo = await samsa('start', '--prot', '9092');
  t.is(typo.code, 2);
  t.regex(typo.stderr, /unknown option --prot/);
});
