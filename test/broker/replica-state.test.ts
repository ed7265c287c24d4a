/**
 * The leader's high watermark over the maximal ISR: a follower proposed for
 * the ISR (AlterPartition sent, not yet answered) may already be in the ISR
 * ZooKeeper holds, and so electable; the high watermark must not pass what it
 * has (defect 8 of docs/reliability.md: acknowledged writes lost when such a
 * follower was elected).
 */
import test from 'ava';
import { LeaderReplicaState, PENDING_ISR_ADD_MAX_MS } from '../../actors/partition/replica-state.js';

test('a proposed ISR addition holds the high watermark back until the new ISR is applied', (t) => {
  const rs = new LeaderReplicaState(1, [1, 2, 3], [1, 2], 10, 0);
  rs.onFetch(2, 100n, 100n, 0);
  rs.onFetch(3, 80n, 100n, 0);
  t.is(rs.isrMinimum(100n, 0), 100n, 'outside the ISR, follower 3 does not count');
  rs.proposedAdd(3, 0);
  t.is(rs.isrMinimum(120n, 1), 80n, 'proposed, it does: ZooKeeper may already list it');
  rs.onFetch(3, 120n, 120n, 2);
  rs.onFetch(2, 120n, 120n, 2);
  t.is(rs.isrMinimum(120n, 2), 120n);
  rs.update([1, 2, 3], [1, 2, 3], 11, 3);
  rs.onFetch(3, 130n, 140n, 4);
  rs.onFetch(2, 140n, 140n, 4);
  t.is(rs.isrMinimum(140n, 4), 130n, 'a member now');
});

test('an unanswered proposal stops counting after its bound, and a refused one when the state is applied', (t) => {
  const rs = new LeaderReplicaState(1, [1, 2, 3], [1, 2], 10, 0);
  rs.onFetch(2, 100n, 100n, 0);
  rs.onFetch(3, 50n, 100n, 0);
  rs.proposedAdd(3, 0);
  t.is(rs.isrMinimum(100n, PENDING_ISR_ADD_MAX_MS), 50n);
  t.is(rs.isrMinimum(100n, PENDING_ISR_ADD_MAX_MS + 1), 100n, 'past the bound: taken as refused');
  rs.proposedAdd(3, 10);
  rs.update([1, 2, 3], [1, 2], 11, 20);
  t.is(rs.isrMinimum(100n, 21), 100n, 'the applied state, without it, ends the proposal');
});
