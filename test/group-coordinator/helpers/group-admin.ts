/** Topic setup and group inspection for the client tests, over the CLI's console client. */
import { decodeRecord, type GroupValue } from '../../../actors/group-coordinator/records.js';
import { partitionForGroup } from '../../../actors/group-coordinator/java-hash.js';
import { KafkaClient } from '../../../cli/console/client.js';

/** Creates `topic` and appends `perPartition` records `<prefix>p<partition>-<i>` to each partition. */
export async function seedTopic(bootstrap: string, topic: string, partitions: number, perPartition: number, prefix = ''): Promise<string[]> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    await client.createTopic(topic, partitions);
    return await appendRecords(client, topic, partitions, perPartition, prefix);
  } finally {
    client.close();
  }
}

export async function produceEach(bootstrap: string, topic: string, partitions: number, perPartition: number, prefix: string): Promise<string[]> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    return await appendRecords(client, topic, partitions, perPartition, prefix);
  } finally {
    client.close();
  }
}

async function appendRecords(client: KafkaClient, topic: string, partitions: number, perPartition: number, prefix: string): Promise<string[]> {
  const values: string[] = [];
  for (let p = 0; p < partitions; p++) {
    const batch = Array.from({ length: perPartition }, (_, i) => `${prefix}p${p}-${i}`);
    values.push(...batch);
    await client.produce(topic, p, batch.map((v) => ({ value: Buffer.from(v) })));
  }
  return values;
}

export async function withClient<T>(bootstrap: string, fn: (c: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * The group's GroupMetadata values as the coordinator wrote them to
 * `__consumer_offsets`, oldest first (null for a tombstone). The generation
 * is in no admin API's answer; the log is where it is kept.
 */
export async function storedGroupValues(bootstrap: string, group: string, offsetsPartitions: number): Promise<(GroupValue | null)[]> {
  return withClient(bootstrap, async (client) => {
    const partition = partitionForGroup(group, offsetsPartitions);
    const out: (GroupValue | null)[] = [];
    let offset = 0n;
    for (;;) {
      const r = await client.fetch('__consumer_offsets', partition, offset, { maxWaitMs: 0 });
      for (const rec of r.records) {
        const decoded = rec.key ? decodeRecord(rec.key, rec.value) : null;
        if (decoded?.kind === 'group' && decoded.group === group) out.push(decoded.value);
      }
      if (r.nextOffset >= r.highWatermark || r.nextOffset === offset) return out;
      offset = r.nextOffset;
    }
  });
}
