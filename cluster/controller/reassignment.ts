/**
 * Partition reassignment as Kafka's ReplicaAssignment models it (KIP-455):
 * while a partition moves, its replica set is the target followed by the
 * original replicas (`adding` = target − original, `removing` = original −
 * target); it is done once every target replica is in the ISR, when the
 * replica set becomes the target and the removed replicas are stopped.
 */
import { NO_LEADER, type PartitionState } from '../zookeeper/znodes.js';

export interface Reassignment {
  readonly adding: readonly number[];
  readonly removing: readonly number[];
}

export interface ReplicaSet extends Reassignment {
  /** The full replica set: target first, then the original replicas. */
  readonly replicas: readonly number[];
}

/** The original replicas of a partition's current set (the set itself when it is not moving). */
export function originOf(replicas: readonly number[], r: Reassignment | undefined): number[] {
  return replicas.filter((b) => !(r?.adding ?? []).includes(b));
}

/** The target of a partition's current set. */
export function targetOf(replicas: readonly number[], r: Reassignment | undefined): number[] {
  return replicas.filter((b) => !(r?.removing ?? []).includes(b));
}

/** Kafka's ReplicaAssignment.reassignTo: the set while moving from `origin` to `target`. */
export function reassignTo(origin: readonly number[], target: readonly number[]): ReplicaSet {
  const replicas = [...new Set([...target, ...origin])];
  return { replicas, adding: target.filter((b) => !origin.includes(b)), removing: origin.filter((b) => !target.includes(b)) };
}

/** Why a target replica list is refused (INVALID_REPLICA_ASSIGNMENT), or null. */
export function targetProblem(target: readonly number[], registered: ReadonlySet<number>): string | null {
  if (target.length === 0) return 'Empty replica list specified in partition reassignment.';
  if (new Set(target).size !== target.length) return `Duplicate replica ids in partition reassignment replica list: ${target.join(',')}`;
  if (target.some((b) => b < 0)) return `Invalid broker id in replica list: ${target.join(',')}`;
  const unknown = target.filter((b) => !registered.has(b));
  if (unknown.length > 0) return `Replica assignment has brokers that are not alive. Replica list: ${target.join(',')}, live broker list: ${[...registered].sort((a, b) => a - b).join(',')}`;
  return null;
}

/** True once the move is done: every target replica is in sync. */
export function reassignmentComplete(target: readonly number[], isr: readonly number[]): boolean {
  return target.every((b) => isr.includes(b));
}

/**
 * The partition state once its replicas are `set`, in a new leader epoch:
 * the ISR keeps its members in `set`, and the leader stays if it is one of
 * them and live, else the first live in-sync replica of `set` leads (none:
 * -1). Null when no ISR member is left in `set`: that set would have no
 * replica known to hold the data.
 */
export function stateForReplicas(s: PartitionState, set: readonly number[], live: ReadonlySet<number>, controllerEpoch: number): PartitionState | null {
  const isr = s.isr.filter((b) => set.includes(b));
  if (isr.length === 0) return null;
  const leader = isr.includes(s.leader) && live.has(s.leader) ? s.leader : (set.find((b) => isr.includes(b) && live.has(b)) ?? NO_LEADER);
  return { leader, leaderEpoch: s.leaderEpoch + 1, isr, controllerEpoch, leaderRecoveryState: 0 };
}
