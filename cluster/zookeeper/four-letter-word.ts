/** ZooKeeper's four-letter admin words (`ruok`, `srvr`, `mntr`) on a client port: the server answers and closes. */
import { connect } from 'node:net';

const MAX_ANSWER_BYTES = 64 * 1024;

export function fourLetterWord(port: number, word: 'ruok' | 'srvr' | 'mntr' | 'stat', timeoutMs: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${word} on ${host}:${port}: no answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(word));
    socket.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_ANSWER_BYTES) socket.destroy(new Error(`${word} on ${host}:${port}: answer over ${MAX_ANSWER_BYTES} bytes`));
      else chunks.push(d);
    });
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
