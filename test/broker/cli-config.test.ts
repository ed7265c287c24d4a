import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError } from '../../cli/args.js';
import { environmentProperties, startConfig } from '../../cli/start-config.js';

const BOOLEANS = new Set(['validate-only']);

test('flags beat the environment, which beats the properties file; --override beats all', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'server.properties');
  writeFileSync(file, 'num.partitions=2\nlog.dirs=/from/file\nmessage.max.bytes=100\nlisteners=PLAINTEXT://127.0.0.1:1111\n');
  const args = parseArgs(['--config', file, '--port', '0', '--override', 'message.max.bytes=300'], BOOLEANS);
  const config = startConfig(args, { SAMSA_NUM_PARTITIONS: '5', SAMSA_MESSAGE_MAX_BYTES: '200', SAMSA_DATA_DIR: '/from/env' });
  t.is(config.numPartitions, 5);
  t.is(config.get('message.max.bytes'), 300);
  t.is(config.logDir, '/from/env');
  t.deepEqual(config.listeners, ['PLAINTEXT://127.0.0.1:0']);
});

test('environment names map to Kafka properties', (t) => {
  const props = environmentProperties({ SAMSA_LOG_RETENTION_MS: '5', SAMSA_PORT: '9999', PATH: '/bin', SAMSA_NATIVE_ADDON: '/x.node' });
  t.deepEqual([...props], [['log.retention.ms', '5'], ['listeners', 'PLAINTEXT://127.0.0.1:9999']]);
});

test('argv: --name value, --name=value, booleans, repeats, missing values', (t) => {
  const a = parseArgs(['create', 'x', '--partitions=3', '--config', 'a=1', '--config', 'b=2', '--validate-only'], BOOLEANS);
  t.deepEqual(a.positional, ['create', 'x']);
  t.deepEqual(a.options.get('config'), ['a=1', 'b=2']);
  t.deepEqual(a.options.get('partitions'), ['3']);
  t.deepEqual(a.options.get('validate-only'), ['true']);
  t.throws(() => parseArgs(['--topic'], BOOLEANS), { instanceOf: UsageError });
});
