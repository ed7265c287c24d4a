// A lean Kafka client over the protocol layer: a pipelined connection, cluster
// metadata and admin calls, a producer of pre-encoded batches, a group-less
// consumer. What samsa's perf and console tools are built on.
export { KafkaConnection, ConnectionClosedError, RequestTimeoutError, type ConnectionOptions, type FrameDecoder } from './connection.js';
export { FrameAssembler, FrameTooLargeError, DEFAULT_MAX_FRAME_BYTES } from './frame-assembler.js';
export { Cluster, parseBootstrap, LATEST_TIMESTAMP, EARLIEST_TIMESTAMP, type BrokerAddress, type ClusterOptions, type TopicLayout } from './cluster.js';
export { LeanProducer, type Acks, type ProducerOptions, type PartitionRecords, type PartitionAck } from './producer.js';
export { LeanConsumer, decodeFetched, type ConsumerOptions, type FetchedPartition } from './consumer.js';
export { PreEncodedBatch, perfPayload, recordsPerBatch, type PreEncodedBatchOptions } from './pre-encoded-batch.js';
export { crc32cCombine, crcShiftOperator, multModP } from './crc32c-combine.js';
export { BrokerError } from './errors.js';
export { CLIENT_VERSIONS, UnsupportedApiError, negotiateVersions, type VersionRange } from './versions.js';
