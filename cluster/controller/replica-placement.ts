/**
 * Where new partitions' replicas go: Kafka's assignment (AdminUtils
 * assignReplicasToBrokers). The first replica (the preferred leader) walks the
 * broker list round robin from a random start; the others follow at a shift
 * that grows each time the walk wraps, so leaders and followers spread
 * evenly. With racks on every broker the list alternates racks and a
 * partition's replicas take a rack without one first. Racks on some brokers
 * only is refused, as Kafka refuses it.
 */

export interface PlacementBroker {
  readonly id: number;
  readonly rack: string | null;
}

export class PlacementError extends Error {
  override readonly name = 'PlacementError';
  constructor(
    readonly error: 'INVALID_PARTITIONS' | 'INVALID_REPLICATION_FACTOR' | 'INVALID_REPLICA_ASSIGNMENT',
    message: string,
  ) {
    super(message);
  }
}

/** Partition id -> replicas, for partitions [startPartition, startPartition + count). */
export function assignReplicas(brokers: readonly PlacementBroker[], count: number, replicationFactor: number, startPartition = 0, random: (n: number) => number = (n) => Math.floor(Math.random() * n)): Map<number, number[]> {
  if (count <= 0) throw new PlacementError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
  if (replicationFactor <= 0) throw new PlacementError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
  if (replicationFactor > brokers.length) throw new PlacementError('INVALID_REPLICATION_FACTOR', `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`);
  const withRack = brokers.filter((b) => b.rack !== null).length;
  if (withRack === 0) return rackUnaware([...brokers].map((b) => b.id).sort((a, b) => a - b), count, replicationFactor, startPartition, random);
  if (withRack < brokers.length) throw new PlacementError('INVALID_REPLICA_ASSIGNMENT', 'Not all brokers have rack information for replica rack aware assignment.');
  return rackAware(brokers, count, replicationFactor, startPartition, random);
}

function shifted(first: number, shift: number, replica: number, n: number): number {
  return (first + 1 + ((shift + replica) % (n - 1))) % n;
}

function rackUnaware(ids: readonly number[], count: number, rf: number, startPartition: number, random: (n: number) => number): Map<number, number[]> {
  const n = ids.length;
  const start = random(n);
  let shift = random(n);
  const out = new Map<number, number[]>();
  for (let p = Math.max(0, startPartition); p < startPartition + count; p++) {
    if (p > 0 && p % n === 0) shift++;
    const first = (p + start) % n;
    const replicas = [ids[first]!];
    for (let j = 0; j < rf - 1; j++) replicas.push(ids[shifted(first, shift, j, n)]!);
    out.set(p, replicas);
  }
  return out;
}

/** Brokers taken one per rack in turn, racks in name order and brokers by id within a rack: r1 0,1 r2 3,4 -> 0,3,1,4. */
export function rackAlternated(brokers: readonly PlacementBroker[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of brokers) {
    const list = byRack.get(b.rack!) ?? [];
    list.push(b.id);
    byRack.set(b.rack!, list);
  }
  const racks = [...byRack.keys()].sort();
  for (const r of racks) byRack.get(r)!.sort((a, b) => a - b);
  const out: number[] = [];
  for (let round = 0; out.length < brokers.length; round++) for (const r of racks) if (round < byRack.get(r)!.length) out.push(byRack.get(r)![round]!);
  return out;
}

function rackAware(brokers: readonly PlacementBroker[], count: number, rf: number, startPartition: number, random: (n: number) => number): Map<number, number[]> {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack!]));
  const racks = new Set(rackOf.values()).size;
  const list = rackAlternated(brokers);
  const n = list.length;
  const start = random(n);
  let shift = random(n);
  const out = new Map<number, number[]>();
  for (let p = Math.max(0, startPartition); p < startPartition + count; p++) {
    if (p > 0 && p % n === 0) shift++;
    const first = (p + start) % n;
    const leader = list[first]!;
    const replicas = [leader];
    const racksUsed = new Set([rackOf.get(leader)!]);
    const used = new Set([leader]);
    let k = 0;
    for (let j = 0; j < rf - 1; j++) {
      // Every broker is visited within n - 1 steps, and one always qualifies once all racks or all brokers are used.
      for (let tries = 0; tries < 2 * n * n; tries++, k++) {
        const b = list[shifted(first, shift * racks, k, n)]!;
        const rack = rackOf.get(b)!;
        if ((!racksUsed.has(rack) || racksUsed.size === racks) && (!used.has(b) || used.size === n)) {
          replicas.push(b);
          racksUsed.add(rack);
          used.add(b);
          k++;
          break;
        }
      }
    }
    out.set(p, replicas);
  }
  return out;
}
