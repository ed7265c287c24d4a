/**
 * A well-behaved client running beside the abuse: kafkajs producing with
 * acks=all in a loop, remembering what was acknowledged so it can be read
 * back, and measuring its own throughput.
 */
import kafkajs from 'kafkajs';
import type { Ack } from '../harness/read-back.js';

const { Kafka, logLevel } = kafkajs;

export interface GoodProducerReport {
  readonly acks: Ack[];
  readonly failures: string[];
  readonly elapsedMs: number;
  /** acknowledged records per second */
  readonly recordsPerSecond: number;
}

export interface GoodProducer {
  stop(): Promise<GoodProducerReport>;
}

/** Sends batches of `batchRecords` until stopped (or `maxBatches`). */
export async function startGoodProducer(bootstrap: string, topic: string, opts: { batchRecords?: number; valueBytes?: number; maxBatches?: number } = {}): Promise<GoodProducer> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'good-producer', logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 }, requestTimeout: 30_000 });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const acks: Ack[] = [];
  const failures: string[] = [];
  let running = true;
  const batchRecords = opts.batchRecords ?? 50;
  const pad = 'g'.repeat(opts.valueBytes ?? 100);
  const t0 = Date.now();
  let t1 = t0;
  const loop = (async () => {
    for (let batch = 0; running && batch < (opts.maxBatches ?? Infinity); batch++) {
      const values = Array.from({ length: batchRecords }, (_, i) => Buffer.from(`${batch}:${i}:${pad}`));
      try {
        const res = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition: 0 })) });
        const base = Number(res[0]!.baseOffset);
        values.forEach((value, i) => acks.push({ partition: 0, offset: base + i, value }));
      } catch (err) {
        failures.push((err as Error).message);
        if (failures.length > 20) break;
      }
      t1 = Date.now();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await producer.disconnect().catch(() => undefined);
      const elapsedMs = Math.max(1, t1 - t0);
      return { acks, failures, elapsedMs, recordsPerSecond: Math.round((acks.length * 1000) / elapsedMs) };
    },
  };
}
