// Where an actor's answer to one ask goes: a local promise, or an outcome
// gathered into the reply message of a cross-thread delivery.

export interface ReplySink {
  resolve(value: unknown, transfer?: ArrayBuffer[]): void;
  reject(err: Error): void;
}
