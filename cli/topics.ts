/** `samsa topics create|list|describe|delete|alter-config`. */
import { flag, intOption, onlyOptions, option, UsageError, type ParsedArgs } from './args.js';
import { KafkaClient } from './console/client.js';

export const TOPICS_OPTIONS = ['bootstrap-server', 'partitions', 'config', 'add-config', 'delete-config', 'validate-only'];

function configPairs(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    for (const pair of v.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`config expects key=value, got ${pair}`);
      out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return out;
}

export async function topicsCommand(args: ParsedArgs, out: (line: string) => void): Promise<void> {
  onlyOptions(args, TOPICS_OPTIONS);
  const [action, name] = args.positional;
  const needName = () => {
    if (!name) throw new UsageError(`samsa topics ${action} <topic>`);
    return name;
  };
  const client = await KafkaClient.connect(option(args, 'bootstrap-server') ?? '127.0.0.1:9092');
  try {
    switch (action) {
      case 'create': {
        const t = await client.createTopic(needName(), intOption(args, 'partitions', -1), configPairs(args.options.get('config')), flag(args, 'validate-only'));
        out(`${flag(args, 'validate-only') ? 'Would create' : 'Created'} topic ${t.name} (${t.numPartitions} partitions, id ${t.topicId})`);
        break;
      }
      case 'list':
        for (const t of (await client.metadata(null)).sort((a, b) => a.name.localeCompare(b.name))) out(t.name);
        break;
      case 'describe': {
        const topics = await client.metadata(name ? [name] : null);
        for (const t of topics) {
          if (t.errorCode !== 0) throw new UsageError(`topic ${t.name}: error ${t.errorCode}`);
          const configs = (await client.describeTopicConfigs(t.name)).filter((c) => c.configSource === 1);
          out(`Topic: ${t.name}\tTopicId: ${t.id}\tPartitionCount: ${t.partitions}\tReplicationFactor: 1\tConfigs: ${configs.map((c) => `${c.name}=${c.value}`).join(',')}`);
          for (let p = 0; p < t.partitions; p++) {
            const start = await client.listOffset(t.name, p, -2n);
            const end = await client.listOffset(t.name, p, -1n);
            out(`\tTopic: ${t.name}\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0\tOffsets: ${start.offset}..${end.offset}`);
          }
        }
        break;
      }
      case 'delete':
        await client.deleteTopic(needName());
        out(`Deleted topic ${name}`);
        break;
      case 'alter-config': {
        const remove = (args.options.get('delete-config') ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
        await client.alterTopicConfigs(needName(), configPairs(args.options.get('add-config')), remove);
        out(`Updated configs of topic ${name}`);
        break;
      }
      default:
        throw new UsageError('samsa topics create|list|describe|delete|alter-config [topic] [--bootstrap-server host:port]');
    }
  } finally {
    client.close();
  }
}
