/**
 * Kafka 3.9's ZooKeeper layout (ZooKeeper mode), paths and JSON, in one
 * module: what samsa writes here Kafka's own tools read (`zkCli.sh`,
 * `kafka-topics.sh --zookeeper` of older releases), and the other way round.
 *
 * | znode | kind | content | written by |
 * | --- | --- | --- | --- |
 * | /cluster/id | persistent | {"version":"1","id":"<base64 uuid>"} | the first broker to start |
 * | /brokers/ids/<id> | ephemeral | broker registration, JSON version 5 | each broker, for its session |
 * | /brokers/seqid | persistent | (its zkVersion is the counter) | broker.id generation |
 * | /controller | ephemeral | {"version":2,"brokerid":N,"timestamp":"ms","kraftControllerEpoch":-1} | the elected controller |
 * | /controller_epoch | persistent | the epoch as decimal text; its zkVersion fences controller writes | the elected controller |
 * | /brokers/topics/<t> | persistent | {"version":3,"topic_id","partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{}} | CreateTopics, CreatePartitions |
 * | /brokers/topics/<t>/partitions/<p>/state | persistent | {"version":1,"leader","leader_epoch","controller_epoch","isr":[...]} | the controller |
 * | /config/<type>/<name> | persistent | {"version":1,"config":{...}} | config changes |
 * | /config/changes/config_change_<seq> | persistent sequential | {"version":2,"entity_path":"topics/<t>"} | config changes |
 * | /admin/delete_topics/<t> | persistent | empty | DeleteTopics |
 *
 * Decoders check every field they use and throw ZnodeFormatError naming the
 * path: a znode written by hand or by a foreign tool must not crash a broker.
 */

export const CLUSTER_ID = '/cluster/id';
export const BROKER_IDS = '/brokers/ids';
export const BROKER_SEQID = '/brokers/seqid';
export const TOPICS = '/brokers/topics';
export const CONTROLLER = '/controller';
export const CONTROLLER_EPOCH = '/controller_epoch';
export const CONFIG_CHANGES = '/config/changes';
export const CONFIG_CHANGE_PREFIX = 'config_change_';
export const DELETE_TOPICS = '/admin/delete_topics';
export const ISR_CHANGES = '/isr_change_notification';

/** The config entity types Kafka keeps under /config. */
export const CONFIG_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

/** Created at start-up if missing, as Kafka's ZkData.PersistentZkPaths. */
export const PERSISTENT_PATHS: readonly string[] = [
  '/consumers',
  BROKER_IDS,
  TOPICS,
  CONFIG_CHANGES,
  DELETE_TOPICS,
  BROKER_SEQID,
  ISR_CHANGES,
  '/latest_producer_id_block',
  '/log_dir_event_notification',
  ...CONFIG_TYPES.map((t) => `/config/${t}`),
];

export const brokerPath = (id: number): string => `${BROKER_IDS}/${id}`;
export const topicPath = (topic: string): string => `${TOPICS}/${topic}`;
export const partitionsPath = (topic: string): string => `${topicPath(topic)}/partitions`;
export const partitionPath = (topic: string, partition: number): string => `${partitionsPath(topic)}/${partition}`;
export const partitionStatePath = (topic: string, partition: number): string => `${partitionPath(topic, partition)}/state`;
export const configPath = (type: ConfigType, name: string): string => `/config/${type}/${name}`;
export const deleteTopicPath = (topic: string): string => `${DELETE_TOPICS}/${topic}`;
/** The default broker config entity, as Kafka names it. */
export const DEFAULT_BROKER_ENTITY = '<default>';

export class ZnodeFormatError extends Error {
  override readonly name = 'ZnodeFormatError';
  constructor(
    readonly path: string,
    why: string,
    readonly content: string,
  ) {
    super(`${path}: ${why}: ${content.length > 200 ? `${content.slice(0, 200)}...` : content}`);
  }
}

const utf8 = (o: unknown): Buffer => Buffer.from(JSON.stringify(o), 'utf8');

/** A JSON object from a znode's bytes, or ZnodeFormatError. */
function object(path: string, data: Buffer | null): { text: string; o: Record<string, unknown> } {
  const text = data === null ? '' : data.toString('utf8');
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new ZnodeFormatError(path, 'not JSON', text);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ZnodeFormatError(path, 'not a JSON object', text);
  return { text, o: o as Record<string, unknown> };
}

function int(path: string, text: string, o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new ZnodeFormatError(path, `"${key}" is not an int32`, text);
  return v;
}

function intList(path: string, text: string, v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 2 ** 31)) throw new ZnodeFormatError(path, `${what} is not a list of broker ids`, text);
  return v as number[];
}

function str(path: string, text: string, o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ZnodeFormatError(path, `"${key}" is not a string`, text);
  return v;
}

// ---- /cluster/id

export const encodeClusterId = (id: string): Buffer => utf8({ version: '1', id });
export function decodeClusterId(data: Buffer | null): string {
  const { text, o } = object(CLUSTER_ID, data);
  const id = str(CLUSTER_ID, text, o, 'id');
  if (id === '') throw new ZnodeFormatError(CLUSTER_ID, 'empty id', text);
  return id;
}

// ---- /brokers/ids/<id>

export interface Endpoint {
  /** The listener name (PLAINTEXT, or a name of listener.security.protocol.map). */
  readonly listener: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: string;
}

export interface BrokerRegistration {
  readonly id: number;
  readonly endpoints: readonly Endpoint[];
  readonly rack: string | null;
  /** Milliseconds since the epoch, when the broker registered. */
  readonly timestamp: number;
}

const endpointString = (e: Endpoint): string => `${e.listener}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
const ENDPOINT = /^([A-Za-z0-9_.-]+):\/\/(\[[^\]]*\]|[^:/]*):(\d{1,5})$/;

/** Version 5 JSON, as a Kafka 3.9 broker registers (host and port are the first PLAINTEXT endpoint's, for old clients). */
export function encodeBrokerRegistration(b: BrokerRegistration): Buffer {
  const plain = b.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
  const map: Record<string, string> = {};
  for (const e of b.endpoints) map[e.listener] = e.securityProtocol;
  const json: Record<string, unknown> = {
    version: 5,
    host: plain?.host ?? null,
    port: plain?.port ?? -1,
    jmx_port: -1,
    timestamp: String(b.timestamp),
    endpoints: b.endpoints.map(endpointString),
    listener_security_protocol_map: map,
    features: {},
  };
  if (b.rack !== null) json.rack = b.rack;
  return utf8(json);
}

/** Versions 1-5 of the registration JSON (Kafka's BrokerIdZNode.decode). */
export function decodeBrokerRegistration(id: number, data: Buffer | null): BrokerRegistration {
  const path = brokerPath(id);
  const { text, o } = object(path, data);
  const version = int(path, text, o, 'version');
  if (version < 1 || version > 5) throw new ZnodeFormatError(path, `registration version ${version} is not 1-5`, text);
  const timestamp = Number(o.timestamp ?? 0);
  let endpoints: Endpoint[];
  if (version === 1) {
    endpoints = [{ listener: 'PLAINTEXT', host: str(path, text, o, 'host'), port: int(path, text, o, 'port'), securityProtocol: 'PLAINTEXT' }];
  } else {
    const rawMap = o.listener_security_protocol_map ?? { PLAINTEXT: 'PLAINTEXT', SSL: 'SSL', SASL_PLAINTEXT: 'SASL_PLAINTEXT', SASL_SSL: 'SASL_SSL' };
    if (typeof rawMap !== 'object' || rawMap === null) throw new ZnodeFormatError(path, 'listener_security_protocol_map is not an object', text);
    const protocols = rawMap as Record<string, unknown>;
    const list = o.endpoints;
    if (!Array.isArray(list)) throw new ZnodeFormatError(path, '"endpoints" is not a list', text);
    endpoints = list.map((s) => {
      const m = typeof s === 'string' ? ENDPOINT.exec(s) : null;
      if (m === null) throw new ZnodeFormatError(path, `endpoint ${JSON.stringify(s)} is not LISTENER://host:port`, text);
      const listener = m[1]!;
      const protocol = protocols[listener];
      if (typeof protocol !== 'string') throw new ZnodeFormatError(path, `listener ${listener} has no security protocol`, text);
      const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
      const port = Number(m[3]);
      if (port > 65535) throw new ZnodeFormatError(path, `port ${port} out of range`, text);
      return { listener, host, port, securityProtocol: protocol };
    });
  }
  const rack = o.rack;
  if (rack !== undefined && rack !== null && typeof rack !== 'string') throw new ZnodeFormatError(path, '"rack" is not a string', text);
  return { id, endpoints, rack: typeof rack === 'string' ? rack : null, timestamp: Number.isFinite(timestamp) ? timestamp : 0 };
}

// ---- /controller, /controller_epoch

export const encodeController = (brokerId: number, timestamp: number): Buffer => utf8({ version: 2, brokerid: brokerId, timestamp: String(timestamp), kraftControllerEpoch: -1 });
export function decodeController(data: Buffer | null): number {
  const { text, o } = object(CONTROLLER, data);
  return int(CONTROLLER, text, o, 'brokerid');
}

export const encodeControllerEpoch = (epoch: number): Buffer => Buffer.from(String(epoch), 'utf8');
export function decodeControllerEpoch(data: Buffer | null): number {
  const text = data === null ? '' : data.toString('utf8');
  if (!/^\d{1,10}$/.test(text) || Number(text) >= 2 ** 31) throw new ZnodeFormatError(CONTROLLER_EPOCH, 'not a non-negative int32', text);
  return Number(text);
}

// ---- /brokers/topics/<t>

export interface TopicAssignment {
  /** Base64 topic id, or null for a topic created by a Kafka older than 2.8. */
  readonly topicId: string | null;
  /** Replicas of each partition, preferred leader first; partitions 0..n-1. */
  readonly partitions: ReadonlyMap<number, readonly number[]>;
  readonly addingReplicas: ReadonlyMap<number, readonly number[]>;
  readonly removingReplicas: ReadonlyMap<number, readonly number[]>;
}

const asJsonMap = (m: ReadonlyMap<number, readonly number[]>): Record<string, readonly number[]> => Object.fromEntries([...m].sort((a, b) => a[0] - b[0]).map(([p, r]) => [String(p), r]));

export function encodeTopicAssignment(a: TopicAssignment): Buffer {
  const json: Record<string, unknown> = { version: 3, partitions: asJsonMap(a.partitions), adding_replicas: asJsonMap(a.addingReplicas), removing_replicas: asJsonMap(a.removingReplicas) };
  if (a.topicId !== null) json.topic_id = a.topicId;
  return utf8(json);
}

export function decodeTopicAssignment(topic: string, data: Buffer | null): TopicAssignment {
  const path = topicPath(topic);
  const { text, o } = object(path, data);
  const replicas = (key: string): Map<number, number[]> => {
    const v = o[key];
    const out = new Map<number, number[]>();
    if (v === undefined || v === null) return out;
    if (typeof v !== 'object' || Array.isArray(v)) throw new ZnodeFormatError(path, `"${key}" is not an object`, text);
    for (const [p, r] of Object.entries(v as Record<string, unknown>)) {
      if (!/^\d{1,10}$/.test(p) || Number(p) >= 2 ** 31) throw new ZnodeFormatError(path, `partition "${p}" is not a partition number`, text);
      out.set(Number(p), intList(path, text, r, `replicas of partition ${p}`));
    }
    return out;
  };
  const id = o.topic_id;
  if (id !== undefined && typeof id !== 'string') throw new ZnodeFormatError(path, '"topic_id" is not a string', text);
  const partitions = replicas('partitions');
  for (let p = 0; p < partitions.size; p++) if (!partitions.has(p)) throw new ZnodeFormatError(path, `partitions are not 0..${partitions.size - 1}`, text);
  return { topicId: id ?? null, partitions, addingReplicas: replicas('adding_replicas'), removingReplicas: replicas('removing_replicas') };
}

// ---- /brokers/topics/<t>/partitions/<p>/state

export interface PartitionState {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly controllerEpoch: number;
  /** 0 recovered, 1 recovering (KIP-704); written only when not 0, as Kafka does. */
  readonly leaderRecoveryState: number;
}

/** No leader: Kafka's LeaderAndIsr.NoLeader. */
export const NO_LEADER = -1;

export function encodePartitionState(s: PartitionState): Buffer {
  const json: Record<string, unknown> = { version: 1, leader: s.leader, leader_epoch: s.leaderEpoch, controller_epoch: s.controllerEpoch, isr: s.isr };
  if (s.leaderRecoveryState !== 0) json.leader_recovery_state = s.leaderRecoveryState;
  return utf8(json);
}

export function decodePartitionState(topic: string, partition: number, data: Buffer | null): PartitionState {
  const path = partitionStatePath(topic, partition);
  const { text, o } = object(path, data);
  const recovery = o.leader_recovery_state === undefined ? 0 : int(path, text, o, 'leader_recovery_state');
  if (recovery !== 0 && recovery !== 1) throw new ZnodeFormatError(path, `leader_recovery_state ${recovery} is not 0 or 1`, text);
  return {
    leader: int(path, text, o, 'leader'),
    leaderEpoch: int(path, text, o, 'leader_epoch'),
    isr: intList(path, text, o.isr, '"isr"'),
    controllerEpoch: int(path, text, o, 'controller_epoch'),
    leaderRecoveryState: recovery,
  };
}

// ---- /config

export const encodeConfig = (config: Readonly<Record<string, string>>): Buffer => utf8({ version: 1, config });

export function decodeConfig(path: string, data: Buffer | null): Record<string, string> {
  if (data === null || data.length === 0) return {};
  const { text, o } = object(path, data);
  const c = o.config ?? {};
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new ZnodeFormatError(path, '"config" is not an object', text);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new ZnodeFormatError(path, `config "${k}" is not a string`, text);
    out[k] = v;
  }
  return out;
}

/** A config change notification: `entityPath` is "<type>/<name>", e.g. "topics/orders". */
export const encodeConfigChange = (entityPath: string): Buffer => utf8({ version: 2, entity_path: entityPath });
export function decodeConfigChange(path: string, data: Buffer | null): string {
  const { text, o } = object(path, data);
  return str(path, text, o, 'entity_path');
}

// ---- /latest_producer_id_block

export const PRODUCER_ID_BLOCK = '/latest_producer_id_block';

export interface ProducerIdBlock {
  readonly broker: number;
  /** First and last id of the block, inclusive. */
  readonly start: bigint;
  readonly end: bigint;
}

export const encodeProducerIdBlock = (b: ProducerIdBlock): Buffer => utf8({ version: 1, broker: b.broker, block_start: String(b.start), block_end: String(b.end) });

export function decodeProducerIdBlock(data: Buffer | null): ProducerIdBlock | null {
  if (data === null || data.length === 0) return null;
  const { text, o } = object(PRODUCER_ID_BLOCK, data);
  const start = str(PRODUCER_ID_BLOCK, text, o, 'block_start');
  const end = str(PRODUCER_ID_BLOCK, text, o, 'block_end');
  if (!/^\d{1,19}$/.test(start) || !/^\d{1,19}$/.test(end) || BigInt(end) < BigInt(start)) throw new ZnodeFormatError(PRODUCER_ID_BLOCK, 'block_start/block_end are not an id range', text);
  return { broker: int(PRODUCER_ID_BLOCK, text, o, 'broker'), start: BigInt(start), end: BigInt(end) };
}
