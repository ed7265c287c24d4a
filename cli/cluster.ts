/**
 * `samsa cluster up --brokers N [--zookeeper 1|3] [--data-dir DIR]`: a local
 * ZooKeeper ensemble and N brokers, as real processes, for development. Prints
 * the bootstrap list and the ZooKeeper connect string; Ctrl-C (or SIGTERM)
 * stops every process it started.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalCluster } from '../cluster/local/local-cluster.js';
import { zookeeperMissing } from '../cluster/zookeeper/server-process.js';
import { intOption, onlyOptions, option, UsageError, type ParsedArgs } from './args.js';

export async function clusterCommand(args: ParsedArgs, out: (line: string) => void): Promise<void> {
  const [sub] = args.positional;
  if (sub !== 'up') throw new UsageError('samsa cluster up --brokers N [--zookeeper 1|3] [--data-dir DIR] [--session-timeout-ms MS] [--log-level LEVEL]');
  onlyOptions(args, ['brokers', 'zookeeper', 'data-dir', 'session-timeout-ms', 'log-level']);
  const brokers = intOption(args, 'brokers', 3);
  const zookeepers = intOption(args, 'zookeeper', 1);
  if (brokers < 1 || brokers > 64) throw new UsageError(`--brokers ${brokers}: 1 to 64`);
  if (zookeepers < 1 || zookeepers > 7 || zookeepers % 2 === 0) throw new UsageError(`--zookeeper ${zookeepers}: an odd number of servers, 1 to 7`);
  const missing = zookeeperMissing();
  if (missing !== null) throw new Error(`cannot start ZooKeeper: ${missing}`);
  const dir = resolve(option(args, 'data-dir') ?? mkdtempSync(join(tmpdir(), 'samsa-cluster-')));
  const started = performance.now();
  const cluster = await LocalCluster.start({
    dir,
    brokers,
    zookeepers,
    sessionTimeoutMs: intOption(args, 'session-timeout-ms', 6_000),
    logLevel: (option(args, 'log-level') ?? 'warn') as 'warn',
  });
  const { controllerId } = await cluster.metadata();
  out(`samsa cluster up in ${(performance.now() - started).toFixed(0)} ms: ${brokers} brokers, controller ${controllerId}, ZooKeeper ${zookeepers === 1 ? 'standalone' : `ensemble of ${zookeepers}`}`);
  out(`bootstrap.servers=${cluster.bootstrap}`);
  out(`zookeeper.connect=${cluster.zookeeperConnect}`);
  out(`data in ${dir}; Ctrl-C stops everything`);
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      out('stopping the cluster');
      void cluster.stop().then(done, done);
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, stop);
  });
}
