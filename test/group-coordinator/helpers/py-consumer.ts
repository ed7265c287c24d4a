/**
 * A confluent-kafka (librdkafka) consumer in its own Python process
 * (python/consumer.py), seen through the events it prints: assignments,
 * revocations, records, commits, librdkafka's group statistics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../../integration/helpers.js';

const SCRIPT = fileURLToPath(new URL('../../../../test/group-coordinator/python/consumer.py', import.meta.url));
const WAIT_MS_DEFAULT = 20_000;
const STDERR_KEEP_CHARS = 16_384;

export type TopicPartition = [topic: string, partition: number];

export type PyEvent =
  | { ev: 'started' }
  | { ev: 'assign' | 'revoke' | 'lost'; partitions: TopicPartition[] }
  | { ev: 'records'; records: [topic: string, partition: number, offset: number, value: string][] }
  | { ev: 'committed'; offsets: [topic: string, partition: number, offset: number][] }
  | { ev: 'commit_failed' | 'error'; error: string }
  | { ev: 'stats'; state: string; join_state: string; rebalance_cnt: number }
  | { ev: 'closed' };

export interface PyConsumerSettings {
  group: string;
  topics: string[];
  /** librdkafka properties over the script's quick defaults */
  config?: Record<string, string | number | boolean>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export class PyConsumer {
  readonly events: PyEvent[] = [];
  readonly exited: Promise<void>;
  private stderr = '';
  private waiters = new Set<() => void>();

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    let buffered = '';
    child.stdout!.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('{')) this.events.push(JSON.parse(line) as PyEvent);
      }
      for (const w of this.waiters) w();
    });
    child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-STDERR_KEEP_CHARS)));
    child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', () => {
        resolve();
        for (const w of this.waiters) w();
      });
    });
  }

  /** Starts a consumer; the test's teardown kills it if it is still running. */
  static start(t: Teardown, name: string, bootstrap: string, settings: PyConsumerSettings): PyConsumer {
    const config = { 'client.id': name, ...settings.config };
    const child = spawn(PYTHON, [SCRIPT, bootstrap, JSON.stringify({ ...settings, config })], { stdio: ['pipe', 'pipe', 'pipe'] });
    const c = new PyConsumer(name, child);
    t.teardown(() => c.kill());
    return c;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `cond` holds over the events so far; rejects after `timeoutMs` or when the process dies first. */
  waitFor(what: string, cond: (c: PyConsumer) => boolean, timeoutMs = WAIT_MS_DEFAULT): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (cond(this)) return done();
        if (!this.alive) done(new Error(`${this.name} exited while waiting for ${what}\n${this.stderr}`));
      };
      const timer = setTimeout(() => done(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}; last events ${JSON.stringify(this.events.slice(-5))}\n${this.stderr}`)), timeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  send(command: 'commit' | 'close' | 'exit'): void {
    this.child.stdin!.write(command + '\n');
  }

  /** Commits the consumed positions and returns them, or throws the commit's error. */
  async commit(): Promise<[string, number, number][]> {
    const before = this.events.length;
    this.send('commit');
    await this.waitFor('commit', () => this.events.slice(before).some((e) => e.ev === 'committed' || e.ev === 'commit_failed'));
    const e = this.events.slice(before).find((e) => e.ev === 'committed' || e.ev === 'commit_failed')!;
    if (e.ev === 'commit_failed') throw new Error(`${this.name}: commit failed: ${e.error}`);
    return (e as { offsets: [string, number, number][] }).offsets;
  }

  /** Leaves the group and exits. */
  async close(): Promise<void> {
    this.send('close');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, WAIT_MS_DEFAULT)))]);
    clearTimeout(timer);
    await this.kill();
  }

  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The partitions the consumer owns now: assignments add, revocations and losses remove (eager and incremental alike). */
  owned(): number[] {
    const owned = new Set<number>();
    for (const e of this.events) {
      if (e.ev === 'assign') for (const [, p] of e.partitions) owned.add(p);
      else if (e.ev === 'revoke' || e.ev === 'lost') for (const [, p] of e.partitions) owned.delete(p);
    }
    return [...owned].sort((a, b) => a - b);
  }

  /** Number of assignment callbacks so far (each completed rebalance that reached this member). */
  assignCount(): number {
    return this.events.filter((e) => e.ev === 'assign').length;
  }

  /** Values of the records consumed so far, in order of arrival. */
  values(): string[] {
    return this.events.flatMap((e) => (e.ev === 'records' ? e.records.map((r) => r[3]) : []));
  }

  rebalanceCount(): number | null {
    const last = this.events.findLast((e) => e.ev === 'stats') as { rebalance_cnt: number } | undefined;
    return last?.rebalance_cnt ?? null;
  }

  /**
   * Steady, and librdkafka's statistics (every 200 ms) have caught up with the
   * callbacks: its rebalance count counts every assign and revoke callback.
   */
  settled(): boolean {
    const callbacks = this.events.filter((e) => e.ev === 'assign' || e.ev === 'revoke').length;
    return this.joinState() === 'steady' && this.rebalanceCount() === callbacks;
  }

  /** librdkafka's consumer group state, e.g. 'up' with join state 'steady' */
  joinState(): string | null {
    const last = this.events.findLast((e) => e.ev === 'stats') as { join_state: string } | undefined;
    return last?.join_state ?? null;
  }
}

/** True when the consumers' current assignments cover partitions 0..n-1 exactly once. */
export function ownedExactlyOnce(consumers: readonly PyConsumer[], partitions: number): boolean {
  const all = consumers.flatMap((c) => c.owned()).sort((a, b) => a - b);
  return JSON.stringify(all) === JSON.stringify(Array.from({ length: partitions }, (_, i) => i));
}

/** Waits until `cond` holds, polling; rejects after `timeoutMs`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS_DEFAULT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
