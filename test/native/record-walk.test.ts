/**
 * The native record walk: whatever a client encodes passes (nulls, headers,
 * multi-byte varints, negative timestamp deltas), records that do not parse
 * are refused by append with INVALID_RECORDS and nothing is written, and
 * recordsProblem() (compressed payloads) answers the same as append.
 */
import test from 'ava';
import { PartitionLog, recordsProblem, isStorageError } from '../../native/index.js';
import { encodeRecordBatchSync } from '../../protocol/index.js';
import { encodeBatch, resealBatch } from './helpers/batch-builder.js';
import { tempDir } from './helpers/temp-dir.js';

function withRecords(base: Buffer, records: Buffer, count: number): Buffer {
  const out = Buffer.concat([base.subarray(0, 61), records]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(count - 1, 23);
  out.writeInt32BE(count, 57);
  resealBatch(out);
  return out;
}

const VALID: Array<[string, Buffer]> = [
  ['null key and value', encodeBatch({ records: [{ key: null, value: null }] })],
  ['headers, one with a null value', encodeBatch({ records: [{ key: 'k', value: 'v', headers: [{ key: 'h1', value: 'x' }, { key: 'h2', value: null }, { key: '', value: '' }] }] })],
  ['multi-byte lengths', encodeBatch({ records: [{ key: Buffer.alloc(300, 1), value: Buffer.alloc(70_000, 2) }, { value: Buffer.alloc(9000, 3) }] })],
  ['negative and large timestamp deltas', encodeBatch({ baseTimestamp: 1_700_000_000_000, records: [{ value: 'a', timestampDelta: -5 }, { value: 'b', timestampDelta: 2 ** 40 }] })],
  [
    'the protocol encoder, many records',
    encodeRecordBatchSync({ records: Array.from({ length: 500 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(i, 7), headers: [{ key: 'n', value: Buffer.from(String(i)) }] })) }),
  ],
];

test('records any client encodes pass the walk, in append and in recordsProblem alike', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  t.teardown(() => log.close());
  for (const [what, batch] of VALID) {
    t.is(recordsProblem(batch.subarray(61), batch.readInt32BE(57)), null, what);
    t.notThrows(() => log.append(Buffer.from(batch)), what);
  }
});

test('append refuses records that do not parse with INVALID_RECORDS and writes nothing; recordsProblem names the record', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  t.teardown(() => log.close());
  const good = encodeBatch({ records: [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }] });
  const records = good.subarray(61);
  const first = records[0]! / 2 + 1; // the first record's bytes, length varint included (one byte here)
  const cases: Array<[string, Buffer, number, number]> = [
    ['fewer records than the count', records, 3, 2],
    ['bytes after the last record', Buffer.concat([records, Buffer.from([0])]), 2, 2],
    ['a varint longer than 5 bytes', Buffer.concat([records.subarray(0, first), Buffer.alloc(8, 0xff)]), 2, 1],
    ['a record length past the batch', Buffer.concat([records.subarray(0, first), Buffer.from([0x7e]), records.subarray(first + 1)]), 2, 1],
    ['a zero record length', Buffer.concat([Buffer.from([0]), records.subarray(1)]), 2, 0],
    ['a key length below -1', withRecordBody([0, 0, 0, 0x03, 0x01, 0]), 1, 0],
    ['a negative header count', withRecordBody([0, 0, 0, 0x01, 0x01, 0x01]), 1, 0],
    ['a negative header key length', withRecordBody([0, 0, 0, 0x01, 0x01, 0x02, 0x01, 0x00]), 1, 0],
  ];
  for (const [what, body, count, record] of cases) {
    const problem = recordsProblem(body, count);
    t.is(problem?.record, record, `${what}: ${problem?.message}`);
    const batch = withRecords(good, body, count);
    const err = t.throws(() => log.append(batch), undefined, what);
    t.true(isStorageError(err, 'INVALID_RECORDS'), `${what}: ${String(err)}`);
    t.is(log.logEndOffset, 0, what);
  }
});

/** One record of `body` bytes behind its length. */
function withRecordBody(body: number[]): Buffer {
  return Buffer.from([body.length * 2, ...body]);
}

test('keyedOnly: a record without a key is refused by append and by recordsProblem; a follower append (no keyedOnly) keeps it', (t) => {
  const dir = tempDir(t);
  const log = PartitionLog.open(dir);
  t.teardown(() => log.close());
  const keyless = encodeBatch({ records: [{ key: 'k', value: 'a' }, { key: null, value: 'b' }] });
  t.deepEqual(recordsProblem(keyless.subarray(61), 2, true), { record: 1, message: 'record has no key, which a compacted topic requires' });
  t.is(recordsProblem(keyless.subarray(61), 2), null);
  const err = t.throws(() => log.append(Buffer.from(keyless), { keyedOnly: true }));
  t.true(isStorageError(err, 'INVALID_RECORDS'), String(err));
  t.is(log.logEndOffset, 0);
  t.is(log.append(Buffer.from(encodeBatch({ records: [{ key: 'k', value: 'a' }, { key: '', value: 'empty key is a key' }] })), { keyedOnly: true }).baseOffset, 0);
  t.is(log.append(Buffer.from(keyless)).baseOffset, 2);
});
