// Member metadata and assignments that crossed threads arrive structured-cloned:
// plain Uint8Arrays, not Buffers. They must decode the same.
import test from 'ava';
import { subscribedTopics } from '../../actors/group-coordinator/subscription.js';
import { subscription } from './helpers/shard-harness.js';

test('a subscription that crossed threads (a plain Uint8Array) names the same topics', (t) => {
  const bytes = subscription(['orders', 'payments']);
  const cloned = structuredClone(bytes) as Uint8Array;
  t.false(Buffer.isBuffer(cloned));
  t.deepEqual(subscribedTopics(bytes), ['orders', 'payments']);
  t.deepEqual(subscribedTopics(cloned as Buffer), ['orders', 'payments']);
});
