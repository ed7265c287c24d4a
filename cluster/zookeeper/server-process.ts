/**
 * A real ZooKeeper server (the Debian `zookeeper` package's jar) run as a
 * plain foreground Java process with its own config and data directory, for
 * tests and `samsa cluster up`. Never the system service: every server here
 * is started and stopped by whoever made it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fourLetterWord } from './four-letter-word.js';

/** Where Debian puts the server jar; its manifest names the rest of the classpath. */
export const DEFAULT_ZOOKEEPER_JAR = process.env.SAMSA_ZOOKEEPER_JAR ?? '/usr/share/java/zookeeper.jar';
/** A logger binding if one is installed; without it ZooKeeper logs nothing (slf4j's no-op). */
const SLF4J_SIMPLE = '/usr/share/java/slf4j-simple.jar';
const STOP_GRACE_MS = 5_000;

export interface QuorumPeer {
  readonly id: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  /** The member's address (default 127.0.0.1). */
  readonly host?: string;
}

export interface ZooKeeperServerOptions {
  /** Holds zoo.cfg, data/ (with myid in an ensemble) and server.log. */
  readonly dir: string;
  /** 1-255; the myid of an ensemble member. */
  readonly id: number;
  readonly clientPort: number;
  /** Address it listens on, for clients and its peers (default 127.0.0.1). */
  readonly host?: string;
  /** Command and arguments put before `java` (e.g. `ip netns exec <ns>`). */
  readonly wrap?: readonly string[];
  /** Every member of the ensemble, this one included; empty or absent: standalone. */
  readonly peers?: readonly QuorumPeer[];
  /** ZooKeeper's tickTime (2000 by default); session timeouts are bounded by 2 and 20 ticks unless set. */
  readonly tickTimeMs?: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  readonly jar?: string;
  readonly heapMb?: number;
}

export type ServerMode = 'standalone' | 'leader' | 'follower' | 'observer';

/** Whether a ZooKeeper server can be started here (the jar and java on PATH), and why not. */
export function zookeeperMissing(jar = DEFAULT_ZOOKEEPER_JAR): string | null {
  if (!existsSync(jar)) return `no ZooKeeper server jar at ${jar} (Debian: apt-get install zookeeper)`;
  const path = (process.env.PATH ?? '').split(':');
  if (!path.some((d) => d !== '' && existsSync(join(d, 'java')))) return 'no java on PATH (ZooKeeper needs a JRE)';
  return null;
}

export class ZooKeeperServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(readonly options: ZooKeeperServerOptions) {
    mkdirSync(join(options.dir, 'data'), { recursive: true });
    writeFileSync(join(options.dir, 'zoo.cfg'), zooCfg(options));
    if ((options.peers?.length ?? 0) > 0) writeFileSync(join(options.dir, 'data', 'myid'), `${options.id}\n`);
  }

  get id(): number {
    return this.options.id;
  }

  get clientPort(): number {
    return this.options.clientPort;
  }

  get address(): string {
    return `${this.options.host ?? '127.0.0.1'}:${this.options.clientPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process (same config and data as before, if it ran already); resolves once it answers `ruok`. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child !== undefined) throw new Error(`ZooKeeper server ${this.id} is already running`);
    const o = this.options;
    const jar = o.jar ?? DEFAULT_ZOOKEEPER_JAR;
    const classpath = existsSync(SLF4J_SIMPLE) ? `${jar}:${SLF4J_SIMPLE}` : jar;
    const log = openSync(join(o.dir, 'server.log'), 'a');
    try {
      const argv = [...(o.wrap ?? []), 'java', `-Xmx${o.heapMb ?? 256}m`, '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.showDateTime=true', '-cp', classpath, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(o.dir, 'zoo.cfg')];
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log] });
      this.child = child;
      this.exited = once(child, 'exit').then(() => {
        if (this.child === child) this.child = undefined;
        process.off('exit', this.killOnExit);
      });
      process.on('exit', this.killOnExit);
    } finally {
      closeSync(log);
    }
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      if (this.child === undefined) throw new Error(`ZooKeeper server ${this.id} exited while starting; see ${join(o.dir, 'server.log')}`);
      const answer = await fourLetterWord(this.clientPort, 'ruok', 1_000, this.options.host).catch(() => '');
      if (answer === 'imok') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`ZooKeeper server ${this.id} did not answer ruok on port ${this.clientPort} within ${timeoutMs} ms`);
  }

  /** What `srvr` says of the server: its mode once it serves, else null (not running, or not in a quorum). */
  async mode(): Promise<ServerMode | null> {
    const text = await fourLetterWord(this.clientPort, 'srvr', 1_000, this.options.host).catch(() => '');
    const m = /^Mode: (standalone|leader|follower|observer)$/m.exec(text);
    return m === null ? null : (m[1] as ServerMode);
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** A crash: SIGKILL, and wait for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }
}

function zooCfg(o: ZooKeeperServerOptions): string {
  const tick = o.tickTimeMs ?? 2000;
  const lines = [
    `tickTime=${tick}`,
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${join(o.dir, 'data')}`,
    `clientPort=${o.clientPort}`,
    `clientPortAddress=${o.host ?? '127.0.0.1'}`,
    // The AdminServer would take port 8080 of the machine.
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,srvr,mntr,stat',
    `minSessionTimeout=${o.minSessionTimeoutMs ?? 2 * tick}`,
    `maxSessionTimeout=${o.maxSessionTimeoutMs ?? Math.max(60_000, 20 * tick)}`,
    // Old snapshots and logs are purged, so a long dev cluster does not fill the disk.
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=1',
  ];
  for (const p of o.peers ?? []) lines.push(`server.${p.id}=${p.host ?? '127.0.0.1'}:${p.quorumPort}:${p.electionPort}`);
  return `${lines.join('\n')}\n`;
}
