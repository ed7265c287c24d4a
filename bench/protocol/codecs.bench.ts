// Hot-path codec costs, as ratios to a plain copy of the same bytes measured in
// the same run: Produce request decode, Fetch and Metadata response encode.
import { defineSuite, measure } from '../harness.js';
import { Writer } from '../../protocol/primitives/writer.js';
import { decodeRequestFrame, encodeRequestFrame, encodeResponseFrame } from '../../protocol/frames.js';
import { encodeRecordBatchSync } from '../../protocol/records/record-batch.js';
import type { TopicName } from '../../protocol/brands.js';

const PARTITIONS = 10;
const BATCH_BYTES = 16 * 1024;

export default defineSuite('protocol/codecs', async (opts) => {
  const batch = encodeRecordBatchSync({ records: Array.from({ length: 16 }, () => ({ value: Buffer.alloc(BATCH_BYTES / 16 - 20, 7) })) });
  const produce = Buffer.concat(
    encodeRequestFrame(new Writer(), { apiKey: 0, apiVersion: 9, correlationId: 1, clientId: 'bench' }, {
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'bench' as TopicName, partitionData: Array.from({ length: PARTITIONS }, (_, i) => ({ index: i, records: batch })) }],
    }),
  ).subarray(4);
  const copyTarget = Buffer.alloc(produce.length);

  const fetchBody = {
    responses: [
      {
        topic: 'bench' as TopicName,
        partitions: Array.from({ length: PARTITIONS }, (_, i) => ({ partitionIndex: i, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, abortedTransactions: [], records: [batch, batch] })),
      },
    ],
  };
  const fetchBytes = PARTITIONS * 2 * batch.length;
  const fetchWriter = new Writer();

  const metadataBody = {
    brokers: [{ nodeId: 0, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'c',
    controllerId: 0,
    topics: Array.from({ length: 100 }, (_, t) => ({
      name: `topic-${t}` as TopicName,
      partitions: Array.from({ length: 10 }, (_, p) => ({ partitionIndex: p, leaderId: 0, leaderEpoch: 1, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] })),
    })),
  };
  const metadataWriter = new Writer();
  const metadataSize = Buffer.concat(encodeResponseFrame(new Writer(), 3, 12, 1, metadataBody as never)).length;
  const metadataCopySrc = Buffer.alloc(metadataSize);
  const metadataCopyDst = Buffer.alloc(metadataSize);

  return measure(
    'protocol/codecs',
    [
      { name: 'copy produce frame (Buffer.copy)', bytes: produce.length, fn: () => produce.copy(copyTarget) },
      { name: 'decode produce v9 10x16KiB (frame)', bytes: produce.length, ref: 'copy produce frame (Buffer.copy)', fn: () => decodeRequestFrame(produce) },
      { name: 'copy fetch records (Buffer.copy)', bytes: fetchBytes, fn: () => { for (let i = 0; i < PARTITIONS * 2; i++) batch.copy(copyTarget, 0); } },
      {
        name: 'encode fetch v12 response, Buffer[] records',
        bytes: fetchBytes,
        ref: 'copy fetch records (Buffer.copy)',
        fn: () => {
          fetchWriter.reset();
          return encodeResponseFrame(fetchWriter, 1, 12, 1, fetchBody);
        },
      },
      { name: 'copy metadata-sized buffer (Buffer.copy)', bytes: metadataSize, fn: () => metadataCopySrc.copy(metadataCopyDst) },
      {
        name: 'encode metadata v12 response, 1000 partitions',
        bytes: metadataSize,
        items: 1000,
        ref: 'copy metadata-sized buffer (Buffer.copy)',
        fn: () => {
          metadataWriter.reset();
          return encodeResponseFrame(metadataWriter, 3, 12, 1, metadataBody as never);
        },
      },
    ],
    opts,
  );
});
