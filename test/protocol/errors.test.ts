import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_TABLE, ErrorCode, KafkaError, ProtocolError, PROTOCOL_ERROR_CODE, errorInfo, errorByName } from '../../protocol/errors.js';
import { projectRootFrom, specDir } from '../../protocol/gen/spec.js';

const tsv = join(specDir(projectRootFrom(import.meta.url)), 'errors.tsv');

test('every error code in errors.tsv is in the registry with its name and retriability', (t) => {
  if (!existsSync(tsv)) return t.pass(`skipped: no ${tsv}`);
  const rows = readFileSync(tsv, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  t.true(rows.length > 100);
  for (const [code, name, retriable] of rows) {
    const info = errorInfo(Number(code));
    t.truthy(info, `code ${code}`);
    t.is(info!.name, name!.trim());
    t.is(info!.retriable, retriable!.trim() === 'true');
    t.true(info!.message.length > 0);
  }
  t.is(ERROR_TABLE.length, rows.length);
});

test('codes are unique and ErrorCode names match the table', (t) => {
  t.is(new Set(ERROR_TABLE.map((e) => e.code)).size, ERROR_TABLE.length);
  for (const e of ERROR_TABLE) t.is((ErrorCode as Record<string, number>)[e.name], e.code);
  t.is(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3);
  t.is(errorByName('NOT_LEADER_OR_FOLLOWER')?.code, 6);
});

test('KafkaError carries code, name, retriability and a default message', (t) => {
  const e = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  t.true(e instanceof Error);
  t.is(e.code, 6);
  t.is(e.errorName, 'NOT_LEADER_OR_FOLLOWER');
  t.true(e.retriable);
  t.is(e.message, 'Not leader or follower.');
  t.is(new KafkaError(ErrorCode.INVALID_REQUEST, 'custom').message, 'custom');
  t.is(KafkaError.codeOf(e), 6);
  t.is(KafkaError.codeOf(new Error('x')), ErrorCode.UNKNOWN_SERVER_ERROR);
  t.is(KafkaError.codeOf(null), ErrorCode.UNKNOWN_SERVER_ERROR);
});

test('an error of another layer that names its Kafka code is answered with it; an unknown or absent code is not', (t) => {
  t.is(KafkaError.codeOf(Object.assign(new Error('store away'), { kafkaErrorCode: ErrorCode.REQUEST_TIMED_OUT })), ErrorCode.REQUEST_TIMED_OUT);
  t.is(KafkaError.codeOf(Object.assign(new Error('x'), { kafkaErrorCode: undefined })), ErrorCode.UNKNOWN_SERVER_ERROR);
  t.is(KafkaError.codeOf(Object.assign(new Error('x'), { kafkaErrorCode: 31_337 })), ErrorCode.UNKNOWN_SERVER_ERROR);
});

test('ProtocolError has a stable code and a reason', (t) => {
  const e = new ProtocolError('short_read', 'need 4 bytes', 10);
  t.is(e.code, PROTOCOL_ERROR_CODE);
  t.is(e.code, 'SAMSA_PROTOCOL_ERROR');
  t.is(e.reason, 'short_read');
  t.is(e.offset, 10);
  t.is(e.name, 'ProtocolError');
});
