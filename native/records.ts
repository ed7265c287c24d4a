// The addon's record walk (native/src/record_walk.cc) for bytes that do not go
// through an append as they are: a compressed batch's decompressed payload.
import { addon } from './addon.js';

export interface RecordsProblem {
  /** The record the problem was found in; `count` for bytes after the last record. */
  readonly record: number;
  readonly message: string;
}

/** What is wrong with `records` as `count` v2 records (with `keyedOnly`, each keyed), or null when they fill it exactly. */
export function recordsProblem(records: Uint8Array, count: number, keyedOnly = false): RecordsProblem | null {
  return addon.recordsProblem(records, count, keyedOnly);
}
