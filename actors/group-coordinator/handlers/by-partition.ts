/** Splits group ids by their coordinator partition, keeping each id's position for reassembly. */
import type { GroupCoordinatorClient } from '../coordinator-client.js';

export function byPartition(client: GroupCoordinatorClient, groupIds: readonly string[]): Map<number, Array<{ index: number; groupId: string }>> {
  const out = new Map<number, Array<{ index: number; groupId: string }>>();
  groupIds.forEach((groupId, index) => {
    const p = client.partitionFor(groupId);
    let list = out.get(p);
    if (list === undefined) out.set(p, (list = []));
    list.push({ index, groupId });
  });
  return out;
}
