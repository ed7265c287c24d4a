/**
 * The librdkafka clients the torture suites drive (confluent_kafka under the
 * system Python, which has it; a pyenv `python3` on PATH may not).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Ack } from './read-back.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPTS = fileURLToPath(new URL('../../../../test/torture/python/', import.meta.url));
/** A producer that ignores SIGTERM this long is killed. */
const PRODUCER_EXIT_MS = 10_000;

export function hasConfluentKafka(): boolean {
  return spawnSync(PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;
}

export interface ProducerRun {
  readonly acks: Ack[];
  /** Last committed offset per partition, as acknowledged by the broker. */
  readonly commits: Map<number, number>;
  readonly deliveryErrors: number;
  readonly stderr: string;
}

export interface AckedProducer {
  /** Acks reported so far. */
  readonly ackCount: number;
  /** SIGTERM: the script reports what it has and exits. */
  stop(): Promise<ProducerRun>;
  /** Resolves when the script ended on its own. */
  readonly done: Promise<ProducerRun>;
}

export function startAckedProducer(bootstrap: string, topic: string, tag: string, opts: { seconds: number; recordsPerSecond: number; group?: string | undefined }): AckedProducer {
  const args = [SCRIPTS + 'acked_producer.py', bootstrap, topic, tag, String(opts.seconds), String(opts.recordsPerSecond), ...(opts.group ? [opts.group] : [])];
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
  const commits = new Map<number, number>();
  let errors = 0;
  let rest = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    const lines = (rest + b.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const f = line.split(' ');
      if (f[0] === 'A') acks.push({ partition: Number(f[1]), offset: Number(f[2]), value: Buffer.from(f[3] ?? '', 'hex') });
      else if (f[0] === 'C') commits.set(Number(f[1]), Math.max(commits.get(Number(f[1])) ?? -1, Number(f[2])));
      else if (f[0] === 'E') errors = Number(f[1]);
    }
  });
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-16_384)));
  const done = new Promise<ProducerRun>((resolve) => child.once('close', () => resolve({ acks, commits, deliveryErrors: errors, stderr })));
  return {
    get ackCount() {
      return acks.length;
    },
    done,
    stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), PRODUCER_EXIT_MS);
        void done.then(() => clearTimeout(timer));
      }
      return done;
    },
  };
}

export interface ClientReadBack {
  /** value by offset, per partition */
  readonly values: Map<number, Map<number, Buffer>>;
  readonly ends: Map<number, number>;
  readonly errors: string[];
  readonly pending: number;
}

/** Reads every partition from the beginning with librdkafka, CRC checks on. */
export function readBackWithLibrdkafka(bootstrap: string, topic: string, partitions: number, seconds = 30): Promise<ClientReadBack> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPTS + 'read_back.py', bootstrap, topic, String(partitions), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-16_384)));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const values = new Map<number, Map<number, Buffer>>();
      const ends = new Map<number, number>();
      const errors: string[] = [];
      let pending = -1;
      for (const line of Buffer.concat(out).toString().split('\n')) {
        const f = line.split(' ');
        if (f[0] === 'R') {
          let m = values.get(Number(f[1]));
          if (!m) values.set(Number(f[1]), (m = new Map()));
          m.set(Number(f[2]), Buffer.from(f[3] ?? '', 'hex'));
        } else if (f[0] === 'END') ends.set(Number(f[1]), Number(f[2]));
        else if (f[0] === 'X') errors.push(line.slice(2));
        else if (f[0] === 'PENDING') pending = Number(f[1]);
      }
      if (code !== 0) errors.push(`read_back.py exited ${code}: ${stderr}`);
      resolve({ values, ends, errors, pending });
    });
  });
}
