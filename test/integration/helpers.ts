/** Shared by the integration suites: brokers, external tools, kafkajs plumbing. */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { codecFor } from '../../protocol/compression/index.js';
import { startTestBroker, type TestBroker } from '../../testing.js';
import type { StartBrokerOptions } from '../../index.js';

export const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = kafkajs;

export const PYTHON = '/usr/bin/python3';

export function hasKcat(): boolean {
  return spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export function hasPythonModule(module: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin. */
export function run(cmd: string, args: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** kafkajs knows only gzip; the protocol layer's codecs fill in snappy, lz4 and zstd. */
export function registerKafkajsCodecs(): void {
  const wrap = (type: number) => () => ({
    compress: (encoder: { buffer: Buffer }) => codecFor(type).compress(encoder.buffer),
    decompress: (buffer: Buffer) => codecFor(type).decompress(buffer),
  });
  const codecs = CompressionCodecs as unknown as Record<number, unknown>;
  codecs[CompressionTypes.Snappy] = wrap(2);
  codecs[CompressionTypes.LZ4] = wrap(3);
  codecs[CompressionTypes.ZSTD] = wrap(4);
}

export function kafkaFor(broker: { bootstrap: string }) {
  return new Kafka({ brokers: [broker.bootstrap], clientId: 'samsa-test', logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
}

export interface FetchedMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
  timestamp: string;
}

/**
 * Reads a partition from `from` to its high watermark with kafkajs's own
 * Fetch and record decoding (kafkajs's consumer needs consumer groups, which
 * this broker does not serve yet).
 */
export async function kafkajsReadPartition(broker: { bootstrap: string }, topic: string, partition: number, from = 0n): Promise<FetchedMessage[]> {
  const kafka = kafkaFor(broker);
  const createCluster = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')!;
  const cluster = (kafka as unknown as Record<symbol, (o: object) => KafkajsCluster>)[createCluster]!({ metadataMaxAge: 60_000, allowAutoTopicCreation: false, maxInFlightRequests: null, isolationLevel: 0 });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const leader = cluster.findTopicPartitionMetadata(topic).find((m) => m.partitionId === partition)?.leader ?? 0;
    const b = await cluster.findBroker({ nodeId: String(leader) });
    const out: FetchedMessage[] = [];
    let offset = from;
    for (;;) {
      const r = await b.fetch({ maxWaitTime: 100, minBytes: 1, maxBytes: 8 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 4 << 20 }] }] });
      const p = r.responses[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw Object.assign(new Error(`fetch error ${p.errorCode}`), { errorCode: p.errorCode });
      const fresh = p.messages.filter((m) => BigInt(m.offset) >= offset);
      for (const m of fresh) out.push({ partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: m.timestamp });
      if (fresh.length > 0) offset = BigInt(fresh[fresh.length - 1]!.offset) + 1n;
      if (offset >= BigInt(p.highWatermark)) return out;
      if (fresh.length === 0) throw new Error(`no progress at offset ${offset} (high watermark ${p.highWatermark})`);
    }
  } finally {
    await cluster.disconnect();
  }
}

interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findBroker(o: { nodeId: string }): Promise<{
    fetch(o: object): Promise<{ responses: Array<{ partitions: Array<{ errorCode: number; highWatermark: string; messages: Array<{ offset: string; key: Buffer | null; value: Buffer | null; headers?: Record<string, Buffer>; timestamp: string }> }> }> }>;
  }>;
}

/** Both placements: everything inline, and partitions on a two-worker pool. */
export const MODES: ReadonlyArray<{ name: string; workers: number }> = [
  { name: 'inline', workers: 0 },
  { name: 'pool', workers: 2 },
];

export function withBroker(options: StartBrokerOptions = {}): Promise<TestBroker> {
  return startTestBroker(options);
}

/** A record as the suites compare them across clients: key, value and headers as text. */
export function recordAt(i: number): { key: string; value: string; header: string } {
  return { key: `key-${i}`, value: `value-${i}-${'x'.repeat(i % 50)}`, header: `h${i % 7}` };
}

/** Codec ids of the batches stored in a partition's segment files, read straight from disk. */
export function storedCodecs(dataDir: string, topic: string, partition = 0): number[] {
  const dir = join(dataDir, `${topic}-${partition}`);
  const codecs: number[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const log = readFileSync(join(dir, name));
    for (let pos = 0; pos + 61 <= log.length && log.readInt32BE(pos + 8) > 0; pos += 12 + log.readInt32BE(pos + 8)) codecs.push(log.readInt16BE(pos + 21) & 7);
  }
  return codecs;
}
