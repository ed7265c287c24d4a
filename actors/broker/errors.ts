/** Kafka error names to codes, through the protocol layer's one registry. */
import { ErrorCode } from '../../protocol/index.js';

export type ErrorName = keyof typeof ErrorCode;

export function code(name: ErrorName): number {
  return ErrorCode[name];
}

export const NONE = 0;
