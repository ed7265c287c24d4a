/**
 * Sends hostile frames to a live broker over many short connections. Each
 * connection gets a few frames, then (if the stream is still aligned) a valid
 * ApiVersions probe, then end-of-stream; the broker must close or answer, and
 * must never hang a connection or exit.
 */
import { connect } from 'node:net';
import { FrameReader } from '../../../actors/broker/net/frame-reader.js';
import { Random } from '../harness/random.js';
import { hostileFrame } from './hostile-frames.js';
import type { ServedRange } from './templates.js';

const PROBE_ID = 0x7ffffff0;
/** A connection not closed this long after our end-of-stream counts as hung. */
const SESSION_TIMEOUT_MS = 15_000;

export interface FuzzOptions {
  readonly port: number;
  readonly frames: number;
  readonly concurrency: number;
  readonly seed: number;
  readonly apis: readonly ServedRange[];
  readonly requestMaxBytes: number;
  /** Stop early (with what was sent) after this long. */
  readonly budgetMs: number;
  /** Called between sessions, e.g. to check the broker is alive. */
  readonly onProgress?: (stats: FuzzStats) => void;
}

export interface FuzzStats {
  frames: number;
  sessions: number;
  responses: number;
  probesAnswered: number;
  /** Sessions the broker closed before answering the probe (or with no probe). */
  closedByBroker: number;
  hung: number;
  connectErrors: number;
  readonly kinds: Map<string, number>;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzStats> {
  const rnd = new Random(opts.seed);
  const stats: FuzzStats = { frames: 0, sessions: 0, responses: 0, probesAnswered: 0, closedByBroker: 0, hung: 0, connectErrors: 0, kinds: new Map() };
  const deadline = Date.now() + opts.budgetMs;
  const probe = apiVersionsProbe();
  const worker = async () => {
    while (stats.frames < opts.frames && Date.now() < deadline) {
      const parts: Buffer[] = [];
      let aligned = true;
      for (let n = rnd.int(1, 8); n > 0 && aligned && stats.frames < opts.frames; n--) {
        const h = hostileFrame(rnd, opts.apis, rnd.int(0, 1 << 30), opts.requestMaxBytes);
        parts.push(h.bytes);
        aligned = h.aligned;
        stats.frames++;
        stats.kinds.set(h.kind, (stats.kinds.get(h.kind) ?? 0) + 1);
      }
      if (aligned) parts.push(probe);
      await session(opts.port, Buffer.concat(parts), stats);
      opts.onProgress?.(stats);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return stats;
}

function session(port: number, bytes: Buffer, stats: FuzzStats): Promise<void> {
  stats.sessions++;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const reader = new FrameReader(1 << 30);
    let probed = false;
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      stats.hung++;
      socket.destroy();
    }, SESSION_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        return;
      }
      for (const f of frames) {
        stats.responses++;
        if (f.length >= 4 && f.readInt32BE(0) === PROBE_ID) probed = true;
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') stats.connectErrors++;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (probed) stats.probesAnswered++;
      else if (!hung) stats.closedByBroker++;
      resolve();
    });
    socket.on('connect', () => socket.end(bytes));
  });
}

function apiVersionsProbe(): Buffer {
  const b = Buffer.alloc(14);
  b.writeInt32BE(10, 0);
  b.writeInt16BE(18, 4);
  b.writeInt16BE(0, 6);
  b.writeInt32BE(PROBE_ID, 8);
  b.writeInt16BE(-1, 12);
  return b;
}
