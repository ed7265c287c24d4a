/** Bulk data for the slow-client scenarios, written with large produce requests. */
import { encodeRecordBatchSync, type TopicName } from '../../../protocol/index.js';
import { WireClient } from '../harness/wire.js';

export async function fillTopic(port: number, topic: string, bytes: number, batchBytes = 256 << 10): Promise<void> {
  const c = await WireClient.connect(port);
  try {
    const valueBytes = 16 << 10;
    const perBatch = Math.max(1, Math.floor(batchBytes / valueBytes));
    for (let written = 0; written < bytes; written += perBatch * valueBytes) {
      const records = encodeRecordBatchSync({ records: Array.from({ length: perBatch }, (_, i) => ({ value: Buffer.alloc(valueBytes, i) })), compression: 0 });
      const res = await c.request(0, 9, { acks: -1, timeoutMs: 10_000, topicData: [{ name: topic as TopicName, partitionData: [{ index: 0, records }] }] });
      const code = res.responses[0]!.partitionResponses[0]!.errorCode;
      if (code !== 0) throw new Error(`fill ${topic}: produce error ${code}`);
    }
  } finally {
    c.close();
  }
}
