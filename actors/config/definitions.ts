/**
 * Every broker property samsa understands, with Kafka's names and defaults.
 *
 * One table is the source for parsing (files, flags, env, embedding options),
 * for DescribeConfigs (types, defaults, sources, synonyms) and for
 * docs/configuration.md. A property with `topic` set is also a topic-level
 * config: the broker value is the default for every topic without an override.
 */

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

export type ConfigValue = string | number | boolean | string[] | null;

export interface ConfigDef {
  readonly name: string;
  readonly type: ConfigType;
  readonly default: ConfigValue;
  readonly doc: string;
  /** Topic-level name when the property is a per-topic default. */
  readonly topic?: string;
  /** Accepted for server.properties compatibility, no effect on a single node. */
  readonly inert?: boolean;
  /** Allowed values (string enums), compared case-insensitively. */
  readonly oneOf?: readonly string[];
  /** Inclusive bounds of a number (Kafka's atLeast/between); the type's own range when absent. */
  readonly min?: number;
  readonly max?: number;
  /** Lower bound of the topic-level config when Kafka's differs from the broker property's. */
  readonly topicMin?: number;
  /** Changeable at runtime through AlterConfigs on the broker resource. */
  readonly dynamic?: boolean;
}

/** Kafka's Long.MAX_VALUE, kept as a number: policies only compare against it. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
const INT_MAX = 2147483647;

const defs: ConfigDef[] = [
  // identity and network
  { name: 'broker.id', type: 'int', default: 0, doc: 'Id of this broker; also accepted as node.id. -1 in a cluster: generated (broker.id.generation.enable).', min: -1 },
  { name: 'node.id', type: 'int', default: null, doc: 'Synonym of broker.id (KRaft name).', min: 0 },
  { name: 'listeners', type: 'list', default: ['PLAINTEXT://127.0.0.1:9092'], doc: 'Addresses to listen on, comma separated. Port 0 binds an ephemeral port. Only PLAINTEXT.' },
  { name: 'advertised.listeners', type: 'list', default: null, doc: 'Addresses given to clients in Metadata; defaults to the bound listeners.' },
  { name: 'listener.security.protocol.map', type: 'string', default: 'PLAINTEXT:PLAINTEXT', doc: 'Accepted; only PLAINTEXT is served.', inert: true },
  { name: 'socket.request.max.bytes', type: 'int', default: 104857600, doc: 'Largest request frame; a bigger one closes the connection.', min: 1 },
  { name: 'socket.send.buffer.bytes', type: 'int', default: 102400, doc: 'Accepted; the OS default is used.', inert: true },
  { name: 'socket.receive.buffer.bytes', type: 'int', default: 102400, doc: 'Accepted; the OS default is used.', inert: true },
  { name: 'connections.max.idle.ms', type: 'long', default: 600000, doc: 'Idle connections are closed after this long.', min: 1 },
  { name: 'max.connections', type: 'int', default: INT_MAX, doc: 'Connections beyond this are closed at accept.', min: 1 },
  { name: 'max.connections.per.ip', type: 'int', default: INT_MAX, doc: 'Connections from one IP address beyond this are closed at accept.', min: 0 },
  { name: 'queued.max.requests', type: 'int', default: 500, doc: 'Requests decoded and not yet answered, per connection; reading pauses at the limit.', min: 1 },
  { name: 'num.network.threads', type: 'int', default: 3, doc: 'Accepted; samsa has one network loop per process.', inert: true, min: 1 },
  { name: 'num.io.threads', type: 'int', default: 8, doc: 'Accepted; see `workers` for the partition pool.', inert: true, min: 1 },
  { name: 'num.recovery.threads.per.data.dir', type: 'int', default: 1, doc: 'Accepted; logs are recovered when their partition opens.', inert: true, min: 1 },
  // cluster (ZooKeeper mode)
  { name: 'zookeeper.connect', type: 'string', default: null, doc: 'ZooKeeper ensemble `host:port,host:port[/chroot]` of the cluster this broker joins (docs/cluster.md); unset: a single node with no coordination service.' },
  { name: 'zookeeper.connection.timeout.ms', type: 'int', default: 18000, doc: 'How long start-up waits for a ZooKeeper session.', min: 1 },
  { name: 'zookeeper.session.timeout.ms', type: 'int', default: 18000, doc: 'ZooKeeper session timeout: a broker that stops heartbeating for this long leaves the cluster (its registration and, if it is the controller, /controller go).', min: 1 },
  { name: 'inter.broker.listener.name', type: 'string', default: null, doc: 'Listener brokers and the controller reach each other on; unset: the one of security.inter.broker.protocol. Only PLAINTEXT is served.', oneOf: ['PLAINTEXT'] },
  { name: 'security.inter.broker.protocol', type: 'string', default: 'PLAINTEXT', doc: 'Security protocol between brokers; only PLAINTEXT is served.', oneOf: ['PLAINTEXT'] },
  { name: 'controlled.shutdown.enable', type: 'boolean', default: true, doc: 'A stopping cluster broker first asks the controller to move its leaderships away (ControlledShutdown).' },
  { name: 'controlled.shutdown.max.retries', type: 'int', default: 3, doc: 'ControlledShutdown asked again this many times while partitions remain to move.', min: 0 },
  { name: 'controlled.shutdown.retry.backoff.ms', type: 'long', default: 5000, doc: 'Wait between ControlledShutdown attempts.', min: 0 },
  { name: 'auto.leader.rebalance.enable', type: 'boolean', default: true, doc: 'The controller moves leadership back to each partition\'s preferred (first assigned) replica when a broker leads too few of its own (leader.imbalance.per.broker.percentage), every leader.imbalance.check.interval.seconds.' },
  { name: 'leader.imbalance.check.interval.seconds', type: 'long', default: 300, doc: 'How often the controller checks the leader balance (the first check 5 s after it takes over).', min: 1 },
  { name: 'leader.imbalance.per.broker.percentage', type: 'int', default: 10, doc: 'Share of a broker\'s preferred partitions that may be led elsewhere before the automatic rebalance moves them back.' },
  { name: 'broker.rack', type: 'string', default: null, doc: 'Rack of this broker, registered in ZooKeeper and given to clients in Metadata; replica placement spreads over racks.' },
  { name: 'broker.id.generation.enable', type: 'boolean', default: true, doc: 'In a cluster, broker.id=-1 takes an id generated from /brokers/seqid, above reserved.broker.max.id.' },
  { name: 'reserved.broker.max.id', type: 'int', default: 1000, doc: 'Largest broker id that is never generated.', min: 0 },
  // consumer groups
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: 3000, doc: 'How long the first rebalance of an empty group waits for more members to join.', min: 0 },
  { name: 'group.min.session.timeout.ms', type: 'int', default: 6000, doc: 'Smallest session timeout a member may ask for (INVALID_SESSION_TIMEOUT below).', min: 1 },
  { name: 'group.max.session.timeout.ms', type: 'int', default: 1800000, doc: 'Largest session timeout a member may ask for (INVALID_SESSION_TIMEOUT above).', min: 1 },
  { name: 'group.max.size', type: 'int', default: INT_MAX, doc: 'Members per group; a join past it gets GROUP_MAX_SIZE_REACHED.', min: 1 },
  { name: 'offsets.topic.num.partitions', type: 'int', default: 50, doc: 'Partitions of __consumer_offsets; a group lives on abs(hashCode(group id)) % this. Fixed once the topic exists.', min: 1 },
  { name: 'offsets.topic.segment.bytes', type: 'int', default: 104857600, doc: 'segment.bytes of __consumer_offsets when it is created (smaller segments are compacted sooner).', min: 14 },
  { name: 'offsets.retention.minutes', type: 'int', default: 10080, doc: 'Committed offsets of a group without members expire after this long.', min: 1 },
  { name: 'offsets.commit.timeout.ms', type: 'int', default: 5000, doc: 'How long an offset commit waits for the ISR of its __consumer_offsets partition to have it (REQUEST_TIMED_OUT after).', min: 1 },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: 600000, doc: 'How often expired offsets are removed.', min: 1 },
  { name: 'offset.metadata.max.bytes', type: 'int', default: 4096, doc: 'Longest metadata string of an offset commit (OFFSET_METADATA_TOO_LARGE above).', min: 0 },
  { name: 'offsets.topic.replication.factor', type: 'short', default: 3, doc: 'Replication factor of __consumer_offsets in a cluster; its creation waits until this many brokers are registered (a single node: 1).', min: 1 },
  { name: 'replica.high.watermark.checkpoint.interval.ms', type: 'long', default: 5000, doc: 'How often a cluster broker writes its replicas\' high watermarks to replication-offset-checkpoint (a restarted replica starts from them).', min: 1 },
  { name: 'replica.lag.time.max.ms', type: 'long', default: 30000, doc: 'A follower not caught up for this long leaves the ISR (AlterPartition through the controller).', min: 1 },
  { name: 'replica.fetch.wait.max.ms', type: 'int', default: 500, doc: 'How long a follower fetch waits at the leader for new records.', min: 0 },
  { name: 'replica.fetch.min.bytes', type: 'int', default: 1, doc: 'Bytes a follower fetch waits for.', min: 1 },
  { name: 'replica.fetch.max.bytes', type: 'int', default: 1048576, doc: 'Bytes a follower fetch asks per partition (one batch always).', min: 0 },
  { name: 'replica.fetch.response.max.bytes', type: 'int', default: 10485760, doc: 'Bytes a follower fetch asks in all.', min: 0 },
  { name: 'replica.fetch.backoff.ms', type: 'int', default: 1000, doc: 'Pause of a follower fetcher after an error.', min: 0 },
  { name: 'transaction.state.log.replication.factor', type: 'short', default: 3, doc: 'Accepted.', inert: true, min: 1 },
  { name: 'transaction.state.log.min.isr', type: 'int', default: 2, doc: 'Accepted.', inert: true, min: 1 },
  { name: 'delete.topic.enable', type: 'boolean', default: true, doc: 'DeleteTopics is refused (TOPIC_DELETION_DISABLED) when false.' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: true, doc: 'Metadata and Produce for an unknown topic create it.' },
  { name: 'num.partitions', type: 'int', default: 1, doc: 'Partitions of auto-created topics and of CreateTopics with -1.', min: 1 },
  { name: 'default.replication.factor', type: 'short', default: 1, doc: 'Replication factor of auto-created topics and of CreateTopics with -1; a single node serves 1 only.', min: 1 },
  { name: 'fetch.max.bytes', type: 'int', default: 57671680, doc: 'Upper bound on a Fetch response, whatever the client asks.', min: 1024 },
  { name: 'max.incremental.fetch.session.cache.slots', type: 'int', default: 1000, doc: 'Incremental fetch sessions (KIP-227) kept, each holding the partitions of one fetcher; when full, a stale session (unused 120 s) or an older one with fewer partitions gives way, else the fetcher gets the sessionless answer (session id 0). 0 disables sessions.', min: 0 },
  { name: 'producer.id.expiration.ms', type: 'int', default: 86400000, doc: 'Idle producer state is dropped after this long.', min: 1 },
  { name: 'log.dirs', type: 'list', default: null, doc: 'Data directory (one is used). Default: log.dir.' },
  { name: 'log.dir', type: 'string', default: './.samsa-data', doc: 'Data directory when log.dirs is unset.' },
  // log: per-topic defaults
  { name: 'log.segment.bytes', type: 'int', default: 1073741824, doc: 'Segment size before rolling.', topic: 'segment.bytes', min: 14, dynamic: true },
  { name: 'log.roll.hours', type: 'int', default: 168, doc: 'Segment age before rolling (log.roll.ms wins).', min: 1 },
  { name: 'log.roll.ms', type: 'long', default: null, doc: 'Segment age before rolling.', topic: 'segment.ms', min: 1, dynamic: true },
  { name: 'log.roll.jitter.ms', type: 'long', default: 0, doc: 'Accepted.', topic: 'segment.jitter.ms', min: 0, dynamic: true },
  { name: 'log.retention.hours', type: 'int', default: 168, doc: 'Retention time (minutes/ms win).' },
  { name: 'log.retention.minutes', type: 'int', default: null, doc: 'Retention time (log.retention.ms wins).' },
  { name: 'log.retention.ms', type: 'long', default: null, doc: 'Retention time; -1 keeps forever. The topic config is at least -1; a negative broker value (ms, minutes or hours) means -1, as in Kafka.', topic: 'retention.ms', topicMin: -1, dynamic: true },
  { name: 'log.retention.bytes', type: 'long', default: -1, doc: 'Retention size per partition; any negative value means unbounded.', topic: 'retention.bytes', dynamic: true },
  { name: 'log.retention.check.interval.ms', type: 'long', default: 300000, doc: 'How often retention runs.', min: 1 },
  { name: 'log.cleanup.policy', type: 'list', default: ['delete'], doc: 'delete (retention), compact (the log cleaner keeps the latest record per key; keyless records refused with INVALID_RECORD), or both.', topic: 'cleanup.policy', oneOf: ['compact', 'delete'], dynamic: true },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', default: 86400000, doc: 'How long a tombstone stays after the newest record of its segment: a consumer reading from the start within it sees the delete.', topic: 'delete.retention.ms', min: 0, dynamic: true },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: 0.5, doc: 'A compacted log is cleaned once its dirty bytes (written since the last cleaning) are this share of its cleanable bytes.', topic: 'min.cleanable.dirty.ratio', min: 0, max: 1, dynamic: true },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: 0, doc: 'A segment with records newer than this is not cleaned yet.', topic: 'min.compaction.lag.ms', min: 0, dynamic: true },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX, doc: 'A dirty record older than this gets its log cleaned whatever the dirty ratio.', topic: 'max.compaction.lag.ms', min: 1, dynamic: true },
  { name: 'log.cleaner.enable', type: 'boolean', default: true, doc: 'Runs the log cleaner, which compacts logs with cleanup.policy=compact (the offsets topic among them).' },
  { name: 'log.cleaner.threads', type: 'int', default: 1, doc: 'Cleaner threads: logs cleaned at once, each on a thread of its own off the event loop; 0 runs no cleaner.', min: 0 },
  { name: 'log.cleaner.dedupe.buffer.size', type: 'long', default: 134217728, doc: 'Memory for the key -> offset maps, shared by the cleaner threads; a log with more dirty keys is cleaned in passes.', min: 1048576 },
  { name: 'log.cleaner.backoff.ms', type: 'long', default: 15000, doc: 'How often the cleaner looks for a log to clean (at least every millisecond).', min: 0 },
  { name: 'log.cleaner.io.max.bytes.per.second', type: 'double', default: 1.7976931348623157e308, doc: 'Bytes read plus written per second per cleaner thread; the cleaner sleeps when ahead (0: no limit).', min: 0 },
  { name: 'log.cleaner.io.buffer.size', type: 'int', default: 524288, doc: 'Accepted; segments are read in 1 MiB chunks.', inert: true, min: 0 },
  { name: 'log.cleaner.io.buffer.load.factor', type: 'double', default: 0.9, doc: 'Accepted; the key map is bounded by bytes, not by a load factor.', inert: true, min: 0, max: 1 },
  { name: 'log.segment.delete.delay.ms', type: 'long', default: 60000, doc: 'Accepted; deleted segments are removed at once.', topic: 'file.delete.delay.ms', min: 0, dynamic: true },
  { name: 'log.index.size.max.bytes', type: 'int', default: 10485760, doc: 'Preallocated index size.', topic: 'segment.index.bytes', min: 4, dynamic: true },
  { name: 'log.index.interval.bytes', type: 'int', default: 4096, doc: 'Bytes between index entries.', topic: 'index.interval.bytes', min: 0, dynamic: true },
  { name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX, doc: 'Flush after this many messages.', topic: 'flush.messages', min: 1, dynamic: true },
  { name: 'log.flush.interval.ms', type: 'long', default: null, doc: 'Flush after this long (default: log.flush.scheduler.interval.ms).', topic: 'flush.ms', min: 0, dynamic: true },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX, doc: 'Accepted.' },
  { name: 'log.preallocate', type: 'boolean', default: false, doc: 'Accepted.', topic: 'preallocate', dynamic: true },
  { name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', doc: 'CreateTime or LogAppendTime.', topic: 'message.timestamp.type', oneOf: ['CreateTime', 'LogAppendTime'], dynamic: true },
  { name: 'log.message.timestamp.before.max.ms', type: 'long', default: LONG_MAX, doc: 'Accepted.', topic: 'message.timestamp.before.max.ms', min: 0, dynamic: true },
  { name: 'log.message.timestamp.after.max.ms', type: 'long', default: LONG_MAX, doc: 'Accepted.', topic: 'message.timestamp.after.max.ms', min: 0, dynamic: true },
  { name: 'message.max.bytes', type: 'int', default: 1048588, doc: 'Largest record batch accepted.', topic: 'max.message.bytes', min: 0, dynamic: true },
  { name: 'compression.type', type: 'string', default: 'producer', doc: 'producer stores batches as the producer compressed them; uncompressed, gzip, snappy, lz4 or zstd recompress every produced batch to that codec before it is stored.', topic: 'compression.type', oneOf: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'], dynamic: true },
  { name: 'min.insync.replicas', type: 'int', default: 1, doc: 'acks=-1 produce is refused (NOT_ENOUGH_REPLICAS) while the ISR is smaller; a single node is always in sync.', topic: 'min.insync.replicas', min: 1, dynamic: true },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: false, doc: 'false: a partition whose ISR is all down stays offline until an ISR member returns. true: the controller elects a live replica outside the ISR instead, losing what only the ISR had (a cluster; a single node has one replica).', topic: 'unclean.leader.election.enable', dynamic: true },
  { name: 'log.message.downconversion.enable', type: 'boolean', default: true, doc: 'Fetch v0-v3 (clients of message format 0/1) are served stored batches converted to their format; false answers them UNSUPPORTED_VERSION.', topic: 'message.downconversion.enable', dynamic: true },
  // samsa's own
  {
    name: 'message.decompressed.max.bytes',
    type: 'int',
    default: 268435456,
    doc: 'samsa only: largest decompressed payload of a compressed record batch on produce. The broker decompresses compressed batches to check their records; one that would decompress to more is refused with MESSAGE_TOO_LARGE before that much is produced.',
    topic: 'message.decompressed.max.bytes',
    min: 0,
    dynamic: true,
  },
  {
    name: 'log.cleaner.thread.nice',
    type: 'int',
    default: 10,
    doc: 'samsa only: the nice value of the log cleaner threads (Linux). Above 0 they yield the CPU to the threads answering produce and fetch when both want it, and run at full speed when those are idle; 0 runs them at the broker\'s priority.',
    min: 0,
    max: 19,
  },
  {
    name: 'samsa.http.listener',
    type: 'string',
    default: null,
    doc: 'HTTP address of the metrics endpoint (/metrics), the admin API (/api) and the web console (/), e.g. http://127.0.0.1:9644; unset: no HTTP listener. Port 0 binds an ephemeral port.',
  },
  { name: 'samsa.metrics.enable', type: 'boolean', default: true, doc: 'Record request, topic, log and group metrics; false leaves the request path uninstrumented (request, topic and connection counters stay at 0; gauges computed at scrape time are still served).' },
  { name: 'workers', type: 'int', default: 0, doc: 'Worker threads hosting partition actors; 0 runs everything on the main thread.', min: 0 },
];

export const BROKER_CONFIGS: ReadonlyMap<string, ConfigDef> = new Map(defs.map((d) => [d.name, d]));

/** Topic-level name -> broker-level definition. */
export const TOPIC_CONFIGS: ReadonlyMap<string, ConfigDef> = new Map(
  defs.filter((d) => d.topic !== undefined).map((d) => [d.topic!, d]),
);
