/** Kafka's replica assignment: even leaders, followers shifted, racks alternated; and the partition elections of the controller. */
import test from 'ava';
import { partitionsToRebalance } from '../../cluster/controller/leader-balance.js';
import { initialPartitionState, nextPartitionState, preferredLeaderState, uncleanLeaderState } from '../../cluster/controller/partition-election.js';
import { assignReplicas, PlacementError, rackAlternated } from '../../cluster/controller/replica-placement.js';

const fixed = (start: number) => () => start;
const brokers = (n: number, racks?: string[]) => Array.from({ length: n }, (_, i) => ({ id: i, rack: racks?.[i] ?? null }));

test('rack unaware: the assignment of Kafka\'s AdminUtils for 5 brokers, 10 partitions, 3 replicas, start 0', (t) => {
  // Kafka's AdminRackAwareTest / AssignmentTest expectation for this input.
  const got = assignReplicas(brokers(5), 10, 3, 0, fixed(0));
  t.deepEqual([...got.entries()], [
    [0, [0, 1, 2]], [1, [1, 2, 3]], [2, [2, 3, 4]], [3, [3, 4, 0]], [4, [4, 0, 1]],
    [5, [0, 2, 3]], [6, [1, 3, 4]], [7, [2, 4, 0]], [8, [3, 0, 1]], [9, [4, 1, 2]],
  ]);
});

test('leaders spread evenly; new partitions continue the walk from their id', (t) => {
  const got = assignReplicas(brokers(3), 9, 1);
  const counts = [0, 0, 0];
  for (const r of got.values()) counts[r[0]!]!++;
  t.deepEqual(counts, [3, 3, 3]);
  t.deepEqual([...assignReplicas(brokers(3), 2, 1, 9, fixed(0)).keys()], [9, 10]);
});

test('racks alternate, and a partition\'s replicas take every rack before one twice', (t) => {
  t.deepEqual(rackAlternated(brokers(6, ['a', 'a', 'a', 'b', 'b', 'c'])), [0, 3, 5, 1, 4, 2]);
  const got = assignReplicas(brokers(6, ['a', 'a', 'b', 'b', 'c', 'c']), 12, 3, 0, fixed(0));
  const rackOf = (id: number) => ['a', 'a', 'b', 'b', 'c', 'c'][id];
  for (const r of got.values()) t.is(new Set(r.map(rackOf)).size, 3, JSON.stringify(r));
});

test('refusals: no partitions, replication beyond the brokers, racks on some brokers only', (t) => {
  t.is(t.throws(() => assignReplicas(brokers(2), 0, 1), { instanceOf: PlacementError })!.error, 'INVALID_PARTITIONS');
  t.is(t.throws(() => assignReplicas(brokers(2), 1, 3), { instanceOf: PlacementError })!.error, 'INVALID_REPLICATION_FACTOR');
  t.is(t.throws(() => assignReplicas(brokers(2, ['a']), 1, 1), { instanceOf: PlacementError })!.error, 'INVALID_REPLICA_ASSIGNMENT');
});

test('elections: a dead leader gives way to a live ISR member, the last ISR member is kept, a returning replica leads again in a new epoch', (t) => {
  const s = { leader: 1, leaderEpoch: 4, isr: [1, 2], controllerEpoch: 3, leaderRecoveryState: 0 };
  t.is(nextPartitionState(s, [1, 2], new Set([1, 2]), 5), null, 'nothing changed');
  t.deepEqual(nextPartitionState(s, [1, 2], new Set([2]), 5), { leader: 2, leaderEpoch: 5, isr: [2], controllerEpoch: 5, leaderRecoveryState: 0 });
  const alone = { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1, leaderRecoveryState: 0 };
  const offline = nextPartitionState(alone, [1], new Set([2, 3]), 2)!;
  t.deepEqual(offline, { leader: -1, leaderEpoch: 1, isr: [1], controllerEpoch: 2, leaderRecoveryState: 0 });
  t.deepEqual(nextPartitionState(offline, [1], new Set([1, 2, 3]), 2), { leader: 1, leaderEpoch: 2, isr: [1], controllerEpoch: 2, leaderRecoveryState: 0 });
  t.deepEqual(initialPartitionState([3, 1], new Set([1]), 7), { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 7, leaderRecoveryState: 0 });
  t.deepEqual(initialPartitionState([3], new Set([1]), 7), { leader: -1, leaderEpoch: 0, isr: [3], controllerEpoch: 7, leaderRecoveryState: 0 });
});

test('preferred and unclean elections: who may lead, and when there is nothing to do', (t) => {
  const s = { leader: 2, leaderEpoch: 4, isr: [2, 1], controllerEpoch: 3, leaderRecoveryState: 0 };
  t.deepEqual(preferredLeaderState(s, [1, 2], new Set([1, 2]), 5), { leader: 1, leaderEpoch: 5, isr: [2, 1], controllerEpoch: 5, leaderRecoveryState: 0 }, 'the ISR is kept');
  t.is(preferredLeaderState({ ...s, leader: 1 }, [1, 2], new Set([1, 2]), 5), 'not-needed');
  t.is(preferredLeaderState(s, [1, 2], new Set([2]), 5), 'unavailable', 'the preferred replica is down');
  t.is(preferredLeaderState({ ...s, isr: [2] }, [1, 2], new Set([1, 2]), 5), 'unavailable', 'the preferred replica is out of sync');
  const offline = { leader: -1, leaderEpoch: 6, isr: [3], controllerEpoch: 3, leaderRecoveryState: 0 };
  t.is(uncleanLeaderState(s, [1, 2], new Set([2]), 5), 'not-needed', 'a live leader');
  t.deepEqual(uncleanLeaderState(offline, [3, 2, 1], new Set([1, 2]), 5), { leader: 2, leaderEpoch: 7, isr: [2], controllerEpoch: 5, leaderRecoveryState: 0 }, 'the first live replica, alone in the ISR');
  t.deepEqual(uncleanLeaderState({ ...offline, isr: [3, 1] }, [3, 2, 1], new Set([1, 2]), 5), { leader: 1, leaderEpoch: 7, isr: [1], controllerEpoch: 5, leaderRecoveryState: 0 }, 'a live ISR member first');
  t.is(uncleanLeaderState(offline, [3], new Set([1, 2]), 5), 'unavailable');
});

test('automatic rebalance: only brokers past the imbalance share get their preferred partitions back, and only where they can lead', (t) => {
  const p = (partition: number, replicas: number[], leader: number, isr = replicas) => ({ topic: 't', partition, replicas, state: { leader, leaderEpoch: 0, isr, controllerEpoch: 1, leaderRecoveryState: 0 } });
  // Broker 1 prefers 10 partitions and leads 9: 10% elsewhere is not above 10%.
  const tenth = [p(0, [1, 2], 2), ...Array.from({ length: 9 }, (_, i) => p(i + 1, [1, 2], 1))];
  t.deepEqual(partitionsToRebalance(tenth, new Set([1, 2]), 10), []);
  t.deepEqual(partitionsToRebalance(tenth, new Set([1, 2]), 5).map((x) => x.partition), [0]);
  const two = [p(0, [1, 2], 2), p(1, [1, 2], 2, [2]), p(2, [2, 1], 2)];
  t.deepEqual(partitionsToRebalance(two, new Set([1, 2]), 10).map((x) => x.partition), [0], 'partition 1: broker 1 is out of sync');
  t.deepEqual(partitionsToRebalance(two, new Set([2]), 10), [], 'broker 1 is down');
});
