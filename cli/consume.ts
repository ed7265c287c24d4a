/**
 * `samsa consume --topic t`: prints record values (and keys with
 * --print-key) from every partition, from the end by default or from the
 * beginning, until --max-messages or --timeout-ms without new records.
 * No consumer group: offsets are not committed.
 */
import { flag, intOption, onlyOptions, option, UsageError, type ParsedArgs } from './args.js';
import { KafkaClient } from './console/client.js';

export const CONSUME_OPTIONS = ['bootstrap-server', 'topic', 'partition', 'from-beginning', 'offset', 'max-messages', 'timeout-ms', 'print-key', 'key-separator'];

export async function consumeCommand(args: ParsedArgs, out: (line: string) => void): Promise<void> {
  onlyOptions(args, CONSUME_OPTIONS);
  const topic = option(args, 'topic');
  if (!topic) throw new UsageError('samsa consume --topic <topic> [--from-beginning] [--partition n] [--offset n] [--max-messages n] [--timeout-ms n] [--print-key]');
  const max = intOption(args, 'max-messages', Number.MAX_SAFE_INTEGER);
  const idleMs = intOption(args, 'timeout-ms', Number.MAX_SAFE_INTEGER);
  const printKey = flag(args, 'print-key');
  const separator = option(args, 'key-separator') ?? '\t';
  const client = await KafkaClient.connect(option(args, 'bootstrap-server') ?? '127.0.0.1:9092');
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  try {
    const [meta] = await client.metadata([topic]);
    if (!meta || meta.errorCode !== 0) throw new UsageError(`topic ${topic} is not available (error ${meta?.errorCode})`);
    const only = intOption(args, 'partition', -1);
    const partitions = only >= 0 ? [only] : Array.from({ length: meta.partitions }, (_, i) => i);
    const explicit = option(args, 'offset');
    const positions = new Map<number, bigint>();
    for (const p of partitions) {
      positions.set(p, explicit !== undefined ? BigInt(explicit) : (await client.listOffset(topic, p, flag(args, 'from-beginning') ? -2n : -1n)).offset);
    }
    let printed = 0;
    let lastData = Date.now();
    while (!stopped && printed < max && Date.now() - lastData < idleMs) {
      let got = false;
      for (const p of partitions) {
        const r = await client.fetch(topic, p, positions.get(p)!, { maxWaitMs: Math.min(500, idleMs) });
        positions.set(p, r.nextOffset);
        for (const rec of r.records) {
          if (printed >= max) break;
          const value = rec.value?.toString() ?? 'null';
          out(printKey ? `${rec.key?.toString() ?? 'null'}${separator}${value}` : value);
          printed++;
          got = true;
        }
      }
      if (got) lastData = Date.now();
    }
  } finally {
    process.off('SIGINT', stop);
    client.close();
  }
}
