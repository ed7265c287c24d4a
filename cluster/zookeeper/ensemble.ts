/**
 * A local ZooKeeper ensemble of real servers on 127.0.0.1 (1 is standalone;
 * 3 or 5 a quorum), each with its own directory under `dir`, for tests and
 * `samsa cluster up`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../free-ports.js';
import { ZooKeeperServer } from './server-process.js';

export interface EnsembleOptions {
  readonly dir: string;
  readonly size: number;
  readonly tickTimeMs?: number;
  readonly minSessionTimeoutMs?: number;
}

export class Ensemble {
  private constructor(readonly servers: readonly ZooKeeperServer[]) {}

  /** Starts every member and resolves once a quorum serves (every member answers `srvr` with its mode). */
  static async start(o: EnsembleOptions, timeoutMs = 60_000): Promise<Ensemble> {
    if (!Number.isInteger(o.size) || o.size < 1 || o.size > 7) throw new RangeError(`ensemble size ${o.size}: 1 to 7 servers`);
    const ports = await freePorts(o.size * 3);
    const peers = o.size === 1 ? [] : Array.from({ length: o.size }, (_, i) => ({ id: i + 1, quorumPort: ports[3 * i + 1]!, electionPort: ports[3 * i + 2]! }));
    const servers = Array.from({ length: o.size }, (_, i) => {
      const dir = join(o.dir, `zk-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      return new ZooKeeperServer({ dir, id: i + 1, clientPort: ports[3 * i]!, peers, tickTimeMs: o.tickTimeMs, minSessionTimeoutMs: o.minSessionTimeoutMs });
    });
    const ensemble = new Ensemble(servers);
    try {
      await Promise.all(servers.map((s) => s.start(timeoutMs)));
      await ensemble.serving(timeoutMs);
    } catch (err) {
      await ensemble.stop();
      throw err;
    }
    return ensemble;
  }

  /** host:port of every member, as zookeeper.connect takes it (append a chroot path if wanted). */
  get connectString(): string {
    return this.servers.map((s) => s.address).join(',');
  }

  /**
   * Resolves with the leading member once a quorum of the running members
   * serves: a majority of the ensemble in a mode, one of them leading (the
   * standalone server of an ensemble of 1). Asked in one round, so the leader
   * named is one that answered beside a quorum, not one `srvr` later.
   */
  async serving(timeoutMs = 30_000): Promise<ZooKeeperServer> {
    const deadline = Date.now() + timeoutMs;
    const quorum = Math.floor(this.servers.length / 2) + 1;
    for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
      const modes = await Promise.all(this.servers.map((s) => (s.running ? s.mode() : Promise.resolve(null))));
      const leading = modes.findIndex((m) => m === 'leader' || m === 'standalone');
      if (leading >= 0 && modes.filter((m) => m !== null).length >= quorum) return this.servers[leading]!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`ZooKeeper ensemble of ${this.servers.length}: no quorum serving within ${timeoutMs} ms`);
  }

  /** The member that leads the quorum, asked until one answers so within `timeoutMs` (a loaded machine may leave one `srvr` unanswered). */
  async leader(timeoutMs = 10_000): Promise<ZooKeeperServer> {
    return this.serving(timeoutMs);
  }

  /** Starts every member not running (after a kill or stop) and resolves once the quorum serves. */
  async restoreAll(timeoutMs = 60_000): Promise<void> {
    await Promise.all(this.servers.filter((s) => !s.running).map((s) => s.start(timeoutMs)));
    await this.serving(timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}
