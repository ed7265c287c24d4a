// A partition-like behaviour whose messages are CPU-bound: each validates
// (CRC-32C) a buffer the actor owns, as an append's checks or a recovery scan do,
// with nothing to copy across threads.
import type { Behaviour } from '../../actors/runtime/index.js';
import { crc32c } from '../../native/index.js';

export type CrcMsg = { op: 'crc'; bytes: number };

/** Small enough to stay in a core's cache: the work is the CPU's, not memory bandwidth shared by both cores. */
const CHUNK = 128 << 10;

export function createCrc(): Behaviour<CrcMsg, number> {
  const data = Buffer.alloc(CHUNK, 7);
  return {
    handle(msg) {
      let crc = 0;
      for (let done = 0; done < msg.bytes; done += CHUNK) crc ^= crc32c(data);
      return crc;
    },
  };
}
