/**
 * The broker reads a fetch's batches after the partition actor gave the
 * bounds: the log may close (topic deleted, reopened to reconfigure) or its
 * start move (retention, DeleteRecords) in between. Each answers an error
 * code or reads the reopened log; none throws.
 */
import test from 'ava';
import { PartitionLog } from '../../native/index.js';
import { AttachedLogs } from '../../actors/broker/fetch/attached-logs.js';
import { FetchBudget, readUnderBudget } from '../../actors/broker/fetch/budgeted-read.js';
import { simpleBatch } from '../native/helpers/batch-builder.js';
import { tempDir } from '../native/helpers/temp-dir.js';

const KEY = 't-0';

function filled(dir: string, batches: number): PartitionLog {
  const log = PartitionLog.open(dir, { segmentBytes: 4096 });
  for (let i = 0; i < batches; i++) log.append(simpleBatch(1, 500));
  return log;
}

test('a log closed after its bounds were given answers NOT_LEADER_OR_FOLLOWER, and the handle is dropped', (t) => {
  const dir = tempDir(t);
  const log = filled(dir, 4);
  const logs = new AttachedLogs();
  t.teardown(() => logs.clear());
  const first = readUnderBudget(logs, KEY, dir, 0n, 4n, 1 << 20, true);
  t.true('records' in first && first.bytes > 0);
  t.is(logs.size, 1);
  log.close();
  t.deepEqual(readUnderBudget(logs, KEY, dir, 0n, 4n, 1 << 20, true), { error: 'NOT_LEADER_OR_FOLLOWER' });
  t.is(logs.size, 0);
});

test('a log reopened after its handle was cached is attached again and read', (t) => {
  const dir = tempDir(t);
  const log = filled(dir, 4);
  const logs = new AttachedLogs();
  t.teardown(() => logs.clear());
  t.true('records' in readUnderBudget(logs, KEY, dir, 0n, 4n, 1 << 20, true));
  log.close();
  const reopened = PartitionLog.open(dir, { segmentBytes: 4096 });
  t.teardown(() => reopened.close());
  const r = readUnderBudget(logs, KEY, dir, 0n, 4n, 1 << 20, true);
  t.true('records' in r && r.bytes > 0, JSON.stringify(r));
});

test('a log start moved past the fetch offset answers OFFSET_OUT_OF_RANGE', (t) => {
  const dir = tempDir(t);
  const log = filled(dir, 40);
  t.teardown(() => log.close());
  const logs = new AttachedLogs();
  t.teardown(() => logs.clear());
  log.deleteRecordsBefore(20);
  t.deepEqual(readUnderBudget(logs, KEY, dir, 3n, 40n, 1 << 20, true), { error: 'OFFSET_OUT_OF_RANGE' });
});

test('the budget: the first partition with data may exceed its share by one batch; after it none does', (t) => {
  const dir = tempDir(t);
  const log = filled(dir, 4);
  t.teardown(() => log.close());
  const logs = new AttachedLogs();
  t.teardown(() => logs.clear());
  const budget = new FetchBudget(100);
  t.true(budget.minOneBatch);
  const first = readUnderBudget(logs, KEY, dir, 0n, 4n, budget.share(10), budget.minOneBatch);
  t.true('records' in first && first.bytes > 100, 'one whole batch over both limits');
  budget.spend('records' in first ? first.bytes : 0);
  t.false(budget.minOneBatch);
  t.is(budget.share(1 << 20), 0);
  t.deepEqual(readUnderBudget(logs, KEY, dir, 1n, 4n, budget.share(1 << 20), budget.minOneBatch), { records: [], bytes: 0 });
});
