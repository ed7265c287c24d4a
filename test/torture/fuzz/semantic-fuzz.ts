/**
 * Semantic fuzz: well-formed requests whose content is hostile in the ways a
 * careless or hostile client can reach the state a broker keeps. Record
 * batches with a valid CRC over broken records, several batches for one
 * partition, config values out of range through CreateTopics, AlterConfigs
 * and IncrementalAlterConfigs (topic and broker resources), extreme
 * ListOffsets timestamps and DeleteRecords offsets, client writes to
 * __consumer_offsets.
 *
 * Between rounds, and across a graceful stop, a SIGHUP and a SIGKILL, it
 * checks what a user would see: every topic still serves a produce and a
 * fetch, nothing refused was stored (log end offsets move only with the
 * records it had acknowledged, refused topics do not exist), every
 * acknowledged record, committed offset and DeleteRecords low watermark is
 * where it was left, the data dir cannot be opened twice, and the broker
 * starts again on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_CONFIGS, TOPIC_CONFIGS } from '../../../actors/config/index.js';
import { partitionForGroup } from '../../../actors/group-coordinator/java-hash.js';
import { encodeRecordsBatch } from '../../../actors/group-coordinator/records.js';
import { decodeResponseFrame, encodeRecordBatchSync, ErrorCode, type BrokerId, type GroupId, type TopicName } from '../../../protocol/index.js';
import { createTopic } from '../harness/admin.js';
import { BrokerProcess } from '../harness/broker-process.js';
import { missingAcks, readPartition, type Ack } from '../harness/read-back.js';
import { Random } from '../harness/random.js';
import { WireClient } from '../harness/wire.js';
import { badBatchProduce, multiBatchProduce, RECORDS_DAMAGE } from './hostile-frames.js';
import { FUZZ_TOPIC } from './templates.js';

const DELETE_TOPIC = 'del';
const CONFIG_TOPIC_PREFIX = 'cfg-';
const OFFSETS_TOPIC = '__consumer_offsets';
const OFFSETS_PARTITIONS = 50;
const REF_GROUP = 'ref-group';
const FUZZ_PARTITIONS = 2;
/** Config topics kept at once: enough variety, a bounded check. */
const CONFIG_TOPICS_MAX = 24;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const SAFE_MAX = 1n << 53n;

/** Answers that mean a partition or the broker is broken, not that the request was refused. */
const BROKEN_CODES = new Set<number>([ErrorCode.UNKNOWN_SERVER_ERROR, ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.NOT_LEADER_OR_FOLLOWER]);
const RECORDS_REFUSED: readonly number[] = [ErrorCode.INVALID_RECORD];

/** Values chosen to sit on or past every kind of bound a config key has. */
const HOSTILE_VALUES = [
  '-9223372036854775809', '-9223372036854775808', '-2147483649', '-7', '-2', '-1', '0', '1', '3', '4', '13', '14', '60', '61', '1000',
  '2147483647', '2147483648', '9007199254740993', '9223372036854775807', '9223372036854775808', '99999999999999999999',
  '0.5', '1.5', '-0.1', 'NaN', 'Infinity', '1e3', ' 42 ', '', 'abc', 'true', 'false', 'delete', 'compact', 'compact,delete', 'delete,,compact',
  'CreateTime', 'LogAppendTime', 'gzip', 'zstd', 'producer', 'x'.repeat(300),
];
const EXTREME_TIMESTAMPS = [SAFE_MAX, SAFE_MAX + 1n, INT64_MAX, INT64_MIN, -7n, -6n, -5n, -4n, -3n, -2n, -1n, 0n, 1n, 1_700_000_000_000n];
const EXTREME_INT32 = [-2147483648, -2, -1, 0, 1, 2147483647];

export type SemanticOp =
  | 'records-damage'
  | 'multi-batch'
  | 'create-config'
  | 'alter-config'
  | 'incremental-config'
  | 'broker-config'
  | 'list-offsets'
  | 'delete-records'
  | 'internal-produce'
  | 'internal-delete';
const OPS: readonly SemanticOp[] = ['records-damage', 'multi-batch', 'create-config', 'alter-config', 'incremental-config', 'broker-config', 'list-offsets', 'delete-records', 'internal-produce', 'internal-delete'];

export interface SemanticFuzzReport {
  readonly ops: number;
  readonly byOp: ReadonlyMap<SemanticOp, number>;
  /** Hostile requests the broker accepted (legitimately: an in-range config, a DeleteRecords below the high watermark). */
  readonly accepted: number;
  readonly checks: number;
  readonly restarts: number;
  readonly configTopics: number;
  readonly problems: string[];
  readonly elapsedMs: number;
}

interface State {
  readonly rnd: Random;
  readonly acks: Ack[];
  /** Records stored per fuzz partition, as acknowledged. */
  readonly stored: number[];
  readonly configTopics: Set<string>;
  /** The low watermark of `del` may only rise. */
  deleteFloor: bigint;
  committedOffset: bigint;
  nextTopic: number;
  accepted: number;
  readonly problems: string[];
}

export interface SemanticFuzzOptions {
  readonly ops: number;
  readonly seed: number;
  readonly budgetMs: number;
  readonly checkEvery?: number;
  readonly workers?: number;
  /** Keep going after a problem (to see every kind a build has); default: stop at the first, which reads best. */
  readonly keepGoing?: boolean;
}

export async function semanticFuzz(opts: SemanticFuzzOptions): Promise<SemanticFuzzReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'samsa-semantic-'));
  const start = () => BrokerProcess.start({ dataDir, workers: opts.workers ?? 0, logLevel: 'error', overrides: { 'auto.create.topics.enable': false, 'log.segment.bytes': 1 << 20 } });
  let broker = await start();
  const t0 = Date.now();
  const s: State = { rnd: new Random(opts.seed), acks: [], stored: Array(FUZZ_PARTITIONS).fill(0), configTopics: new Set(), deleteFloor: 0n, committedOffset: -1n, nextTopic: 0, accepted: 0, problems: [] };
  const byOp = new Map<SemanticOp, number>();
  let checks = 0;
  let restarts = 0;
  let ops = 0;
  let c: WireClient | null = null;
  try {
    await createTopic(broker.port, FUZZ_TOPIC, FUZZ_PARTITIONS);
    await createTopic(broker.port, DELETE_TOPIC, 1);
    c = await WireClient.connect(broker.port);
    await produceGood(c, s, 0, 3);
    s.committedOffset = 2n;
    await commit(c, s.committedOffset);
    const checkEvery = opts.checkEvery ?? 25;
    const deadline = t0 + opts.budgetMs;
    while (ops < opts.ops && Date.now() < deadline && (opts.keepGoing === true || s.problems.length === 0)) {
      const op = s.rnd.pick(OPS);
      byOp.set(op, (byOp.get(op) ?? 0) + 1);
      await runOp(c, s, op);
      ops++;
      if (ops % checkEvery === 0) {
        await check(c, s, `after op ${ops}`);
        checks++;
      }
    }
    await check(c, s, 'at the end of the hostile ops');
    checks++;
    // The directory is in use: a second broker on it must refuse to start, and the first keeps serving.
    const second = await BrokerProcess.start({ dataDir, logLevel: 'error', overrides: { 'auto.create.topics.enable': false } }).then(
      (b) => b,
      () => null,
    );
    if (second !== null) {
      s.problems.push('a second broker started on a data dir in use');
      await second.kill9();
    }
    await check(c, s, 'after a second start was tried on the same data dir');
    checks++;
    for (const how of ['SIGTERM', 'SIGHUP', 'SIGKILL'] as const) {
      c.close();
      c = null;
      if (how === 'SIGKILL') await broker.kill9();
      else {
        broker.child.kill(how);
        const exit = await Promise.race([broker.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
        if (exit === null) {
          s.problems.push(`${how}: the broker did not exit within 20 s`);
          await broker.kill9();
        } else if (exit.code !== 0) s.problems.push(`${how}: the broker exited ${JSON.stringify(exit)}, not 0 after a graceful stop`);
      }
      try {
        broker = await start();
      } catch (err) {
        s.problems.push(`after ${how}: the broker does not start again on its data dir: ${(err as Error).message.slice(0, 2000)}`);
        break;
      }
      restarts++;
      c = await WireClient.connect(broker.port);
      await check(c, s, `after ${how} and a restart`);
      checks++;
    }
  } catch (err) {
    s.problems.push(`fuzz run failed: ${(err as Error).stack ?? String(err)}${broker.alive ? '' : `\nbroker exited: ${broker.stderr}`}`);
  } finally {
    c?.close();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ops, byOp, accepted: s.accepted, checks, restarts, configTopics: s.configTopics.size, problems: s.problems, elapsedMs: Date.now() - t0 };
}

async function runOp(c: WireClient, s: State, op: SemanticOp): Promise<void> {
  const { rnd } = s;
  switch (op) {
    case 'records-damage': {
      const version = rnd.int(3, 11);
      const id = c.takeId();
      const damage = rnd.pick(RECORDS_DAMAGE);
      const { bytes } = badBatchProduce(rnd, { apiKey: 0, min: version, max: version }, id, damage);
      const code = produceCode(await c.expect(id, bytes, (f) => decodeResponseFrame(f, 0, version).body));
      if (!RECORDS_REFUSED.includes(code)) s.problems.push(`Produce v${version} of a batch with ${damage} (CRC valid) answered ${code}`);
      return;
    }
    case 'multi-batch': {
      const version = rnd.int(3, 11);
      const id = c.takeId();
      const code = produceCode(await c.expect(id, multiBatchProduce(rnd, version, id), (f) => decodeResponseFrame(f, 0, version).body));
      if (code !== ErrorCode.INVALID_RECORD) s.problems.push(`Produce v${version} of several batches for one partition answered ${code}, not INVALID_RECORD`);
      return;
    }
    case 'create-config': {
      if (s.configTopics.size >= CONFIG_TOPICS_MAX) return;
      const name = `${CONFIG_TOPIC_PREFIX}${s.nextTopic++}`;
      const configs = Array.from({ length: rnd.int(1, 3) }, () => ({ name: rnd.pick([...TOPIC_CONFIGS.keys()]), value: rnd.pick(HOSTILE_VALUES) }));
      const validateOnly = rnd.next() < 0.3;
      const res = await c.request(19, rnd.int(1, 7), { topics: [{ name: name as TopicName, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 10_000, validateOnly });
      const code = res.topics[0]!.errorCode;
      noteAnswer(s, code, `CreateTopics ${JSON.stringify(configs)}`);
      if (code === 0 && !validateOnly) s.configTopics.add(name);
      return;
    }
    case 'alter-config': {
      const topic = pickConfigTopic(s);
      if (topic === null) return;
      const configs = Array.from({ length: rnd.int(1, 3) }, () => ({ name: rnd.pick([...TOPIC_CONFIGS.keys()]), value: rnd.pick(HOSTILE_VALUES) }));
      const res = await c.request(33, rnd.int(0, 2), { resources: [{ resourceType: 2, resourceName: topic, configs }], validateOnly: rnd.next() < 0.2 });
      noteAnswer(s, res.responses[0]!.errorCode, `AlterConfigs ${topic} ${JSON.stringify(configs)}`);
      return;
    }
    case 'incremental-config': {
      const topic = pickConfigTopic(s);
      if (topic === null) return;
      const configs = Array.from({ length: rnd.int(1, 3) }, () => ({ name: rnd.pick([...TOPIC_CONFIGS.keys()]), configOperation: rnd.int(0, 3), value: rnd.next() < 0.1 ? null : rnd.pick(HOSTILE_VALUES) }));
      const res = await c.request(44, rnd.int(0, 1), { resources: [{ resourceType: 2, resourceName: topic, configs }], validateOnly: rnd.next() < 0.2 });
      noteAnswer(s, res.responses[0]!.errorCode, `IncrementalAlterConfigs ${topic} ${JSON.stringify(configs)}`);
      return;
    }
    case 'broker-config': {
      const name = rnd.pick([...BROKER_CONFIGS.values()].filter((d) => d.dynamic).map((d) => d.name));
      const value = rnd.pick(HOSTILE_VALUES);
      const resourceName = rnd.pick(['', '0']);
      const res = await c.request(44, 1, { resources: [{ resourceType: 4, resourceName, configs: [{ name, configOperation: 0, value }] }], validateOnly: false });
      const code = res.responses[0]!.errorCode;
      noteAnswer(s, code, `IncrementalAlterConfigs broker ${JSON.stringify(resourceName)} ${name}=${JSON.stringify(value)}`);
      if (code === 0) {
        // Check the broker and its topics under the value, then take it back: other ops should meet the defaults.
        await check(c, s, `with broker config ${name}=${JSON.stringify(value)}`, false).catch((err: Error) => s.problems.push(`with broker config ${name}=${JSON.stringify(value)}: ${err.message}`));
        const undo = await c.request(44, 1, { resources: [{ resourceType: 4, resourceName, configs: [{ name, configOperation: 1, value: null }] }], validateOnly: false });
        if (undo.responses[0]!.errorCode !== 0) s.problems.push(`deleting the broker override ${name} answered ${undo.responses[0]!.errorCode}`);
      }
      return;
    }
    case 'list-offsets': {
      const version = rnd.int(1, 9);
      const timestamp = rnd.pick(EXTREME_TIMESTAMPS);
      const partitionIndex = rnd.next() < 0.8 ? rnd.int(0, FUZZ_PARTITIONS - 1) : rnd.pick(EXTREME_INT32);
      const currentLeaderEpoch = version >= 4 && rnd.next() < 0.3 ? rnd.pick(EXTREME_INT32) : -1;
      const res = await c.request(2, version, { replicaId: -1 as BrokerId, isolationLevel: version >= 2 ? rnd.int(0, 1) : 0, topics: [{ name: FUZZ_TOPIC as TopicName, partitions: [{ partitionIndex, currentLeaderEpoch, timestamp }] }] });
      noteAnswer(s, res.topics[0]!.partitions[0]!.errorCode, `ListOffsets v${version} partition ${partitionIndex} timestamp ${timestamp} epoch ${currentLeaderEpoch}`);
      return;
    }
    case 'delete-records': {
      await produceTo(c, DELETE_TOPIC, 0, rnd.int(1, 4));
      const hw = await offsetAt(c, DELETE_TOPIC, 0, -1n);
      const offset = rnd.pick([-2n, -1n, 0n, 1n, hw - 1n, hw, hw + 1n, SAFE_MAX, SAFE_MAX + 1n, INT64_MAX, INT64_MIN]);
      const res = await c.request(21, rnd.int(0, 2), { topics: [{ name: DELETE_TOPIC as TopicName, partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 5000 });
      const p = res.topics[0]!.partitions[0]!;
      noteAnswer(s, p.errorCode, `DeleteRecords ${DELETE_TOPIC} before ${offset} (high watermark ${hw})`);
      if (p.errorCode === 0) {
        if (p.lowWatermark < s.deleteFloor) s.problems.push(`DeleteRecords before ${offset} answered low watermark ${p.lowWatermark} below an earlier ${s.deleteFloor}`);
        else s.deleteFloor = p.lowWatermark;
      }
      return;
    }
    case 'internal-produce': {
      // A hand-made commit for the reference group, or a record whose key no coordinator can parse.
      const forged = rnd.next() < 0.5;
      const records = forged
        ? encodeRecordsBatch([{ kind: 'offset', group: REF_GROUP, topic: FUZZ_TOPIC, partition: 0, value: { offset: 424242n, leaderEpoch: -1, metadata: '', commitTimestampMs: Date.now(), expireTimestampMs: null } }], Date.now())
        : encodeRecordBatchSync({ records: [{ key: rnd.bytes(rnd.int(0, 12)), value: rnd.bytes(rnd.int(0, 12)), headers: [], timestamp: BigInt(Date.now()) }], compression: 0 });
      const index = forged ? partitionForGroup(REF_GROUP, OFFSETS_PARTITIONS) : rnd.int(0, OFFSETS_PARTITIONS - 1);
      const res = await c.request(0, rnd.int(3, 11), { transactionalId: null, acks: rnd.pick([1, -1]), timeoutMs: 5000, topicData: [{ name: OFFSETS_TOPIC as TopicName, partitionData: [{ index, records }] }] });
      const code = res.responses[0]!.partitionResponses[0]!.errorCode;
      if (code !== ErrorCode.INVALID_TOPIC_EXCEPTION) s.problems.push(`Produce to ${OFFSETS_TOPIC}-${index} (${forged ? 'a forged commit' : 'an unparsable key'}) answered ${code}, not INVALID_TOPIC_EXCEPTION`);
      return;
    }
    case 'internal-delete': {
      const index = rnd.next() < 0.5 ? partitionForGroup(REF_GROUP, OFFSETS_PARTITIONS) : rnd.int(0, OFFSETS_PARTITIONS - 1);
      const res = await c.request(21, rnd.int(0, 2), { topics: [{ name: OFFSETS_TOPIC as TopicName, partitions: [{ partitionIndex: index, offset: -1n }] }], timeoutMs: 5000 });
      const code = res.topics[0]!.partitions[0]!.errorCode;
      if (code === 0 || BROKEN_CODES.has(code)) s.problems.push(`DeleteRecords on ${OFFSETS_TOPIC}-${index} answered ${code}: clients must not delete the coordinators' records`);
      return;
    }
  }
}

/** What every check asserts; `when` says where in the run it failed. */
async function check(c: WireClient, s: State, when: string, defaults = true): Promise<void> {
  const problems: string[] = [];
  const meta = await c.request(3, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const names = new Set(meta.topics.map((t) => t.name as string));
  for (const name of names) {
    if (name.startsWith(CONFIG_TOPIC_PREFIX) && !s.configTopics.has(name)) problems.push(`topic ${name} exists though its CreateTopics was refused or validate-only`);
  }
  for (const name of s.configTopics) if (!names.has(name)) problems.push(`topic ${name}, created, is gone`);
  // Every topic serves: a produce and a fetch, refused perhaps (a tiny max.message.bytes), never broken.
  for (const topic of [DELETE_TOPIC, ...s.configTopics]) {
    const code = await produceTo(c, topic, 0, 1).catch((err: Error) => `produce failed: ${err.message}`);
    if (typeof code === 'string' || BROKEN_CODES.has(code) || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) problems.push(`${topic}-0: produce answered ${code}`);
    const fetched = await fetchCode(c, topic);
    if (BROKEN_CODES.has(fetched) || fetched === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) problems.push(`${topic}-0: fetch answered ${fetched}`);
  }
  // The fuzz topic serves too; nothing refused was stored there, every acknowledged record is where it was.
  await produceGood(c, s, s.rnd.int(0, FUZZ_PARTITIONS - 1), 1, defaults);
  const contents = [];
  for (let p = 0; p < FUZZ_PARTITIONS; p++) {
    const got = await readPartition(c, FUZZ_TOPIC, p);
    contents.push(got);
    problems.push(...got.problems);
    if (got.highWatermark !== s.stored[p]) problems.push(`${FUZZ_TOPIC}-${p}: high watermark ${got.highWatermark}, ${s.stored[p]} records acknowledged (something refused was stored, or acknowledged records were lost)`);
  }
  problems.push(...missingAcks(contents, s.acks).problems);
  const low = await offsetAt(c, DELETE_TOPIC, 0, -2n);
  if (low < s.deleteFloor) problems.push(`${DELETE_TOPIC}-0: log start ${low}, below the acknowledged DeleteRecords low watermark ${s.deleteFloor}`);
  const committed = await committedOffset(c);
  if (committed !== s.committedOffset) problems.push(`${REF_GROUP}: committed offset ${committed}, ${s.committedOffset} was committed (a client write to ${OFFSETS_TOPIC} took effect?)`);
  for (const p of problems) s.problems.push(`${when}: ${p}`);
}

function noteAnswer(s: State, code: number, what: string): void {
  if (BROKEN_CODES.has(code)) s.problems.push(`${what} answered ${code}`);
  else if (code === 0) s.accepted++;
}

function pickConfigTopic(s: State): string | null {
  return s.configTopics.size === 0 ? null : s.rnd.pick([...s.configTopics]);
}

function produceCode(body: unknown): number {
  return (body as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> }).responses[0]!.partitionResponses[0]!.errorCode;
}

/** Keyed records: any topic may have been made compacted (cleanup.policy, or log.cleanup.policy broker-wide), which refuses keyless ones. */
async function produceTo(c: WireClient, topic: string, partition: number, records: number): Promise<number> {
  const batch = encodeRecordBatchSync({ records: Array.from({ length: records }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [], timestamp: BigInt(Date.now()) })), compression: 0 });
  const res = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic as TopicName, partitionData: [{ index: partition, records: batch }] }] });
  return res.responses[0]!.partitionResponses[0]!.errorCode;
}

/**
 * Acknowledged records of the fuzz topic, remembered to be read back. Under
 * the defaults the produce must succeed; under a broker-wide override (a tiny
 * message.max.bytes) it may be refused, never broken.
 */
async function produceGood(c: WireClient, s: State, partition: number, records: number, defaults = true): Promise<void> {
  const values = Array.from({ length: records }, () => Buffer.from(`good-${s.rnd.int(0, 1e9)}`));
  const batch = encodeRecordBatchSync({ records: values.map((value, i) => ({ key: Buffer.from(`k${i}`), value, headers: [], timestamp: BigInt(Date.now()) })), compression: 0 });
  const res = await c.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: FUZZ_TOPIC as TopicName, partitionData: [{ index: partition, records: batch }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  if (p.errorCode !== 0) {
    if (defaults || BROKEN_CODES.has(p.errorCode)) s.problems.push(`a good produce to ${FUZZ_TOPIC}-${partition} answered ${p.errorCode}`);
    return;
  }
  values.forEach((value, i) => s.acks.push({ partition, offset: Number(p.baseOffset) + i, value }));
  s.stored[partition]! += records;
}

async function fetchCode(c: WireClient, topic: string): Promise<number> {
  const start = await offsetAt(c, topic, 0, -2n);
  const res = await c.request(1, 11, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    topics: [{ topic: topic as TopicName, partitions: [{ partition: 0, fetchOffset: start, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
  });
  const p = res.responses[0]?.partitions[0];
  if (p === undefined) throw new Error(`Fetch ${topic}-0 answered no partition (error ${res.errorCode}, session ${res.sessionId})`);
  return p.errorCode;
}

/** ListOffsets -1 (latest) or -2 (earliest). */
async function offsetAt(c: WireClient, topic: string, partition: number, timestamp: bigint): Promise<bigint> {
  const res = await c.request(2, 7, { replicaId: -1 as BrokerId, isolationLevel: 0, topics: [{ name: topic as TopicName, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }] });
  const p = res.topics[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition} ${timestamp}: error ${p.errorCode}`);
  return p.offset;
}

async function commit(c: WireClient, offset: bigint): Promise<void> {
  const res = await c.request(8, 8, { groupId: REF_GROUP as GroupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: FUZZ_TOPIC as TopicName, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }] });
  const code = res.topics[0]!.partitions[0]!.errorCode;
  if (code !== 0) throw new Error(`OffsetCommit ${REF_GROUP}: error ${code}`);
}

async function committedOffset(c: WireClient): Promise<bigint> {
  const res = await c.request(9, 7, { groupId: REF_GROUP as GroupId, topics: [{ name: FUZZ_TOPIC as TopicName, partitionIndexes: [0] }], requireStable: false });
  return res.topics[0]!.partitions[0]!.committedOffset;
}
