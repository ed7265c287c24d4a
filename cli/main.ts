#!/usr/bin/env -S node --initial-old-space-size=64
/**
 * The `samsa` command.
 *
 * The broker's own heap stays near 10 MB while hundreds of MB/s of socket
 * buffers pass through it; from V8's default small old-space limit that
 * triggers a full mark-compact every few tens of milliseconds (a third of
 * the broker's CPU under produce load, most of it on the second core). A
 * larger initial old-space limit, like Kafka's -Xms, removes them.
 */
// Each command's module is imported when that command runs: `samsa start` does
// not load the client, console and perf modules, nor a client command the broker.
import { GROUPS_BOOLEANS, parseArgs, UsageError } from './args.js';

const USAGE = `usage: samsa <command> [options]

  start      run a broker (--port, --data-dir, --listeners, --advertised-listeners,
             --workers, --broker-id, --http-listener http://127.0.0.1:9644 (metrics,
             admin API, web console), --config server.properties, --override key=value,
             --log-level debug|info|warn|error, --log-format json|pretty;
             environment SAMSA_<PROPERTY>)
  topics     create|list|describe|delete|alter-config|elect-leaders|reassign|reassignments
             [topic] (--partitions, --config k=v, --add-config k=v, --delete-config k,
             --validate-only, --election-type preferred|unclean, --partition N,
             --replicas 1,2,3, --cancel)
  produce    --topic t: one record per stdin line (--key-separator, --partition,
             --compression none|gzip|snappy|lz4|zstd, --acks)
  consume    --topic t (--from-beginning, --offset, --partition, --max-messages,
             --timeout-ms, --print-key)
  groups     list|describe|delete|reset-offsets [group] (--topic, --to-earliest, --to-latest,
             --to-offset N, --to-datetime ISO, --execute; dry run without --execute)
  cluster    up --brokers N [--zookeeper 1|3] [--data-dir DIR]: a local ZooKeeper ensemble
             and N brokers as processes, until Ctrl-C (docs/cluster.md)
  perf       produce|consume|e2e: load generator with a throughput and latency summary
             (--num-records, --record-size, --throughput, --acks, --partitions,
             --compression, --json; samsa perf produce --help)

  Client commands take --bootstrap-server host:port (default 127.0.0.1:9092).
  See docs/cli.md.`;

const BOOLEANS = new Set(['validate-only', 'cancel', 'from-beginning', 'print-key', 'help', ...GROUPS_BOOLEANS]);

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const args = parseArgs(rest, BOOLEANS);
  const out = (line: string) => process.stdout.write(line + '\n');
  switch (command) {
    case 'start':
      return (await import('./start.js')).startCommand(args);
    case 'topics':
      return (await import('./topics.js')).topicsCommand(args, out);
    case 'produce':
      return (await import('./produce.js')).produceCommand(args, process.stdin, out);
    case 'consume':
      return (await import('./consume.js')).consumeCommand(args, out);
    case 'groups':
      return (await import('./groups.js')).groupsCommand(args, out);
    case 'cluster':
      return (await import('./cluster.js')).clusterCommand(args, out);
    case 'perf':
      // perf parses its own flags (it is also run from bench/ harnesses).
      await (await import('./perf/index.js')).runPerf(rest);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`samsa: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`samsa: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
