/**
 * message.decompressed.max.bytes end to end: a compressed batch with a valid
 * CRC, under message.max.bytes, that decompresses to gigabytes is answered
 * MESSAGE_TOO_LARGE for its partition, quickly, while the other partitions
 * of the same request, the next requests and other connections are served.
 * Inline and with partitions on a pool of 2 workers.
 */
import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CompressionType, crc32c, encodeRecordBatchSync, ErrorCode, type TopicName } from '../../protocol/index.js';
import { startTestBroker, type TestBroker } from '../../testing.js';
import { createTopic } from '../torture/harness/admin.js';
import { WireClient } from '../torture/harness/wire.js';

const KiB = 1 << 10;
const MiB = 1 << 20;
const MESSAGE_MAX_BYTES = 1048588;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A zstd frame by hand: no content size, 128 KiB window, RLE blocks of 128 KiB (4 bytes each) filling about `bytes`. */
function zstdRleBomb(bytes: number): Buffer {
  const blocks = Math.floor((bytes - 6) / 4);
  const out = Buffer.alloc(6 + blocks * 4);
  out.writeUInt32LE(0xfd2fb528, 0);
  out[5] = 0x38;
  for (let i = 0; i < blocks; i++) out.writeUIntLE((i === blocks - 1 ? 1 : 0) | (1 << 1) | ((128 * KiB) << 3), 6 + i * 4, 3);
  return out;
}

/** `batch` with its records section replaced by `payload`; length and CRC made valid. */
function withPayload(batch: Buffer, payload: Buffer): Buffer {
  const out = Buffer.concat([batch.subarray(0, 61), payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeUInt32BE(crc32c(out, 21, out.length) >>> 0, 17);
  return out;
}

function zstdBatch(value: Buffer): Buffer {
  return encodeRecordBatchSync({ records: [{ key: Buffer.from('k'), value }], compression: CompressionType.Zstd });
}

interface PartitionAnswer {
  index: number;
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
}

async function produce(c: WireClient, topic: string, batches: ReadonlyArray<readonly [number, Buffer]>): Promise<PartitionAnswer[]> {
  const res = await c.request(0, 9, {
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic as TopicName, partitionData: batches.map(([index, records]) => ({ index, records })) }],
  });
  return res.responses[0]!.partitionResponses as unknown as PartitionAnswer[];
}

for (const workers of [0, 2]) {
  const where = workers === 0 ? 'inline' : `on a pool of ${workers} workers`;

  test.serial(`${where}: a zstd bomb batch gets MESSAGE_TOO_LARGE for its partition; the rest of the request, the next one and other connections are served`, async (t) => {
    const broker: TestBroker = await startTestBroker({ workers });
    t.teardown(() => broker.stop());
    await createTopic(broker.port, 'bombs', 2);
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());
    const bystander = await WireClient.connect(broker.port);
    t.teardown(() => bystander.close());

    const bomb = withPayload(zstdBatch(Buffer.from('x')), zstdRleBomb(MESSAGE_MAX_BYTES - 61 - 64));
    t.true(bomb.length <= MESSAGE_MAX_BYTES, `bomb batch of ${bomb.length} bytes`);
    const normal = zstdBatch(Buffer.from('a normal compressed record '.repeat(100)));

    // The broker (and its workers) run in this process: its RSS is theirs.
    gc();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const [p0, p1] = await produce(c, 'bombs', [
      [0, bomb],
      [1, normal],
    ]);
    const ms = performance.now() - started;
    const grew = process.memoryUsage().rss - rssBefore;
    t.log(`${where}: bomb of ${bomb.length} bytes (32 GiB decompressed) answered in ${ms.toFixed(0)} ms, RSS +${(grew / MiB).toFixed(1)} MiB: ${p0!.errorMessage}`);
    // Generous: the request itself and the bomb's copies (socket, structured clone to a worker) are a few MiB.
    t.true(grew < 64 * MiB, `RSS grew by ${grew} bytes`);
    t.is(p0!.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    t.regex(p0!.errorMessage ?? '', /zstd payload decompresses to more than message\.decompressed\.max\.bytes \(268435456\)/);
    t.is(p1!.errorCode, 0);
    t.is(p1!.baseOffset, 0n);

    // The bystander is served, and so is the next request on the same connection; nothing of the bomb was stored.
    const meta = await bystander.request(3, 1, { topics: null });
    t.true(meta.topics.some((x) => x.name === 'bombs'));
    const [again] = await produce(c, 'bombs', [[0, normal]]);
    t.is(again!.errorCode, 0);
    t.is(again!.baseOffset, 0n);

    // Broken compressed data is still CORRUPT_MESSAGE, not a size refusal.
    const [garbage] = await produce(c, 'bombs', [[0, withPayload(normal, Buffer.from('not zstd at all'))]]);
    t.is(garbage!.errorCode, ErrorCode.CORRUPT_MESSAGE);
  });

  test.serial(`${where}: message.decompressed.max.bytes is a topic config, and a batch just over it is refused while one under it is stored`, async (t) => {
    const broker: TestBroker = await startTestBroker({ workers });
    t.teardown(() => broker.stop());
    await createTopic(broker.port, 'capped', 1, { 'message.decompressed.max.bytes': String(64 * KiB) });
    await createTopic(broker.port, 'default', 1);
    const c = await WireClient.connect(broker.port);
    t.teardown(() => c.close());
    // ~100 KiB of records compressing to a few KiB: over the topic's 64 KiB, far under the broker's 256 MiB.
    const big = zstdBatch(Buffer.alloc(100 * KiB, 7));
    const small = zstdBatch(Buffer.alloc(10 * KiB, 7));
    t.true(big.length < 4 * KiB);
    const [over] = await produce(c, 'capped', [[0, big]]);
    t.is(over!.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    t.regex(over!.errorMessage ?? '', /\(65536\)/);
    const [under] = await produce(c, 'capped', [[0, small]]);
    t.is(under!.errorCode, 0);
    const [elsewhere] = await produce(c, 'default', [[0, big]]);
    t.is(elsewhere!.errorCode, 0);

    // Raised at runtime on the topic: the partitions take the new value.
    const alter = await c.request(33, 1, {
      resources: [{ resourceType: 2, resourceName: 'capped', configs: [{ name: 'message.decompressed.max.bytes', value: String(MiB) }] }],
      validateOnly: false,
    });
    t.is(alter.responses[0]!.errorCode, 0);
    const [after] = await produce(c, 'capped', [[0, big]]);
    t.is(after!.errorCode, 0);
  });
}
