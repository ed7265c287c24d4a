// The limit server's rare requests, with the protocol's generated codecs: API
// versions, metadata naming itself leader of every partition, topic creation
// (remembered partition counts) and list offsets over the fetch log.
import {
  API_SURFACE,
  ApiKey,
  ErrorCode,
  Reader,
  Writer,
  buildApiVersionsResponse,
  decodeRequestBody,
  encodeResponseFrame,
  serveApis,
  type BrokerId,
} from '../../protocol/index.js';
import { FETCH_VERSIONS } from './fetch.js';
import { PRODUCE_VERSIONS } from './produce.js';

export const SERVED = serveApis({
  [ApiKey.Produce]: PRODUCE_VERSIONS,
  [ApiKey.Fetch]: FETCH_VERSIONS,
  [ApiKey.ListOffsets]: { min: 1, max: 8 },
  [ApiKey.Metadata]: { min: 1, max: 12 },
  [ApiKey.ApiVersions]: { min: 0, max: 3 },
  [ApiKey.CreateTopics]: { min: 2, max: 7 },
});

const BROKER_ID = 0 as BrokerId;

export interface AdminState {
  host: string;
  port: number;
  defaultPartitions: number;
  /** partition count per topic created or asked about */
  topics: Map<string, number>;
  /** offset after the fetch log's last record */
  logEndOffset: number;
}

export function isServed(apiKey: number, version: number): boolean {
  const s = SERVED[apiKey]?.served;
  return s !== undefined && s !== null && version >= s.min && version <= s.max;
}

/** Answers ApiVersions, Metadata, ListOffsets or CreateTopics; null for other keys. */
export function answerAdmin(frame: Buffer, bodyStart: number, apiKey: number, version: number, correlationId: number, st: AdminState): Buffer | null {
  const w = new Writer(1024);
  const r = new Reader(frame, bodyStart);
  switch (apiKey) {
    case ApiKey.ApiVersions: {
      // A version we do not know is answered in v0 with UNSUPPORTED_VERSION, as Kafka does.
      const known = version <= 3;
      const body = buildApiVersionsResponse(SERVED, { errorCode: known ? 0 : ErrorCode.UNSUPPORTED_VERSION });
      return Buffer.concat(encodeResponseFrame(w, ApiKey.ApiVersions, known ? version : 0, correlationId, body));
    }
    case ApiKey.Metadata: {
      const req = decodeRequestBody(ApiKey.Metadata, version, r);
      const names = req.topics === null ? [...st.topics.keys()] : req.topics.map((t) => t.name ?? '');
      const topics = names.map((name) => {
        if (!st.topics.has(name) && !req.allowAutoTopicCreation) {
          return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: name as never, partitions: [] };
        }
        const n = st.topics.get(name) ?? st.defaultPartitions;
        st.topics.set(name, n);
        const partitions = Array.from({ length: n }, (_, i) => ({ partitionIndex: i, leaderId: BROKER_ID, leaderEpoch: 0, replicaNodes: [BROKER_ID], isrNodes: [BROKER_ID] }));
        return { errorCode: 0, name: name as never, partitions };
      });
      const body = { brokers: [{ nodeId: BROKER_ID, host: st.host, port: st.port }], clusterId: 'limit', controllerId: BROKER_ID, topics };
      return Buffer.concat(encodeResponseFrame(w, ApiKey.Metadata, version, correlationId, body));
    }
    case ApiKey.CreateTopics: {
      const req = decodeRequestBody(ApiKey.CreateTopics, version, r);
      const topics = req.topics.map((t) => {
        const n = t.numPartitions > 0 ? t.numPartitions : st.defaultPartitions;
        st.topics.set(t.name, n);
        return { name: t.name, errorCode: 0, numPartitions: n, replicationFactor: 1 };
      });
      return Buffer.concat(encodeResponseFrame(w, ApiKey.CreateTopics, version, correlationId, { topics }));
    }
    case ApiKey.ListOffsets: {
      const req = decodeRequestBody(ApiKey.ListOffsets, version, r);
      const topics = req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: p.timestamp === -2n ? 0n : BigInt(st.logEndOffset), leaderEpoch: 0 })),
      }));
      return Buffer.concat(encodeResponseFrame(w, ApiKey.ListOffsets, version, correlationId, { topics }));
    }
    default:
      return null;
  }
}

const FLEXIBLE_FROM: number[] = [];
for (const e of API_SURFACE) FLEXIBLE_FROM[e.apiKey] = e.flexibleMinVersion;

/** The first flexible version of an API key, -1 when none (for reading request headers). */
export function flexibleFrom(apiKey: number): number {
  return FLEXIBLE_FROM[apiKey] ?? -1;
}
