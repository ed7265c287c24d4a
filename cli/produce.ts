/**
 * `samsa produce --topic t`: one record per stdin line. With --key-separator,
 * the text before it is the key; keyed records go to the partition Kafka's
 * Java client picks (murmur2), unkeyed ones round-robin per batch.
 */
import { createInterface } from 'node:readline';
import { partitionFor } from '../native/index.js';
import type { RecordInput } from '../protocol/records/index.js';
import { intOption, onlyOptions, option, UsageError, type ParsedArgs } from './args.js';
import { KafkaClient } from './console/client.js';

export const PRODUCE_OPTIONS = ['bootstrap-server', 'topic', 'key-separator', 'partition', 'compression', 'acks', 'batch-size'];
const CODECS: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export async function produceCommand(args: ParsedArgs, input: NodeJS.ReadableStream, out: (line: string) => void): Promise<void> {
  onlyOptions(args, PRODUCE_OPTIONS);
  const topic = option(args, 'topic');
  if (!topic) throw new UsageError('samsa produce --topic <topic> [--key-separator :] [--partition n] [--compression gzip|snappy|lz4|zstd]');
  const compression = CODECS[option(args, 'compression') ?? 'none'];
  if (compression === undefined) throw new UsageError(`unknown compression ${option(args, 'compression')}`);
  const separator = option(args, 'key-separator');
  const fixedPartition = intOption(args, 'partition', -1);
  const acks = intOption(args, 'acks', -1);
  const batchSize = Math.max(1, intOption(args, 'batch-size', 1000));
  const client = await KafkaClient.connect(option(args, 'bootstrap-server') ?? '127.0.0.1:9092');
  try {
    const [meta] = await client.metadata([topic], true);
    if (!meta || meta.errorCode !== 0) throw new UsageError(`topic ${topic} is not available (error ${meta?.errorCode})`);
    const partitions = meta.partitions;
    let next = 0;
    let sent = 0;
    const pending = new Map<number, RecordInput[]>();
    const flush = async () => {
      for (const [p, records] of pending) {
        if (records.length > 0) await client.produce(topic, p, records, { compression, acks });
        sent += records.length;
      }
      pending.clear();
    };
    let buffered = 0;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      let key: Buffer | null = null;
      let value = line;
      if (separator !== undefined) {
        const i = line.indexOf(separator);
        if (i >= 0) {
          key = Buffer.from(line.slice(0, i));
          value = line.slice(i + separator.length);
        }
      }
      const partition = fixedPartition >= 0 ? fixedPartition : key !== null ? partitionFor(key, partitions) : next;
      let list = pending.get(partition);
      if (list === undefined) pending.set(partition, (list = []));
      list.push({ key, value: Buffer.from(value) });
      if (++buffered >= batchSize) {
        await flush();
        buffered = 0;
        next = (next + 1) % partitions;
      }
    }
    await flush();
    out(`Produced ${sent} records to ${topic}`);
  } finally {
    client.close();
  }
}
