/**
 * Valid requests to start mutations from, one per read-only or data API the
 * broker serves. APIs that create, delete or reconfigure (CreateTopics,
 * DeleteTopics, DeleteRecords, AlterConfigs, ...) are left out on purpose: a
 * mutation that happens to stay valid would legitimately reshape the broker
 * (10 000 partitions, deleted data) and the well-behaved clients would fail
 * for reasons that are not defects.
 */
import { encodeRecordBatchSync, encodeRequestFrame, Writer, type TopicName } from '../../../protocol/index.js';
import type { Random } from '../harness/random.js';

export const FUZZ_TOPIC = 'fuzz';

type Body = Record<string, unknown>;

export function recordBatch(rnd: Random, records = rnd.int(1, 5)): Buffer {
  return encodeRecordBatchSync({
    records: Array.from({ length: records }, (_, i) => ({ key: Buffer.from(`k${i}`), value: rnd.bytes(rnd.int(0, 64)), headers: [{ key: 'h', value: Buffer.from('v') }], timestamp: 1_700_000_000_000n })),
    compression: 0,
  });
}

const topic = FUZZ_TOPIC as TopicName;

const TEMPLATES: Record<number, (rnd: Random) => Body> = {
  0: (rnd) => ({ acks: rnd.pick([-1, 1, 0]), timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: rnd.int(0, 1), records: recordBatch(rnd) }] }] }),
  1: () => ({ maxWaitMs: 10, minBytes: 0, maxBytes: 1 << 16, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 15 }] }] }),
  2: () => ({ replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }),
  3: () => ({ topics: [{ name: topic }], allowAutoTopicCreation: false }),
  8: () => ({ groupId: 'fuzz-g', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n }] }] }),
  9: () => ({ groupId: 'fuzz-g', topics: [{ name: topic, partitionIndexes: [0] }] }),
  10: () => ({ key: 'fuzz-g', keyType: 0, coordinatorKeys: ['fuzz-g'] }),
  11: () => ({ groupId: 'fuzz-g', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 6000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(4) }] }),
  12: () => ({ groupId: 'fuzz-g', generationId: 1, memberId: 'm' }),
  13: () => ({ groupId: 'fuzz-g', memberId: 'm', members: [{ memberId: 'm' }] }),
  14: () => ({ groupId: 'fuzz-g', generationId: 1, memberId: 'm', assignments: [{ memberId: 'm', assignment: Buffer.alloc(4) }] }),
  15: () => ({ groups: ['fuzz-g'] }),
  16: () => ({ statesFilter: [] }),
  18: () => ({ clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' }),
  22: () => ({ transactionalId: null, transactionTimeoutMs: 1000 }),
  23: () => ({ replicaId: -1, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }),
  32: () => ({ resources: [{ resourceType: 2, resourceName: FUZZ_TOPIC, configurationKeys: null }], includeSynonyms: true, includeDocumentation: true }),
  35: () => ({ topics: [{ topic, partitions: [0, 1] }] }),
  60: () => ({ includeClusterAuthorizedOperations: true }),
};

export interface ServedRange {
  readonly apiKey: number;
  readonly min: number;
  readonly max: number;
}

/** The served APIs we have a template for. */
export function fuzzableApis(served: ReadonlyMap<number, { min: number; max: number }>): ServedRange[] {
  return [...served].filter(([k]) => TEMPLATES[k] !== undefined).map(([apiKey, r]) => ({ apiKey, min: r.min, max: r.max }));
}

/** A whole valid request frame (size prefix included) for a served API at a random served version. */
export function validFrame(rnd: Random, api: ServedRange, correlationId: number): Buffer | null {
  const version = rnd.int(api.min, api.max);
  try {
    return Buffer.concat(encodeRequestFrame(new Writer(256), { apiKey: api.apiKey as 0, apiVersion: version, correlationId, clientId: 'fuzz' }, TEMPLATES[api.apiKey]!(rnd) as never));
  } catch {
    // A template field this version cannot carry: try another draw.
    return null;
  }
}
