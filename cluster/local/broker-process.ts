/**
 * A broker in its own process (`samsa start`), so a test or a local cluster
 * can SIGKILL it, pause it, read its RSS, and see whether it died on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
/** Enough of the broker's stderr to explain a failure, never unbounded. */
const STDERR_KEEP_BYTES = 64 << 10;

export interface BrokerProcessOptions {
  readonly dataDir: string;
  /** Listener port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Listener address (default 127.0.0.1), advertised as it is. */
  readonly host?: string;
  /** Broker properties, passed as --override. */
  readonly overrides?: Readonly<Record<string, string | number | boolean>>;
  readonly workers?: number;
  /** Command and arguments put before `node` (e.g. prlimit). */
  readonly wrap?: readonly string[];
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Run as this user and group (root can then be denied by file modes). */
  readonly uid?: number;
  readonly gid?: number;
  /** Every line of stderr also appended here, each start marked: the whole story of a broker restarted many times. */
  readonly stderrFile?: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class BrokerProcess {
  private exitInfo: Exit | null = null;
  readonly exited: Promise<Exit>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
    private readonly tail: { text: string },
    readonly host: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  static async start(opts: BrokerProcessOptions): Promise<BrokerProcess> {
    const host = opts.host ?? '127.0.0.1';
    const args = [MAIN, 'start', '--data-dir', opts.dataDir, '--listeners', `PLAINTEXT://${host}:${opts.port ?? 0}`, '--workers', String(opts.workers ?? 0), '--log-level', opts.logLevel ?? 'warn'];
    for (const [k, v] of Object.entries(opts.overrides ?? {})) args.push('--override', `${k}=${v}`);
    const argv = [...(opts.wrap ?? []), process.execPath, ...args];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}) });
    const tail = { text: '' };
    child.stderr!.on('data', (b: Buffer) => (tail.text = (tail.text + b.toString()).slice(-STDERR_KEEP_BYTES)));
    if (opts.stderrFile !== undefined) {
      const file = createWriteStream(opts.stderrFile, { flags: 'a' });
      file.write(`${new Date().toISOString()} --- started, pid ${child.pid}\n`);
      // Each whole line stamped with the time it arrived, to be set beside the faults' times.
      let partial = '';
      child.stderr!.on('data', (b: Buffer) => {
        const lines = (partial + b.toString()).split('\n');
        partial = lines.pop()!;
        const at = new Date().toISOString();
        if (lines.length > 0) file.write(lines.map((l) => `${at} ${l}\n`).join(''));
      });
      child.stderr!.once('end', () => file.end(partial === '' ? '' : `${new Date().toISOString()} ${partial}\n`));
    }
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`broker did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${err.message}\n${tail.text}`));
      };
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on PLAINTEXT:\/\/[^:]+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code, signal) => fail(new Error(`broker exited during start (code ${code}, signal ${signal})`)));
      child.once('error', fail);
    });
    // stdout is not read after the banner; keep draining it so the child never blocks on a full pipe.
    child.stdout!.resume();
    return new BrokerProcess(child, port, opts.dataDir, tail, host);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  get alive(): boolean {
    return this.exitInfo === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get stderr(): string {
    return this.tail.text;
  }

  /** Resident set size in bytes, from /proc. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!m) throw new Error(`no VmRSS for ${this.pid}`);
    return Number(m[1]) * 1024;
  }

  /** SIGKILL, and wait until the process is gone (its files are closed, its pages are in the page cache). */
  async kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: a broker that stops answering and heartbeating, without dying. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Graceful stop (SIGTERM), falling back to SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
