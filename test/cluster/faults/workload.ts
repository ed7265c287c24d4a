/**
 * The fault checker's clients, each logging everything it is told into the
 * run's history: librdkafka producers (idempotent acks=all, plain acks=1)
 * and a librdkafka assign consumer as child processes, kafkajs producers
 * (idempotent acks=all, plain acks=all) and a kafkajs subscribe consumer in
 * this process. Every value is unique: `<producer>:<n>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { PYTHON } from '../../torture/harness/python-clients.js';
import type { Poll, Producer, Send } from './checker.js';
import { knownClientFatal } from './client-limits.js';

const SCRIPTS = fileURLToPath(new URL('../../../../test/cluster/faults/python/', import.meta.url));
const CHILD_EXIT_MS = 90_000;
const CONSUMER = 'rdk-assign';

export interface WorkloadOptions {
  readonly bootstrap: string;
  readonly topic: string;
  readonly partitions: number;
  /** Records per second of each producer. */
  readonly rate: number;
  readonly dir: string;
  /** An upper bound on the run; the clients stop on their own after it. */
  readonly maxSeconds: number;
}

export interface WorkloadResult {
  readonly producers: Producer[];
  readonly sends: Send[];
  readonly polls: Poll[];
  /** Client-side problems that are not anomalies of the log (a child that died, unparsable output). */
  readonly problems: string[];
}

export const PRODUCERS: readonly (Producer & { client: 'librdkafka' | 'kafkajs' })[] = [
  { name: 'rdk-idem', client: 'librdkafka', acks: 'all', idempotent: true },
  { name: 'rdk-acks1', client: 'librdkafka', acks: '1', idempotent: false },
  { name: 'js-idem', client: 'kafkajs', acks: 'all', idempotent: true },
  { name: 'js-all', client: 'kafkajs', acks: 'all', idempotent: false },
];

export class Workload {
  readonly sends: Send[] = [];
  readonly polls: Poll[] = [];
  readonly problems: string[] = [];
  /** Offsets out of range the librdkafka consumer was answered and seeked past (see fault_consumer.py). */
  offsetResets = 0;
  /** Fatal errors that are a client's own known defect (client-limits.ts): the producer was replaced and the run goes on. */
  readonly knownClientFatals: string[] = [];
  private readonly children: Array<{ name: string; child: ChildProcess; exited: Promise<void> }> = [];
  private readonly loops: Promise<void>[] = [];
  private readonly stopFile: string;
  private stopping = false;
  private jsConsumer: Consumer | undefined;

  constructor(private readonly o: WorkloadOptions) {
    this.stopFile = join(o.dir, 'stop-clients');
  }

  kafka(clientId: string): Kafka {
    return new Kafka({ brokers: this.o.bootstrap.split(','), clientId, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 10_000, retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2_000 } });
  }

  async start(): Promise<void> {
    for (const p of PRODUCERS) {
      if (p.client === 'librdkafka') this.pythonProducer(p);
      else this.loops.push(this.kafkajsProducer(p));
    }
    this.pythonConsumer();
    await this.kafkajsConsumer();
  }

  /** Stops the producers; resolves once each has flushed and reported every send. */
  async stopProducers(): Promise<void> {
    this.stopping = true;
    writeFileSync(this.stopFile, '');
    await Promise.all(this.loops);
    await Promise.all(this.children.filter((c) => c.name !== CONSUMER).map((c) => c.exited));
  }

  /** Stops everything at once (a run that failed). */
  async abort(): Promise<void> {
    writeFileSync(this.stopFile + '-consumers', '');
    await this.stopProducers();
    await this.drainConsumers(0, 0);
  }

  result(): WorkloadResult {
    return { producers: PRODUCERS.map(({ name, acks, idempotent }) => ({ name, acks, idempotent })), sends: this.sends, polls: this.polls, problems: this.problems };
  }

  private spawnScript(name: string, script: string, args: string[], onLine: (o: Record<string, unknown>) => void): void {
    const child = spawn(PYTHON, [join(SCRIPTS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => {
      const lines = (rest + b.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line === '') continue;
        let o: Record<string, unknown>;
        try {
          o = JSON.parse(line) as Record<string, unknown>;
        } catch {
          this.problems.push(`${name}: unparsable line ${line.slice(0, 200)}`);
          continue;
        }
        if (typeof o.error === 'string') {
          if (o.fatal !== true) continue;
          const known = knownClientFatal(o.error);
          if (known === null) this.problems.push(`${name}: fatal error ${String(o.code)}: ${o.error}`);
          else this.knownClientFatals.push(`${name}: ${known}: ${o.error}`);
          continue;
        }
        onLine(o);
      }
    });
    // All of it on disk (kept with the history when the run has problems), the tail in memory for the exit report.
    const log = createWriteStream(join(this.o.dir, `${name}.stderr`));
    child.stderr!.on('data', (b: Buffer) => {
      log.write(b);
      stderr = (stderr + b.toString()).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), (this.o.maxSeconds + CHILD_EXIT_MS / 1000) * 1000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        log.end();
        if (code !== 0) this.problems.push(`${name} exited ${code ?? signal}: ${stderr.slice(-1000)}`);
        resolve();
      });
    });
    this.children.push({ name, child, exited });
  }

  private pythonProducer(p: Producer): void {
    const args = [this.o.bootstrap, this.o.topic, p.name, String(this.o.partitions), p.acks, String(p.idempotent), String(this.o.rate), String(this.o.maxSeconds), this.stopFile];
    // An attempt is logged as unknown first; its delivery report, when one comes, settles it.
    const attempts = new Map<string, number>();
    this.spawnScript(p.name, 'fault_producer.py', args, (o) => {
      if (typeof o.a === 'string') {
        attempts.set(o.a, this.sends.length);
        this.sends.push({ producer: p.name, value: o.a, partition: o.p as number, outcome: 'unknown' });
        return;
      }
      if (typeof o.v !== 'string') return;
      const at = attempts.get(o.v);
      const offset = typeof o.o === 'number' && o.o >= 0 ? o.o : undefined;
      // librdkafka acknowledges some retried batches without their offset.
      const sent = { producer: p.name, value: o.v, partition: o.p as number };
      const send: Send = typeof o.err === 'string' ? { ...sent, outcome: 'unknown' } : offset === undefined ? { ...sent, outcome: 'ok' } : { ...sent, outcome: 'ok', offset };
      if (at === undefined) this.sends.push(send);
      else this.sends[at] = send;
    });
  }

  private pythonConsumer(): void {
    const args = [this.o.bootstrap, this.o.topic, String(this.o.partitions), String(this.o.maxSeconds + 60), this.stopFile + '-consumers'];
    this.spawnScript(CONSUMER, 'fault_consumer.py', args, (o) => {
      if (typeof o.v === 'string') this.polls.push({ consumer: CONSUMER, session: 0, partition: o.p as number, offset: o.o as number, value: o.v });
      else if (typeof o.reset === 'number') this.offsetResets++;
    });
  }

  /** Batches of 5 values to one partition, one send at a time, paced to the rate. */
  private async kafkajsProducer(p: Producer): Promise<void> {
    const producer = this.kafka(p.name).producer({ idempotent: p.idempotent, maxInFlightRequests: p.idempotent ? 1 : 5, retry: { retries: p.idempotent ? 20 : 5, initialRetryTime: 100, maxRetryTime: 2_000 } });
    await producer.connect();
    const started = Date.now();
    const deadline = started + this.o.maxSeconds * 1000;
    let n = 0;
    for (let i = 0; i < 10_000_000 && !this.stopping && Date.now() < deadline; i++) {
      const due = Math.floor(((Date.now() - started) / 1000) * this.o.rate);
      if (n >= due) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const partition = Math.floor(n / 5) % this.o.partitions;
      const values = Array.from({ length: 5 }, (_, j) => `${p.name}:${n + j}`);
      n += 5;
      try {
        const [meta] = await producer.send({ topic: this.o.topic, acks: -1, timeout: 10_000, messages: values.map((value) => ({ value, partition })) });
        const base = Number(meta!.baseOffset);
        values.forEach((value, j) => this.sends.push({ producer: p.name, value, partition, outcome: 'ok', offset: base + j }));
      } catch {
        for (const value of values) this.sends.push({ producer: p.name, value, partition, outcome: 'unknown' });
      }
    }
    await producer.disconnect().catch(() => undefined);
  }

  /** A group member from the beginning; its session number moves on every (re)join, since a rebalance may rewind it to a commit. */
  private async kafkajsConsumer(): Promise<void> {
    const consumer = this.kafka('js-subscribe').consumer({ groupId: 'fault-checker', sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, retry: { retries: 100, initialRetryTime: 200, maxRetryTime: 2_000 } });
    this.jsConsumer = consumer;
    let session = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => void session++);
    consumer.on(consumer.events.CRASH, () => void session++);
    await consumer.connect();
    await consumer.subscribe({ topic: this.o.topic, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 1_000,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          this.polls.push({ consumer: 'js-subscribe', session, partition: batch.partition, offset: Number(m.offset), value: m.value?.toString() ?? '' });
          resolveOffset(m.offset);
        }
        await heartbeat().catch(() => undefined);
      },
    });
  }

  /** Tells the consumers to end, once they have read at least `records` each (or the time is up). */
  async drainConsumers(records: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const count = (c: string) => new Set(this.polls.filter((p) => p.consumer === c).map((p) => p.value)).size;
    for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
      if (count('rdk-assign') >= records && count('js-subscribe') >= records) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    writeFileSync(this.stopFile + '-consumers', '');
    await this.jsConsumer?.disconnect().catch(() => undefined);
    await Promise.all(this.children.filter((c) => c.name === CONSUMER).map((c) => c.exited));
  }
}
