/**
 * Response writers reused across requests. A writer's chunks stay valid until
 * it is reset, so one goes back to the pool only after the socket has taken
 * its bytes. Bounded: past `maxPooled` (or when a writer grew large) it is
 * left to the garbage collector.
 */
import { Writer } from '../../protocol/index.js';

const INITIAL_BYTES = 16 * 1024;
const MAX_KEPT_BYTES = 1 << 20;

export class WriterPool {
  private readonly free: Writer[] = [];

  constructor(private readonly maxPooled = 64) {}

  take(): Writer {
    const w = this.free.pop() ?? new Writer(INITIAL_BYTES);
    w.reset();
    return w;
  }

  give(w: Writer): void {
    if (this.free.length < this.maxPooled && w.buf.length <= MAX_KEPT_BYTES) this.free.push(w);
  }
}
