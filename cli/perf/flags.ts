// The perf tools' flags, named as in Kafka's kafka-producer-perf-test and
// kafka-consumer-perf-test where they have a counterpart.
import type { FlagSpecs } from './args.js';

const COMMON = {
  bootstrap: { type: 'string', default: '127.0.0.1:9092', help: 'broker host:port[,host:port]' },
  topic: { type: 'string', default: 'samsa-perf', help: 'topic to use' },
  'num-records': { type: 'int', default: 100_000, min: 1, help: 'records to send / consume' },
  partitions: { type: 'int', default: 1, min: 1, help: 'partitions to create the topic with when it is missing' },
  'timeout-ms': { type: 'int', default: 300_000, min: 1, help: 'stop the run after this long whatever is left' },
  'progress-ms': { type: 'int', default: 5000, min: 0, help: 'a progress line this often (0: none)' },
  json: { type: 'bool', default: false, help: 'print the summary as one JSON object' },
} as const satisfies FlagSpecs;

const PRODUCER = {
  'record-size': { type: 'int', default: 100, min: 0, help: 'bytes of each record value' },
  throughput: { type: 'number', default: -1, help: 'target records/s (-1: as fast as acks return)' },
  acks: { type: 'string', default: '1', choices: ['0', '1', '-1', 'all'], help: 'acks per produce request' },
  'batch-records': { type: 'int', default: 0, min: 0, help: 'records per batch (0: as many as fit --batch-bytes)' },
  'batch-bytes': { type: 'int', default: 16384, min: 64, help: 'batch size in bytes, as batch.size' },
  'request-partitions': { type: 'int', default: 1, min: 1, help: 'partitions (one batch each) per produce request' },
  compression: { type: 'string', default: 'none', choices: ['none', 'gzip', 'snappy', 'lz4', 'zstd'], help: 'batch compression (compressed once per distinct batch)' },
  'warmup-records': { type: 'int', default: 0, min: 0, help: 'records sent first and left out of the figures (JIT warm-up)' },
  'max-in-flight': { type: 'int', default: 5, min: 1, help: 'produce requests in flight per run' },
} as const satisfies FlagSpecs;

const CONSUMER = {
  'fetch-bytes': { type: 'int', default: 1024 * 1024, min: 1, help: 'max bytes per partition per fetch (max.partition.fetch.bytes)' },
  'fetch-max-bytes': { type: 'int', default: 50 * 1024 * 1024, min: 1, help: 'max bytes per fetch response (fetch.max.bytes)' },
  'fetch-max-wait-ms': { type: 'int', default: 500, min: 0, help: 'long-poll wait (fetch.max.wait.ms)' },
  'fetch-min-bytes': { type: 'int', default: 1, min: 0, help: 'long-poll minimum (fetch.min.bytes)' },
  'idle-ms': { type: 'int', default: 10_000, min: 1, help: 'stop when no record arrived for this long (as the consumer perf tool\'s --timeout)' },
  from: { type: 'string', default: 'earliest', choices: ['earliest', 'latest'], help: 'where to start reading' },
} as const satisfies FlagSpecs;

export const PRODUCE_FLAGS = { ...COMMON, ...PRODUCER } as const satisfies FlagSpecs;
export const CONSUME_FLAGS = { ...COMMON, ...CONSUMER } as const satisfies FlagSpecs;
export const E2E_FLAGS = { ...COMMON, ...PRODUCER, ...CONSUMER, throughput: { ...PRODUCER.throughput, default: 10_000 } } as const satisfies FlagSpecs;

export const COMPRESSION_IDS: Readonly<Record<string, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export function parseAcks(s: string): -1 | 0 | 1 {
  return s === 'all' || s === '-1' ? -1 : s === '0' ? 0 : 1;
}
