// NATS JetStream: each record a PUB to a subject captured by a file-backed stream,
// with a reply inbox so JetStream acknowledges it once stored. Pipelined by batch as
// the other targets are. Raw NATS text protocol over a socket.
import { connect, type Socket } from 'node:net';
import { startDaemon, findBinary, type Daemon } from './daemon.js';
import { runPipelined, type PeerOutcome, type PeerWorkload } from './workload.js';

export function startNats(): Promise<Daemon> | null {
  const bin = findBinary('nats-server');
  if (!bin) return null;
  return startDaemon(bin, (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir]);
}

const CRLF = Buffer.from('\r\n');

/**
 * Reads the server's side of the protocol: MSG deliveries (handed to onMsg with
 * subject and payload), PING (answered), INFO, +OK and -ERR (collected).
 */
export class NatsReader {
  private rest: Buffer = Buffer.alloc(0);
  errors: string[] = [];
  constructor(
    private readonly socket: Socket,
    private readonly onMsg: (subject: string, payload: Buffer) => void,
  ) {}

  push(data: Buffer): void {
    const buf = this.rest.length ? Buffer.concat([this.rest, data]) : data;
    let pos = 0;
    for (;;) {
      const eol = buf.indexOf(CRLF, pos);
      if (eol < 0) break;
      const line = buf.toString('latin1', pos, eol);
      if (line.startsWith('MSG ')) {
        const parts = line.split(' ');
        const size = Number(parts[parts.length - 1]);
        const end = eol + 2 + size + 2;
        if (end > buf.length) break;
        this.onMsg(parts[1]!, buf.subarray(eol + 2, eol + 2 + size));
        pos = end;
        continue;
      }
      if (line === 'PING') this.socket.write('PONG\r\n');
      else if (line.startsWith('-ERR')) this.errors.push(line);
      pos = eol + 2;
    }
    this.rest = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
  }
}

function pub(subject: string, reply: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`PUB ${subject} ${reply} ${payload.length}\r\n`), payload, CRLF]);
}

export async function natsProduce(port: number, w: PeerWorkload): Promise<PeerOutcome> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  let replies: ((subject: string, payload: Buffer) => void) | null = null;
  const ackErrors: string[] = [];
  const reader = new NatsReader(socket, (subject, payload) => replies?.(subject, payload));
  socket.on('data', (d: Buffer) => reader.push(d));
  try {
    const inbox = `_INBOX.perf${process.pid}`;
    socket.write(`CONNECT {"verbose":false,"pedantic":false,"lang":"node","version":"0","protocol":1}\r\nSUB ${inbox}.* 1\r\n`);
    const stream = `PERF${process.pid}`;
    const subject = `perf.${process.pid}`;
    const created = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('JetStream did not answer stream creation')), 10_000);
      replies = (s, p) => {
        if (s !== `${inbox}.create`) return;
        clearTimeout(timer);
        resolve(Buffer.from(p));
      };
      const config = JSON.stringify({ name: stream, subjects: [subject], storage: 'file', retention: 'limits', discard: 'old', num_replicas: 1 });
      socket.write(pub(`$JS.API.STREAM.CREATE.${stream}`, `${inbox}.create`, Buffer.from(config)));
    });
    if (created.includes('"error"')) throw new Error(`JetStream stream creation failed: ${created.toString()}`);
    const one = pub(subject, `${inbox}.a`, w.value);
    const batchBytes = Buffer.concat(Array.from({ length: w.batchRecords }, () => one));
    return await runPipelined(w, {
      send: (records) => socket.write(records === w.batchRecords ? batchBytes : batchBytes.subarray(0, one.length * records)),
      onReplies: (handler) => {
        replies = (_s, p) => {
          // An ack is {"stream":..,"seq":..}; a refusal carries "error".
          if (p.includes('"error"') && ackErrors.length < 10) ackErrors.push(p.toString());
          handler(1);
        };
      },
      errors: () => [...reader.errors, ...ackErrors],
    });
  } finally {
    socket.destroy();
  }
}
