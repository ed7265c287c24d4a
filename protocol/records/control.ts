// Control batches: transaction markers. One record whose key is version int16 +
// type int16 (0 abort, 1 commit) and whose value is version int16 + coordinator
// epoch int32, in a batch with the transactional and control bits set.
import { ProtocolError } from '../protocol-error.js';
import { encodeRecordBatchSync, type KafkaRecord } from './record-batch.js';

export const ControlRecordType = { Abort: 0, Commit: 1 } as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

const CONTROL_KEY_VERSION = 0;
const MARKER_VALUE_VERSION = 0;

export interface ControlBatchInput {
  producerId: bigint;
  producerEpoch: number;
  type: ControlRecordType;
  coordinatorEpoch: number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  timestamp?: bigint;
}

export function encodeControlBatch(input: ControlBatchInput): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(input.type, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(MARKER_VALUE_VERSION, 0);
  value.writeInt32BE(input.coordinatorEpoch, 2);
  const timestamp = input.timestamp ?? BigInt(Date.now());
  return encodeRecordBatchSync({
    baseOffset: input.baseOffset ?? 0n,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    isTransactional: true,
    isControl: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    baseTimestamp: timestamp,
    records: [{ key, value, timestamp }],
  });
}

export interface ControlRecord {
  type: number;
  version: number;
  /** present for commit/abort markers */
  coordinatorEpoch: number | null;
}

/** Reads a control record (from a batch with isControl set). Throws ProtocolError when malformed. */
export function decodeControlRecord(record: KafkaRecord): ControlRecord {
  const k = record.key;
  if (k === null || k.length < 4) throw new ProtocolError('invalid_value', 'control record key shorter than 4 bytes');
  const version = k.readInt16BE(0);
  const type = k.readInt16BE(2);
  const v = record.value;
  const isMarker = type === ControlRecordType.Abort || type === ControlRecordType.Commit;
  if (isMarker && (v === null || v.length < 6)) throw new ProtocolError('invalid_value', 'transaction marker value shorter than 6 bytes');
  return { version, type, coordinatorEpoch: isMarker ? v!.readInt32BE(2) : null };
}
