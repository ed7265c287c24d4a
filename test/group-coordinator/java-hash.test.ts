import test from 'ava';
import { javaStringHashCode, kafkaAbs, partitionForGroup } from '../../actors/group-coordinator/java-hash.js';

test('javaStringHashCode matches Java String.hashCode', (t) => {
  t.is(javaStringHashCode(''), 0);
  t.is(javaStringHashCode('a'), 97);
  t.is(javaStringHashCode('hello'), 99162322);
  t.is(javaStringHashCode('Hello World'), -862545276);
  // long enough to wrap around int32 many times; the famous one lands exactly on Integer.MIN_VALUE
  t.is(javaStringHashCode('polygenelubricants'), -2147483648);
  // hashed per UTF-16 code unit: a surrogate pair counts as two
  t.is(javaStringHashCode('\u{1F600}'), 0xd83d * 31 + 0xde00);
});

test('kafkaAbs clears the sign bit, so MIN_VALUE maps to 0', (t) => {
  t.is(kafkaAbs(-2147483648), 0);
  t.is(kafkaAbs(-862545276), -862545276 & 0x7fffffff);
  t.is(kafkaAbs(97), 97);
});

test('partitionForGroup: abs(hash) mod partitions', (t) => {
  t.is(partitionForGroup('a', 50), 97 % 50);
  t.is(partitionForGroup('polygenelubricants', 50), 0);
  t.is(partitionForGroup('Hello World', 50), (-862545276 & 0x7fffffff) % 50);
  t.throws(() => partitionForGroup('a', 0), { instanceOf: RangeError });
});
