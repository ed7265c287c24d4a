// Entry module of every pool worker (piscina's filename). Two task kinds:
// - host: long-lived, one per worker, started by the ActorSystem and resolved
//   only at shutdown. It hosts the actors placed on this worker and is fed by
//   its own MessagePort, which is how messages reach a chosen worker although
//   piscina would run a task on any free one.
// - runJob: an ordinary stateless piscina task (compaction, recovery scans).
import { threadId } from 'node:worker_threads';
import { ActorHost } from './actor-host.js';
import type { CellEnv } from './actor-cell.js';
import { ManualClock, realClock, type Clock } from './clock.js';
import { Dispatcher } from './dispatcher.js';
import { BehaviourLoader, loadExport, type KindSpec } from './kinds.js';
import { DeliveryOutbox } from './outbox.js';
import type { Logger, LogLevel } from './logger.js';
import { workerIndexForKey } from './placement.js';
import type { FromWorker, HostTaskArgs, JobTaskArgs, ToWorker } from './wire.js';

export async function host(args: HostTaskArgs): Promise<void> {
  const { port, workerIndex, workers } = args;
  const postNow = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const outbox = new DeliveryOutbox(
    (from, items, transfer) => postNow({ t: 'deliver', from, items }, transfer),
    (items, err) => dispatcher.failDelivery(items, err),
  );
  // any other message flushes queued deliveries first, keeping their order
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => {
    outbox.flush();
    postNow(m, transfer);
  };
  const manual = args.clock.mode === 'manual' ? new ManualClock(args.clock.nowMs) : null;
  const clock: Clock = manual ?? realClock;
  const log = forwardingLogger(post);
  const specs = new Map<string, KindSpec>();
  const loader = new BehaviourLoader();

  let pendingDeadLetters = 0;
  const deadLetter = () => {
    // coalesced: an overloaded mailbox drops many tells; report them in one message
    if (pendingDeadLetters++ === 0) {
      queueMicrotask(() => {
        post({ t: 'deadLetters', count: pendingDeadLetters });
        pendingDeadLetters = 0;
      });
    }
  };
  const env: CellEnv = {
    clock,
    log,
    workerIndex,
    systemId: args.systemId,
    deadLetter,
    router: {
      ref: (kind, key) => dispatcher.ref(kind, key),
      askMany: (items, opts) => dispatcher.askMany(items, opts),
    },
  };
  const actors = new ActorHost(env, loader, args.maxActorsPerHost);
  const addKind = (spec: KindSpec) => {
    specs.set(spec.kind, spec);
    actors.addKind(spec);
  };
  for (const spec of args.kinds) addKind(spec);

  const dispatcher: Dispatcher = new Dispatcher({
    selfIndex: workerIndex,
    host: actors,
    clock,
    askTimeoutMs: args.askTimeoutMs,
    route(kind, key) {
      const spec = specs.get(kind);
      if (spec?.placement === 'pool' && workerIndexForKey(key, workers, spec.placementRule) === workerIndex) return { local: true };
      return { local: false, link: 0 };
    },
    routeIsStable: (kind) => specs.has(kind),
    checkOpen() {},
    // the main thread routes by placement, so whatever it delivers here lives here
    routeIncoming: () => ({ local: true }),
    postDeliver: (_link, from, items, transfer) => outbox.add(from, items, transfer),
    postOutcomes: (to, outcomes, transfer) => post({ t: 'outcomes', to, outcomes }, transfer),
  });
  dispatcher.deadLetter = deadLetter;

  return new Promise<void>((resolve) => {
    port.on('message', (m: ToWorker) => {
      switch (m.t) {
        case 'deliver':
          dispatcher.onDeliver(m.from, m.items);
          break;
        case 'outcomes':
          dispatcher.onOutcomes(m.outcomes);
          break;
        case 'register':
          addKind(m.spec);
          break;
        case 'clock':
          manual?.advanceTo(m.nowMs);
          break;
        case 'close':
          void actors.closeKind(m.kind).then(() => post({ t: 'closed', opId: m.opId }));
          break;
        case 'mailboxes':
          post({ t: 'mailboxes', opId: m.opId, mailboxes: actors.mailboxes() });
          break;
        case 'shutdown':
          void actors.closeAll().then(() => {
            port.close();
            resolve();
          });
          break;
      }
    });
    post({ t: 'ready', threadId });
  });
}

export async function runJob(args: JobTaskArgs): Promise<unknown> {
  const fn = await loadExport<(a: unknown) => unknown>(args.moduleUrl, args.exportName);
  if (typeof fn !== 'function') throw new TypeError(`${args.moduleUrl}#${args.exportName} is not a function`);
  return fn(args.args);
}

function forwardingLogger(post: (m: FromWorker) => void): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    try {
      post({ t: 'log', level, msg, fields });
    } catch {
      post({ t: 'log', level, msg, fields: { unserializableFields: true } });
    }
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
