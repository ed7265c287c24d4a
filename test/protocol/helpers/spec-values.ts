// Random values for any spec'd message in a given version, derived from the spec
// itself: fields the version has get random values, fields it lacks get their
// defaults (what a decoder must produce). Seeded, so a failure reproduces.
import { contains, intersect, isEmpty, type FieldSpec, type MessageSpec, type StructSpec } from '../../../protocol/gen/spec.js';

export class Rng {
  constructor(private s: number) {}
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const CHARS = ['a', 'z', '0', '-', '_', '.', ' ', 'é', 'ß', '中', '😀'];

function present(msg: MessageSpec, f: FieldSpec, version: number): 'plain' | 'tagged' | 'absent' {
  if (!contains(f.versions, version)) return 'absent';
  if (f.tag !== undefined) {
    return contains(msg.flexibleVersions, version) && contains(intersect(f.taggedVersions, f.versions), version) ? 'tagged' : 'absent';
  }
  return 'plain';
}

export function fieldDefault(msg: MessageSpec, f: FieldSpec): unknown {
  const nullableSomewhere = !isEmpty(intersect(intersect(f.versions, msg.validVersions), f.nullableVersions));
  const d = f.default;
  if ((d === 'null' || d === null) && nullableSomewhere) return null;
  if (f.isArray) return [];
  if (f.struct) return structDefault(msg, f.struct);
  switch (f.baseType) {
    case 'bool':
      return d === true || d === 'true';
    case 'string':
      return typeof d === 'string' && d !== 'null' ? d : '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return nullableSomewhere ? null : Buffer.alloc(0);
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'int64':
      return d === undefined || d === null ? 0n : BigInt(d as string | number);
    default:
      return d === undefined || d === null ? 0 : Number(d);
  }
}

export function structDefault(msg: MessageSpec, s: StructSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of s.fields) o[f.name] = fieldDefault(msg, f);
  return o;
}

function scalar(f: FieldSpec, rng: Rng, depth: number): unknown {
  switch (f.baseType) {
    case 'bool':
      return rng.chance(0.5);
    case 'int8':
      return rng.int(-128, 127);
    case 'int16':
      return rng.int(-32768, 32767);
    case 'uint16':
      return rng.int(0, 65535);
    case 'int32':
      return rng.chance(0.2) ? [0, -1, 2147483647, -2147483648][rng.int(0, 3)] : rng.int(-2147483648, 2147483647);
    case 'uint32':
      return rng.int(0, 4294967295);
    case 'int64': {
      const hi = BigInt(rng.int(-2147483648, 2147483647));
      const lo = BigInt(rng.int(0, 4294967295));
      return rng.chance(0.2) ? [0n, -1n, 9223372036854775807n, -9223372036854775808n][rng.int(0, 3)] : (hi << 32n) | lo;
    }
    case 'float64':
      return rng.chance(0.2) ? 0 : (rng.next() - 0.5) * 10 ** rng.int(-10, 10);
    case 'string': {
      let s = '';
      const n = rng.int(0, 12);
      for (let i = 0; i < n; i++) s += CHARS[rng.int(0, CHARS.length - 1)];
      return s;
    }
    case 'uuid': {
      const b = Buffer.alloc(16);
      for (let i = 0; i < 16; i++) b[i] = rng.int(0, 255);
      return b.toString('base64url');
    }
    case 'bytes':
    case 'records': {
      const b = Buffer.alloc(rng.int(0, depth === 0 ? 2000 : 24));
      for (let i = 0; i < b.length; i++) b[i] = rng.int(0, 255);
      return b;
    }
    default:
      throw new Error(`no generator for ${f.baseType}`);
  }
}

function value(msg: MessageSpec, f: FieldSpec, version: number, rng: Rng, depth: number): unknown {
  if (contains(f.nullableVersions, version) && rng.chance(0.2)) return null;
  if (f.isArray) {
    const n = depth > 3 ? 0 : rng.int(0, 3);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(f.struct ? randomStruct(msg, f.struct, version, rng, depth + 1) : scalar(f, rng, depth + 1));
    return out;
  }
  if (f.struct) return randomStruct(msg, f.struct, version, rng, depth + 1);
  return scalar(f, rng, depth);
}

/** A random struct for `version`: the expected decode result of its encoding. */
export function randomStruct(msg: MessageSpec, s: StructSpec, version: number, rng: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of s.fields) {
    const p = present(msg, f, version);
    if (p === 'absent' || (p === 'tagged' && rng.chance(0.3))) o[f.name] = fieldDefault(msg, f);
    else o[f.name] = value(msg, f, version, rng, depth);
  }
  return o;
}

export { present };
