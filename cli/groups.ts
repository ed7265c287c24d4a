/** `samsa groups list|describe|delete|reset-offsets`. */
import { flag, onlyOptions, option, UsageError, type ParsedArgs } from './args.js';
import { KafkaClient, type CommittedOffset, type GroupDescription } from './console/client.js';

export const GROUPS_OPTIONS = ['bootstrap-server', 'topic', 'to-earliest', 'to-latest', 'to-offset', 'to-datetime', 'execute'];

const USAGE = 'samsa groups list | describe <group> | delete <group> | reset-offsets <group> --topic T (--to-earliest | --to-latest | --to-offset N | --to-datetime ISO) [--execute]';

const LIST_OFFSETS_EARLIEST = -2n;
const LIST_OFFSETS_LATEST = -1n;

export async function groupsCommand(args: ParsedArgs, out: (line: string) => void): Promise<void> {
  onlyOptions(args, GROUPS_OPTIONS);
  const [action, group] = args.positional;
  const needGroup = () => {
    if (!group) throw new UsageError(`samsa groups ${action} <group>`);
    return group;
  };
  // Parse everything the action needs before connecting, so usage errors never depend on the broker.
  const target = action === 'reset-offsets' ? resetTarget(args) : null;
  if (action !== 'list' && action !== 'describe' && action !== 'delete' && action !== 'reset-offsets') throw new UsageError(USAGE);
  if (action !== 'list') needGroup();
  const client = await KafkaClient.connect(option(args, 'bootstrap-server') ?? '127.0.0.1:9092');
  try {
    switch (action) {
      case 'list':
        for (const g of (await client.listGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId))) out(`${g.groupId}\t${g.state}\t${g.protocolType}`);
        break;
      case 'describe':
        await describe(client, group!, out);
        break;
      case 'delete':
        await client.deleteGroup(group!);
        out(`Deleted group ${group}`);
        break;
      case 'reset-offsets':
        await resetOffsets(client, group!, [...new Set(args.options.get('topic')!)], target!, flag(args, 'execute'), out);
        break;
    }
  } finally {
    client.close();
  }
}

async function existing(client: KafkaClient, group: string): Promise<GroupDescription> {
  const d = await client.describeGroup(group);
  // Kafka describes a group it does not know as Dead with nothing in it.
  if (d.state === 'Dead') throw new Error(`group ${group} does not exist`);
  return d;
}

async function describe(client: KafkaClient, group: string, out: (line: string) => void): Promise<void> {
  const d = await existing(client, group);
  out(`Group: ${d.groupId}\tState: ${d.state}\tProtocolType: ${d.protocolType || '-'}\tProtocol: ${d.protocol || '-'}\tMembers: ${d.members.length}`);
  const owner = new Map<string, string>();
  for (const m of d.members) {
    const assigned = [...m.assignment].flatMap(([topic, partitions]) => partitions.map((p) => `${topic}-${p}`));
    for (const tp of assigned) owner.set(tp, m.memberId);
    out(`Member: ${m.memberId}\tClientId: ${m.clientId}\tHost: ${m.clientHost || '-'}\tInstanceId: ${m.groupInstanceId ?? '-'}\tAssignment: ${assigned.join(',') || '-'}`);
  }
  const committed = await client.fetchOffsets(group, null);
  const rows = new Map<string, CommittedOffset>();
  for (const c of committed) if (c.offset >= 0n) rows.set(`${c.topic}-${c.partition}`, c);
  for (const m of d.members) {
    for (const [topic, partitions] of m.assignment) {
      for (const partition of partitions) if (!rows.has(`${topic}-${partition}`)) rows.set(`${topic}-${partition}`, { topic, partition, offset: -1n });
    }
  }
  if (rows.size === 0) return;
  out('TOPIC\tPARTITION\tCOMMITTED\tLOG-END\tLAG\tMEMBER');
  const sorted = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  for (const r of sorted) {
    const end = (await client.listOffset(r.topic, r.partition, LIST_OFFSETS_LATEST)).offset;
    const committedText = r.offset >= 0n ? String(r.offset) : '-';
    const lag = r.offset >= 0n ? String(end - r.offset) : '-';
    out(`${r.topic}\t${r.partition}\t${committedText}\t${end}\t${lag}\t${owner.get(`${r.topic}-${r.partition}`) ?? '-'}`);
  }
}

type ResetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: bigint } | { kind: 'datetime'; timestampMs: bigint; text: string };

function resetTarget(args: ParsedArgs): ResetTarget {
  const chosen: ResetTarget[] = [];
  if (flag(args, 'to-earliest')) chosen.push({ kind: 'earliest' });
  if (flag(args, 'to-latest')) chosen.push({ kind: 'latest' });
  const offset = option(args, 'to-offset');
  if (offset !== undefined) {
    if (!/^\d+$/.test(offset)) throw new UsageError(`--to-offset must be a non-negative integer, got ${offset}`);
    chosen.push({ kind: 'offset', offset: BigInt(offset) });
  }
  const datetime = option(args, 'to-datetime');
  if (datetime !== undefined) {
    const ms = Date.parse(datetime);
    if (Number.isNaN(ms)) throw new UsageError(`--to-datetime must be an ISO 8601 date-time, got ${datetime}`);
    chosen.push({ kind: 'datetime', timestampMs: BigInt(ms), text: datetime });
  }
  if (chosen.length !== 1) throw new UsageError('reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO');
  if (!args.options.get('topic')?.length) throw new UsageError('reset-offsets needs --topic T');
  return chosen[0]!;
}

async function resetOffsets(client: KafkaClient, group: string, topics: readonly string[], target: ResetTarget, execute: boolean, out: (line: string) => void): Promise<void> {
  const d = await client.describeGroup(group);
  // Kafka resets only inactive groups: members would overwrite the new offsets with their own commits.
  if (d.members.length > 0) throw new Error(`group ${group} has ${d.members.length} active member(s) (state ${d.state}); stop its consumers before resetting offsets`);
  const plan: CommittedOffset[] = [];
  const current = new Map<string, bigint>();
  for (const topic of topics) {
    const [meta] = await client.metadata([topic]);
    if (!meta || meta.errorCode !== 0) throw new Error(`topic ${topic} does not exist`);
    const partitions = Array.from({ length: meta.partitions }, (_, p) => p);
    for (const c of await client.fetchOffsets(group, [{ topic, partitions }])) current.set(`${topic}-${c.partition}`, c.offset);
    for (const partition of partitions) {
      const start = (await client.listOffset(topic, partition, LIST_OFFSETS_EARLIEST)).offset;
      const end = (await client.listOffset(topic, partition, LIST_OFFSETS_LATEST)).offset;
      let offset: bigint;
      switch (target.kind) {
        case 'earliest':
          offset = start;
          break;
        case 'latest':
          offset = end;
          break;
        case 'offset':
          // As Kafka's tool does: an offset outside the log is moved to its nearer end.
          offset = target.offset < start ? start : target.offset > end ? end : target.offset;
          break;
        case 'datetime': {
          const found = (await client.listOffset(topic, partition, target.timestampMs)).offset;
          offset = found < 0n ? end : found;
          break;
        }
      }
      plan.push({ topic, partition, offset });
    }
  }
  out('TOPIC\tPARTITION\tCURRENT\tNEW');
  for (const p of plan) {
    const before = current.get(`${p.topic}-${p.partition}`) ?? -1n;
    out(`${p.topic}\t${p.partition}\t${before >= 0n ? before : '-'}\t${p.offset}`);
  }
  if (!execute) {
    out(`Dry run: nothing committed (add --execute to reset group ${group})`);
    return;
  }
  await client.commitOffsets(group, plan);
  out(`Reset offsets of group ${group}`);
}
