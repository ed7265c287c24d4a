// Minimal behaviours for the actor benchmarks: the runtime's cost, not the handler's.
import { withTransfer, type Behaviour } from '../../actors/runtime/index.js';

export type EchoMsg = { op: 'ping' } | { op: 'count' } | { op: 'read' } | { op: 'bytes'; buf: ArrayBuffer };

export function createEcho(): Behaviour<EchoMsg, unknown> {
  let count = 0;
  return {
    handle(msg) {
      switch (msg.op) {
        case 'ping':
          return 1;
        case 'count':
          count++;
          return undefined;
        case 'read':
          return count;
        case 'bytes':
          return withTransfer(msg.buf, [msg.buf]);
      }
    },
  };
}
