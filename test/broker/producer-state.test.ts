import test from 'ava';
import { ProducerStateTable, type BatchIdentity } from '../../actors/partition/producer-state.js';

const batch = (seq: number, count: number, epoch = 0, pid = 7n): BatchIdentity => ({ producerId: pid, producerEpoch: epoch, baseSequence: seq, lastOffsetDelta: count - 1 });

test('in-order batches append; a retry of any of the last five is a duplicate with its offsets', (t) => {
  const s = new ProducerStateTable();
  let offset = 0n;
  for (let i = 0; i < 6; i++) {
    const b = batch(i * 10, 10);
    t.is(s.check(b).kind, 'append');
    s.record(b, offset, offset + 9n, 1000, 0);
    offset += 10n;
  }
  t.is(s.check(batch(0, 10)).kind, 'error', 'the sixth-last batch is forgotten');
  const dup = s.check(batch(20, 10));
  t.deepEqual(dup, { kind: 'duplicate', firstOffset: 20n, lastOffset: 29n, timestampMs: 1000 });
});

test('gaps are out of order; old epochs are fenced; a new epoch starts at zero', (t) => {
  const s = new ProducerStateTable();
  s.record(batch(0, 5), 0n, 4n, 0, 0);
  const gap = s.check(batch(6, 1));
  t.is(gap.kind === 'error' && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  s.record(batch(0, 1, 1), 5n, 5n, 0, 0);
  const old = s.check(batch(5, 1, 0));
  t.is(old.kind === 'error' && old.error, 'INVALID_PRODUCER_EPOCH');
  const badStart = s.check(batch(3, 1, 2));
  t.is(badStart.kind === 'error' && badStart.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  t.is(s.check(batch(0, 1, 2)).kind, 'append');
});

test('an unknown producer may start at any sequence; sequences wrap at int32 max', (t) => {
  const s = new ProducerStateTable();
  const b = batch(2147483646, 2);
  t.is(s.check(b).kind, 'append');
  s.record(b, 0n, 1n, 0, 0);
  t.is(s.check(batch(0, 1)).kind, 'append');
});

test('idle producers expire; truncation drops batches below the log start', (t) => {
  const s = new ProducerStateTable();
  s.record(batch(0, 1, 0, 1n), 0n, 0n, 0, 0);
  s.record(batch(0, 1, 0, 2n), 1n, 1n, 0, 100);
  t.is(s.expire(150, 100), 1);
  t.is(s.size, 1);
  s.truncateHead(2n);
  t.is(s.size, 0);
});
