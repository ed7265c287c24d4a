/**
 * Which partitions an automatic preferred-leader election moves (Kafka's
 * checkAndTriggerAutoLeaderRebalance): partitions are grouped by their
 * preferred replica (the first assigned); a broker whose share of
 * partitions led elsewhere is above leader.imbalance.per.broker.percentage
 * gets back those whose preferred replica can lead now (live and in sync).
 */
import type { PartitionState } from '../zookeeper/znodes.js';

export interface BalanceInput {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly state: PartitionState;
}

export function partitionsToRebalance(partitions: Iterable<BalanceInput>, live: ReadonlySet<number>, imbalancePercent: number): BalanceInput[] {
  const byPreferred = new Map<number, BalanceInput[]>();
  for (const p of partitions) {
    const preferred = p.replicas[0];
    if (preferred === undefined) continue;
    byPreferred.set(preferred, [...(byPreferred.get(preferred) ?? []), p]);
  }
  const out: BalanceInput[] = [];
  for (const [broker, mine] of byPreferred) {
    const elsewhere = mine.filter((p) => p.state.leader !== broker);
    if (elsewhere.length / mine.length <= imbalancePercent / 100) continue;
    out.push(...elsewhere.filter((p) => live.has(broker) && p.state.isr.includes(broker)));
  }
  return out;
}
