/** The fault checker on histories made by hand: each anomaly it names is found where planted, and a clean history shows none. */
import test from 'ava';
import { check, violations, type History, type Poll, type Send } from './faults/checker.js';
import { knownClientFatal } from './faults/client-limits.js';

const producers = [
  { name: 'idem', acks: 'all' as const, idempotent: true },
  { name: 'one', acks: '1' as const, idempotent: false },
  { name: 'plain', acks: 'all' as const, idempotent: false },
];
const ok = (producer: string, n: number, offset: number, partition = 0): Send => ({ producer, value: `${producer}:${n}`, partition, outcome: 'ok', offset });
const poll = (offset: number, value: string, session = 0, consumer = 'c'): Poll => ({ consumer, session, partition: 0, offset, value });
const final = (...values: string[]) => new Map([[0, values.map((value, offset) => ({ offset, value }))]]);

function clean(): History {
  const sends = [ok('idem', 0, 0), ok('idem', 1, 1), ok('one', 0, 2), ok('plain', 0, 3)];
  return { producers, sends, polls: sends.map((s) => poll(s.offset!, s.value)), final: final('idem:0', 'idem:1', 'one:0', 'plain:0') };
}

test('a clean history has no anomalies', (t) => {
  const r = check(clean());
  t.deepEqual(violations(r), []);
  t.is(r.acked, 4);
  t.is(r.ops, 8);
});

test('an acknowledged acks=all send missing from the log is lost; an acks=1 one is counted apart', (t) => {
  const h = clean();
  const r = check({ ...h, polls: [], final: final('idem:0', 'x', 'y', 'plain:0') });
  t.is(r.lost, 1);
  t.is(r.lostAcks1, 1);
  t.is(r.unsent, 2);
  t.regex(violations(r).join(), /lost 1: idem:1/);
});

test('a value at two offsets is a duplicate: an anomaly from an idempotent producer, counted apart from a plain one', (t) => {
  const h = clean();
  t.is(check({ ...h, final: final('idem:0', 'idem:1', 'one:0', 'plain:0', 'idem:1') }).duplicated, 1);
  const plain = check({ ...h, final: final('idem:0', 'idem:1', 'one:0', 'plain:0', 'plain:0') });
  t.is(plain.duplicated, 0);
  t.is(plain.duplicatedNonIdempotent, 1);
});

test('two values at one offset are inconsistent; an acknowledged offset holding another value is reported', (t) => {
  const h = clean();
  const r = check({ ...h, polls: [...h.polls.slice(0, 1), poll(1, 'plain:0', 1, 'd')] });
  t.is(r.inconsistentOffsets, 1);
  t.is(r.duplicated, 0);
  const moved = check({ ...h, polls: [], final: final('idem:1', 'idem:0', 'one:0', 'plain:0') });
  t.is(moved.ackMismatch, 2);
  t.is(moved.inconsistentOffsets, 2);
});

test('within one session offsets go up by one; going back is nonmonotonic, jumping over records is a skip; a new session may rewind', (t) => {
  const h = clean();
  t.is(check({ ...h, polls: [poll(0, 'idem:0'), poll(2, 'one:0'), poll(1, 'idem:1')] }).nonmonotonic, 1);
  t.is(check({ ...h, polls: [poll(0, 'idem:0'), poll(2, 'one:0')] }).skipped, 1);
  t.deepEqual(violations(check({ ...h, polls: [poll(0, 'idem:0'), poll(1, 'idem:1'), poll(0, 'idem:0', 1)] })), []);
});

test('a value read that no one sent, and a value read that the final log no longer has', (t) => {
  const h = clean();
  const r = check({ ...h, polls: [...h.polls, poll(4, 'ghost')] });
  t.is(r.unsent, 1);
  t.is(r.readThenLost, 1);
});

test('an acknowledgement without an offset (librdkafka gives some) counts as acknowledged, and is checked by value only', (t) => {
  const h = clean();
  const sends: Send[] = [{ producer: 'idem', value: 'idem:0', partition: 0, outcome: 'ok' }, ...h.sends.slice(1)];
  t.deepEqual(violations(check({ ...h, sends })), []);
  t.is(check({ ...h, sends, polls: [], final: final('idem:1', 'one:0', 'plain:0') }).lost, 1);
});

test("librdkafka's desynchronization after a possibly persisted error is a known client defect; after a not persisted one it is not", (t) => {
  // As librdkafka 2.0.2 words them (rdkafka_request.c), taken from fault runs.
  const afterTimeout =
    'ProduceRequest for faults [2] with 416 message(s) failed due to sequence desynchronization with broker 1 (PID{Id:1000,Epoch:2}, base seq 4589, idemp state change 154953ms ago, last partition error REQUEST_TIMED_OUT (actions Retry,MsgPossiblyPersisted, base seq 4573..4588, base msgid 18039, 5000ms ago)';
  const rewoundAfterTimeout = 'ProduceRequest for faults [1] with 1 message(s) failed with rewound sequence number on broker 3 (PID{Id:1000,Epoch:5}, base seq 14759 < next seq 14762): last error _TIMED_OUT (actions Retry,MsgPossiblyPersisted, base seq 14760..14760, base msgid 18518, 1ms ago)';
  const rewoundAfterNotLeader = 'ProduceRequest for faults [1] with 1 message(s) failed with rewound sequence number on broker 3 (PID{Id:1000,Epoch:5}, base seq 14759 < next seq 14762): last error NOT_LEADER_FOR_PARTITION (actions Refresh,MsgNotPersisted, base seq 14760..14760, base msgid 18518, 1ms ago)';
  const desyncAfterNotLeader = 'ProduceRequest for REDACT [0] with 9 message(s) failed due to sequence desynchronization with broker 2 (PID{Id:155002,Epoch:0}, base seq 110234700, idemp state change 52807639ms ago, last partition error NOT_LEADER_FOR_PARTITION (actions Refresh,MsgNotPersisted, base seq 110234700..110234708, base msgid 110234701, 127ms ago)';
  t.regex(knownClientFatal(afterTimeout) ?? '', /librdkafka < 2\.3\.0/);
  t.regex(knownClientFatal(rewoundAfterTimeout) ?? '', /librdkafka < 2\.3\.0/);
  t.is(knownClientFatal(rewoundAfterNotLeader), null);
  t.is(knownClientFatal(desyncAfterNotLeader), null);
  t.is(knownClientFatal('Broker: Producer attempted an operation with an old epoch'), null);
});
