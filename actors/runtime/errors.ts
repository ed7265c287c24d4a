// The runtime's errors, their stable codes, and how any error crosses a thread.
//
// Two channels (see docs/actors.md, "Supervision"):
// - operational errors: the handler threw an error with `operational === true`
//   (OperationalError and subclasses, or any class that sets the flag, such as
//   a Kafka protocol error). The ask is rejected; the actor keeps running.
// - bugs: anything else thrown (TypeError, failed assertion, non-Error values).
//   The ask is rejected with it, and the supervisor restarts the actor.

export type ActorErrorCode =
  | 'ASK_TIMEOUT'
  | 'MAILBOX_FULL'
  | 'ACTOR_FAILED'
  | 'ACTOR_STOPPED'
  | 'UNKNOWN_KIND'
  | 'ACTOR_LIMIT'
  | 'WORKER_LOST'
  | 'REMOTE_ERROR';

export class ActorError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Base for errors a handler throws on purpose: they reject the ask and nothing else. */
export class OperationalError extends ActorError {
  readonly operational = true as const;
}

/** The reply did not arrive within the ask's timeoutMs; a later reply is dropped. */
export class AskTimeoutError extends OperationalError {
  constructor(message: string) {
    super('ASK_TIMEOUT', message);
  }
}

/** The actor's mailbox held mailboxCapacity messages; nothing was queued. */
export class MailboxFullError extends OperationalError {
  constructor(message: string) {
    super('MAILBOX_FULL', message);
  }
}

/** The actor crashed more often than its restart policy allows and no longer runs. */
export class ActorFailedError extends OperationalError {
  constructor(message: string) {
    super('ACTOR_FAILED', message);
  }
}

/** The actor's kind is stopping or the system has stopped. */
export class ActorStoppedError extends OperationalError {
  constructor(message: string) {
    super('ACTOR_STOPPED', message);
  }
}

export class UnknownKindError extends OperationalError {
  constructor(message: string) {
    super('UNKNOWN_KIND', message);
  }
}

/** A host already runs maxActorsPerHost actors. */
export class ActorLimitError extends OperationalError {
  constructor(message: string) {
    super('ACTOR_LIMIT', message);
  }
}

/** The worker thread hosting the actor exited while the ask was in flight. */
export class WorkerLostError extends OperationalError {
  constructor(message: string) {
    super('WORKER_LOST', message);
  }
}

/** An error from another thread whose class is not registered on this one. */
export class RemoteError extends ActorError {
  readonly remoteName: string;
  readonly operational: boolean;
  constructor(remoteName: string, code: string | undefined, message: string, operational: boolean) {
    super(code ?? 'REMOTE_ERROR', message);
    this.remoteName = remoteName;
    this.operational = operational;
  }
}

export function isOperational(err: unknown): boolean {
  return err instanceof Error && (err as { operational?: unknown }).operational === true;
}

// ---- crossing threads ----

/** Plain-data form of an error, safe for postMessage. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
  operational: boolean;
  /** own enumerable data fields of the error (e.g. a Kafka errorCode), if cloneable */
  fields?: Record<string, unknown>;
}

type ErrorClass = new (...args: never[]) => Error;
const registry = new Map<string, ErrorClass>();

/**
 * Makes errors of this class arrive as instances of it on this thread. Register
 * in the module that defines the class, so every thread importing it registers it.
 */
export function registerErrorClass(cls: ErrorClass): void {
  registry.set(cls.name, cls);
}

for (const cls of [
  ActorError,
  OperationalError,
  AskTimeoutError,
  MailboxFullError,
  ActorFailedError,
  ActorStoppedError,
  UnknownKindError,
  ActorLimitError,
  WorkerLostError,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  Error,
]) {
  registerErrorClass(cls as ErrorClass);
}

const builtinKeys = new Set(['name', 'message', 'stack', 'code', 'operational', 'cause']);

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) {
    return { name: 'Error', message: `non-Error thrown: ${String(err)}`, operational: false };
  }
  const wire: WireError = { name: err.name, message: err.message, operational: isOperational(err) };
  if (err.stack !== undefined) wire.stack = err.stack;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') wire.code = code;
  const fields: Record<string, unknown> = {};
  let any = false;
  for (const k of Object.keys(err)) {
    if (builtinKeys.has(k)) continue;
    const v = (err as unknown as Record<string, unknown>)[k];
    if (v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v)) {
      fields[k] = v;
      any = true;
    }
  }
  if (any) wire.fields = fields;
  return wire;
}

/**
 * Rebuilds the error as its registered class without running its constructor
 * (constructors differ in arguments), then restores name, message, code, stack
 * and data fields.
 */
export function fromWireError(wire: WireError): Error {
  const cls = registry.get(wire.name);
  let err: Error;
  if (cls) {
    // a real Error re-prototyped, so it stays a native error (util.types.isNativeError)
    err = new Error(wire.message);
    Object.setPrototypeOf(err, cls.prototype);
    Object.defineProperty(err, 'name', { value: wire.name, writable: true, configurable: true, enumerable: false });
    if (wire.code !== undefined) (err as { code?: string }).code = wire.code;
    if (wire.operational && !isOperational(err)) (err as { operational?: boolean }).operational = true;
  } else {
    err = new RemoteError(wire.name, wire.code, wire.message, wire.operational);
  }
  if (wire.fields) Object.assign(err, wire.fields);
  Object.defineProperty(err, 'stack', { value: wire.stack ?? `${wire.name}: ${wire.message}`, writable: true, configurable: true });
  return err;
}
