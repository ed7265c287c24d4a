/**
 * A partition's next leader and ISR when the set of live brokers changes
 * (Kafka's removeReplicasFromIsr followed by OfflinePartitionLeaderElection,
 * unclean election off): dead brokers leave the ISR unless one is its last
 * member (the last ISR member is kept, so the partition knows whom to wait
 * for); a leader that is gone is replaced by the first replica in assignment
 * order that is live and in the ISR, or by no leader (-1) until one returns.
 * Every change bumps the leader epoch, as a ZooKeeper-mode controller does.
 */
import { NO_LEADER, type PartitionState } from '../zookeeper/znodes.js';

export function nextPartitionState(s: PartitionState, replicas: readonly number[], live: ReadonlySet<number>, controllerEpoch: number): PartitionState | null {
  let isr = s.isr.filter((b) => live.has(b));
  if (isr.length === 0) isr = s.isr.length > 0 ? [s.isr.includes(s.leader) ? s.leader : s.isr[0]!] : [];
  const leaderStays = s.leader !== NO_LEADER && live.has(s.leader) && isr.includes(s.leader);
  const leader = leaderStays ? s.leader : (replicas.find((r) => live.has(r) && isr.includes(r)) ?? NO_LEADER);
  if (leader === s.leader && sameList(isr, s.isr)) return null;
  return { leader, leaderEpoch: s.leaderEpoch + 1, isr, controllerEpoch, leaderRecoveryState: 0 };
}

/**
 * A preferred-replica election (Kafka's PreferredReplicaPartitionLeaderElection):
 * the first replica in assignment order leads, if it is live and in the
 * ISR; the ISR is unchanged. 'not-needed' when it leads already.
 */
export function preferredLeaderState(s: PartitionState, replicas: readonly number[], live: ReadonlySet<number>, controllerEpoch: number): PartitionState | 'not-needed' | 'unavailable' {
  const preferred = replicas[0];
  if (preferred === undefined) return 'unavailable';
  if (s.leader === preferred) return 'not-needed';
  if (!live.has(preferred) || !s.isr.includes(preferred)) return 'unavailable';
  return { leader: preferred, leaderEpoch: s.leaderEpoch + 1, isr: [...s.isr], controllerEpoch, leaderRecoveryState: 0 };
}

/**
 * An unclean election (Kafka's OfflinePartitionLeaderElection with unclean
 * allowed), for a partition without a live leader only: a live ISR member
 * if there is one (the ISR keeps its live members), else the first live
 * replica, which becomes the whole ISR — records only the old ISR held are
 * lost, and the other replicas truncate to the new leader's log.
 */
export function uncleanLeaderState(s: PartitionState, replicas: readonly number[], live: ReadonlySet<number>, controllerEpoch: number): PartitionState | 'not-needed' | 'unavailable' {
  if (s.leader !== NO_LEADER && live.has(s.leader)) return 'not-needed';
  const clean = replicas.find((r) => live.has(r) && s.isr.includes(r));
  if (clean !== undefined) return { leader: clean, leaderEpoch: s.leaderEpoch + 1, isr: s.isr.filter((r) => live.has(r)), controllerEpoch, leaderRecoveryState: 0 };
  const any = replicas.find((r) => live.has(r));
  if (any === undefined) return 'unavailable';
  return { leader: any, leaderEpoch: s.leaderEpoch + 1, isr: [any], controllerEpoch, leaderRecoveryState: 0 };
}

/** The first state of a new partition: its live replicas in sync, the first of them leading. */
export function initialPartitionState(replicas: readonly number[], live: ReadonlySet<number>, controllerEpoch: number): PartitionState {
  const liveReplicas = replicas.filter((r) => live.has(r));
  // No replica live: the partition waits, leaderless, for its replicas (all counted in sync, none has data yet).
  return { leader: liveReplicas[0] ?? NO_LEADER, leaderEpoch: 0, isr: liveReplicas.length > 0 ? liveReplicas : [...replicas], controllerEpoch, leaderRecoveryState: 0 };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
