// Support for the generated codecs' version rules: a field that a version lacks
// may only be dropped silently when it is ignorable or still holds its default.
import { ProtocolError } from '../protocol-error.js';

export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** Structural equality of decoded values (numbers, bigints, strings, Buffers, arrays, objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  for (const k of Object.keys(b as object)) {
    const av = (a as Record<string, unknown>)[k];
    const bv = (b as Record<string, unknown>)[k];
    if (av === undefined) continue; // omitted: the default
    if (!sameValue(av, bv)) return false;
  }
  return true;
}

export function unsupportedField(message: string, field: string, version: number): never {
  throw new ProtocolError('unencodable', `${message}.${field} holds a non-default value but version ${version} does not have it`);
}
