// Redis Streams: XADD of one entry per record, pipelined as Kafka batches are:
// the commands of a batch are built once and written in one go, up to maxInFlight
// batches outstanding; a batch's latency runs from its write to its last reply.
// Raw RESP over a socket: no client library between the load and the server.
import { connect, type Socket } from 'node:net';
import { startDaemon, findBinary, type Daemon } from './daemon.js';
import type { PeerWorkload, PeerOutcome } from './workload.js';
import { runPipelined } from './workload.js';

/** redis-server with an append-only file flushed by the OS (as Kafka leaves flushing to the page cache). */
export function startRedis(): Promise<Daemon> | null {
  const bin = findBinary('redis-server');
  if (!bin) return null;
  return startDaemon(bin, (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'no', '--protected-mode', 'no', '--daemonize', 'no']);
}

function bulk(s: Buffer | string): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);
}

/** One XADD command in RESP. */
export function xaddCommand(stream: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from('*5\r\n'), bulk('XADD'), bulk(stream), bulk('*'), bulk('v'), bulk(value)]);
}

/**
 * Counts complete RESP replies in a stream of reads (simple strings, errors,
 * integers and bulk strings: what XADD and DEL answer). Errors are collected.
 */
export class ReplyCounter {
  private rest: Buffer = Buffer.alloc(0);
  errors: string[] = [];

  push(data: Buffer): number {
    const buf = this.rest.length ? Buffer.concat([this.rest, data]) : data;
    let pos = 0;
    let n = 0;
    for (;;) {
      const eol = buf.indexOf('\r\n', pos);
      if (eol < 0) break;
      const type = buf[pos];
      if (type === 0x24) {
        const len = Number(buf.toString('latin1', pos + 1, eol));
        const end = len < 0 ? eol + 2 : eol + 2 + len + 2;
        if (end > buf.length) break;
        pos = end;
      } else {
        if (type === 0x2d) this.errors.push(buf.toString('utf8', pos + 1, eol));
        pos = eol + 2;
      }
      n++;
    }
    this.rest = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
    return n;
  }
}

export async function redisProduce(port: number, w: PeerWorkload): Promise<PeerOutcome> {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  const stream = `perf-${process.pid}`;
  const one = xaddCommand(stream, w.value);
  const batchBytes = Buffer.concat(Array.from({ length: w.batchRecords }, () => one));
  const counter = new ReplyCounter();
  try {
    return await runPipelined(w, {
      send: (records) => socket.write(records === w.batchRecords ? batchBytes : batchBytes.subarray(0, one.length * records)),
      onReplies: (handler) => socket.on('data', (d: Buffer) => handler(counter.push(d))),
      errors: () => counter.errors,
    });
  } finally {
    socket.destroy();
  }
}
