// Public face of the actor runtime.
export { ActorSystem, defaultAskTimeoutMs, type ActorSystemOptions, type ActorSystemStats } from './system.js';
export type { ActorAddress } from './address.js';
export {
  withTransfer,
  type ActorContext,
  type ActorRef,
  type AskManyItem,
  type AskManyOptions,
  type AskOptions,
  type AskOutcome,
  type Behaviour,
  type BehaviourFactory,
  type Cancellable,
  type TellOptions,
  type TransferReply,
} from './behaviour.js';
export { ManualClock, realClock, type Clock, type TimerHandle } from './clock.js';
export {
  ActorError,
  ActorFailedError,
  ActorLimitError,
  ActorStoppedError,
  AskTimeoutError,
  MailboxFullError,
  OperationalError,
  RemoteError,
  UnknownKindError,
  WorkerLostError,
  isOperational,
  registerErrorClass,
  type ActorErrorCode,
} from './errors.js';
export { defaultMailboxCapacity, type KindOptions, type Placement } from './kinds.js';
export { childLogger, consoleLogger, silentLogger, type Logger, type LogLevel } from './logger.js';
export { pinoLogger, type LogFormat, type PinoLoggerOptions } from './pino-logger.js';
export { defaultRestartPolicy, type RestartPolicy } from './restart-policy.js';
export { memberOfKey, workerIndexForKey, type PlacementRule } from './placement.js';
