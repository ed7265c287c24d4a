/**
 * The records a shard writes to its `__consumer_offsets` partition, in
 * Kafka's format so the partition reads the same as a Java broker's:
 *
 *   key   = int16 key version + key fields
 *             1: OffsetCommitKey {group, topic, partition}   (0 is the same layout)
 *             2: GroupMetadataKey {group}
 *   value = int16 value version + value fields, or null (a tombstone: delete)
 *             offsets: OffsetCommitValue v3, or v1 when the commit carries an
 *             explicit expire timestamp (what Kafka 3.9 writes)
 *             groups:  GroupMetadataValue v3
 *
 * Records go out as one uncompressed magic-2 batch per operation. Key versions
 * 3 and above (the new consumer-group protocol's records) are skipped on load.
 */
import {
  Reader,
  Writer,
  decodeGroupMetadataKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  decodeRecordBatchSync,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  encodeRecordBatchSync,
} from '../../protocol/index.js';

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
export const GROUP_METADATA_VALUE_VERSION = 3;
const MAX_VALUE_VERSION = 4;

export interface OffsetValue {
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestampMs: number;
  /** set only by commits that asked for their own retention (OffsetCommit v2-v4) */
  readonly expireTimestampMs: number | null;
}

export interface GroupRecordMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** the member's metadata for the group's selected protocol */
  readonly subscription: Buffer;
  readonly assignment: Buffer;
}

export interface GroupValue {
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly currentStateTimestampMs: number;
  readonly members: readonly GroupRecordMember[];
}

export type CoordinatorRecord =
  | { readonly kind: 'offset'; readonly group: string; readonly topic: string; readonly partition: number; readonly value: OffsetValue | null }
  | { readonly kind: 'group'; readonly group: string; readonly value: GroupValue | null };

export interface EncodedRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

function writer(): Writer {
  // copy every byte field: the buffers outlive the writer
  return new Writer(256, Infinity);
}

function copyOut(w: Writer): Buffer {
  return Buffer.from(w.toBuffer());
}

export function encodeRecord(rec: CoordinatorRecord): EncodedRecord {
  const k = writer();
  if (rec.kind === 'offset') {
    k.int16(OFFSET_COMMIT_KEY_VERSION);
    encodeOffsetCommitKey(k, { group: rec.group, topic: rec.topic, partition: rec.partition }, OFFSET_COMMIT_KEY_VERSION);
    if (rec.value === null) return { key: copyOut(k), value: null };
    const v = writer();
    const version = rec.value.expireTimestampMs === null ? OFFSET_COMMIT_VALUE_VERSION : OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY;
    v.int16(version);
    encodeOffsetCommitValue(
      v,
      {
        offset: rec.value.offset,
        leaderEpoch: rec.value.leaderEpoch,
        metadata: rec.value.metadata,
        commitTimestamp: BigInt(rec.value.commitTimestampMs),
        expireTimestamp: BigInt(rec.value.expireTimestampMs ?? -1),
      },
      version,
    );
    return { key: copyOut(k), value: copyOut(v) };
  }
  k.int16(GROUP_METADATA_KEY_VERSION);
  encodeGroupMetadataKey(k, { group: rec.group }, GROUP_METADATA_KEY_VERSION);
  if (rec.value === null) return { key: copyOut(k), value: null };
  const g = rec.value;
  const v = writer();
  v.int16(GROUP_METADATA_VALUE_VERSION);
  encodeGroupMetadataValue(
    v,
    {
      protocolType: g.protocolType,
      generation: g.generation,
      protocol: g.protocol,
      leader: g.leader,
      currentStateTimestamp: BigInt(g.currentStateTimestampMs),
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.subscription,
        assignment: m.assignment,
      })),
    },
    GROUP_METADATA_VALUE_VERSION,
  );
  return { key: copyOut(k), value: copyOut(v) };
}

/** Decodes one record; null for record types this coordinator does not keep. Throws on malformed bytes. */
export function decodeRecord(key: Buffer, value: Buffer | null): CoordinatorRecord | null {
  const kr = new Reader(key);
  const keyVersion = kr.int16();
  kr.check();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(kr, keyVersion);
    kr.check();
    if (value === null) return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
    const vr = new Reader(value);
    const version = valueVersion(vr, 'OffsetCommitValue');
    const v = decodeOffsetCommitValue(vr, version);
    vr.check();
    return {
      kind: 'offset',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        commitTimestampMs: Number(v.commitTimestamp),
        expireTimestampMs: v.expireTimestamp === -1n ? null : Number(v.expireTimestamp),
      },
    };
  }
  if (keyVersion === 2) {
    const k = decodeGroupMetadataKey(kr, keyVersion);
    kr.check();
    if (value === null) return { kind: 'group', group: k.group, value: null };
    const vr = new Reader(value);
    const version = valueVersion(vr, 'GroupMetadataValue');
    const v = decodeGroupMetadataValue(vr, version);
    vr.check();
    return {
      kind: 'group',
      group: k.group,
      value: {
        protocolType: v.protocolType,
        generation: v.generation,
        protocol: v.protocol,
        leader: v.leader,
        currentStateTimestampMs: Number(v.currentStateTimestamp),
        members: v.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeout,
          sessionTimeoutMs: m.sessionTimeout,
          subscription: Buffer.from(m.subscription),
          assignment: Buffer.from(m.assignment),
        })),
      },
    };
  }
  return null;
}

function valueVersion(r: Reader, what: string): number {
  const version = r.int16();
  r.check();
  if (version < 0 || version > MAX_VALUE_VERSION) throw new RangeError(`${what} version ${version} is not known`);
  return version;
}

/** One uncompressed magic-2 batch holding the records, in order. */
export function encodeRecordsBatch(records: readonly CoordinatorRecord[], nowMs: number): Buffer {
  if (records.length === 0) throw new RangeError('a batch needs at least one record');
  const timestamp = BigInt(nowMs);
  return encodeRecordBatchSync({ records: records.map((r) => ({ ...encodeRecord(r), timestamp })), baseTimestamp: timestamp });
}

/** A stored record the coordinator could not read, by its offset in the partition. */
export interface SkippedRecord {
  readonly offset: bigint;
  readonly reason: string;
}

/**
 * The coordinator records of one stored batch (control batches and other
 * record types skipped). A record (or batch) that does not decode is skipped
 * and handed to `skipped`: one bad record, written by a client to the
 * partition before such writes were refused or damaged on disk, must not keep
 * every group of the partition from loading.
 */
export function decodeRecordsBatch(batch: Buffer, skipped: (s: SkippedRecord) => void = () => undefined): CoordinatorRecord[] {
  let decoded;
  try {
    decoded = decodeRecordBatchSync(batch);
  } catch (err) {
    skipped({ offset: batch.length >= 8 ? batch.readBigInt64BE(0) : -1n, reason: `the batch does not decode: ${(err as Error).message}` });
    return [];
  }
  if (decoded.isControl) return [];
  const out: CoordinatorRecord[] = [];
  for (const r of decoded.records) {
    if (r.key === null) continue;
    let rec: CoordinatorRecord | null;
    try {
      rec = decodeRecord(r.key, r.value);
    } catch (err) {
      skipped({ offset: r.offset, reason: (err as Error).message });
      continue;
    }
    if (rec !== null) out.push(rec);
  }
  return out;
}
