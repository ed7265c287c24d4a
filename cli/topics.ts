/** `samsa topics create|list|describe|delete|alter-config|elect-leaders|reassign|reassignments`. */
import { flag, intOption, onlyOptions, option, UsageError, type ParsedArgs } from './args.js';
import { ErrorCode } from '../protocol/index.js';
import { KafkaClient, KafkaClientError, type CleanerState } from './console/client.js';

/** The partition is led as asked already: reported apart from failures. */
const { ELECTION_NOT_NEEDED } = ErrorCode;

export const TOPICS_OPTIONS = ['bootstrap-server', 'partitions', 'partition', 'election-type', 'replicas', 'cancel', 'config', 'add-config', 'delete-config', 'validate-only'];

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
          const all = await client.describeTopicConfigs(t.name);
          const configs = all.filter((c) => c.configSource === 1);
          const rf = Math.max(0, ...t.partitionInfo.map((p) => p.replicas.length));
          out(`Topic: ${t.name}\tTopicId: ${t.id}\tPartitionCount: ${t.partitions}\tReplicationFactor: ${rf}\tConfigs: ${configs.map((c) => `${c.name}=${c.value}`).join(',')}`);
          const compacted = (all.find((c) => c.name === 'cleanup.policy')?.value ?? '').split(',').includes('compact');
          const cleaning = compacted ? await leadersCleanerStates(client, t.name, t.partitionInfo) : new Map<number, CleanerState>();
          for (const p of t.partitionInfo) {
            // A partition without a leader has no offsets to show.
            const offsets = p.leader < 0 ? 'offline' : `${(await client.listOffset(t.name, p.partition, -2n)).offset}..${(await client.listOffset(t.name, p.partition, -1n)).offset}`;
            const offline = p.offline.length > 0 ? `\tOffline: ${p.offline.join(',')}` : '';
            const c = cleaning.get(p.partition);
            const dirty = !compacted || p.leader < 0 ? '' : c === undefined ? '\tDirtyRatio: unknown (no cleaner)' : `\tDirtyRatio: ${c.dirtyRatio.toFixed(2)}\tCleanedTo: ${c.firstDirtyOffset}\tCleanings: ${c.cleanings}`;
            out(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline}\tOffsets: ${offsets}${dirty}`);
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
      case 'elect-leaders': {
        const type = option(args, 'election-type') ?? 'preferred';
        if (type !== 'preferred' && type !== 'unclean') throw new UsageError(`--election-type ${type}: preferred or unclean`);
        const partition = option(args, 'partition');
        if (partition !== undefined && !name) throw new UsageError('--partition needs a topic');
        let wanted: { topic: string; partitions: number[] }[] | null = null;
        if (name) {
          const [t] = await client.metadata([name]);
          if (t === undefined || t.errorCode !== 0) throw new UsageError(`topic ${name}: ${t === undefined ? 'not found' : `error ${t.errorCode}`}`);
          wanted = [{ topic: name, partitions: partition === undefined ? t.partitionInfo.map((p) => p.partition) : [intOption(args, 'partition', 0)] }];
        }
        const results = await client.electLeaders(type, wanted);
        const elected = results.filter((r) => r.errorCode === 0);
        if (elected.length > 0) out(`Successfully completed leader election (${type}) for partitions ${elected.map((r) => `${r.topic}-${r.partition}`).join(', ')}`);
        const notNeeded = results.filter((r) => r.errorCode === ELECTION_NOT_NEEDED);
        if (notNeeded.length > 0) out(`Valid replica already elected for partitions ${notNeeded.map((r) => `${r.topic}-${r.partition}`).join(', ')}`);
        const failed = results.filter((r) => r.errorCode !== 0 && r.errorCode !== ELECTION_NOT_NEEDED);
        for (const r of failed) out(`Error completing leader election (${type}) for partition ${r.topic}-${r.partition}: ${new KafkaClientError(r.errorCode, r.errorMessage).message}`);
        if (failed.length > 0) process.exitCode = 1;
        break;
      }
      case 'reassign': {
        const topic = needName();
        if (option(args, 'partition') === undefined) throw new UsageError('samsa topics reassign <topic> --partition N (--replicas 1,2,3 | --cancel)');
        const partition = intOption(args, 'partition', 0);
        const cancel = flag(args, 'cancel');
        const list = option(args, 'replicas');
        if (cancel === (list !== undefined)) throw new UsageError('reassign takes either --replicas 1,2,3 or --cancel');
        const replicas = list === undefined ? null : list.split(',').map((x) => {
          if (!/^\d+$/.test(x.trim())) throw new UsageError(`--replicas ${list}: broker ids separated by commas`);
          return Number(x.trim());
        });
        const [r] = await client.alterReassignments([{ topic, partition, replicas }]);
        if (r === undefined || r.errorCode !== 0) {
          out(`Error reassigning ${topic}-${partition}: ${r === undefined ? 'no answer' : new KafkaClientError(r.errorCode, r.errorMessage).message}`);
          process.exitCode = 1;
        } else out(replicas === null ? `Cancelled the reassignment of ${topic}-${partition}` : `Started the reassignment of ${topic}-${partition} to ${replicas.join(',')}`);
        break;
      }
      case 'reassignments': {
        const [t] = name ? await client.metadata([name]) : [undefined];
        const ongoing = await client.listReassignments(t === undefined ? null : [{ topic: t.name, partitions: t.partitionInfo.map((p) => p.partition) }]);
        if (ongoing.length === 0) out('No partition reassignment in progress');
        for (const o of ongoing) out(`${o.topic}-${o.partition}\tReplicas: ${o.replicas.join(',')}\tAdding: ${o.adding.join(',')}\tRemoving: ${o.removing.join(',')}`);
        break;
      }
      default:
        throw new UsageError('samsa topics create|list|describe|delete|alter-config|elect-leaders|reassign|reassignments [topic] [--bootstrap-server host:port]');
    }
  } finally {
    client.close();
  }
}

/** The cleaner state of each partition from its leader (each replica cleans its own log; the leader's is the one read). */
async function leadersCleanerStates(client: KafkaClient, topic: string, partitions: readonly { partition: number; leader: number }[]): Promise<Map<number, CleanerState>> {
  const byLeader = new Map<number, number[]>();
  for (const p of partitions) if (p.leader >= 0) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partition]);
  const out = new Map<number, CleanerState>();
  for (const [leader, ps] of byLeader) for (const [p, c] of await client.cleanerStates(leader, topic, ps)) out.set(p, c);
  return out;
}
